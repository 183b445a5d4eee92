// The URL each client builds, per the rules in their sources: libtorrent escape_path (lowercase hex,
// keeps "-_!.~*()" and "/"), aria2 util::percentEncode (RFC 3986 unreserved only, uppercase hex),
// WebTorrent lib/webconn.js (raw path handed to fetch, which encodes what WHATWG URL encodes).
import type { TorrentMeta } from "@seedpress/torrent";
import { describe, expect, it } from "vitest";
import { webSeedFileUrl } from "../src/index.js";

function meta(name: string, paths: string[] | null): TorrentMeta {
  const files = (paths ?? [name]).map((p, i) => ({
    path: p,
    pathSegments: p.split("/"),
    length: 10,
    offset: i * 10,
    padding: false,
  }));
  return { name, singleFile: paths === null, files } as unknown as TorrentMeta;
}

describe("webSeedFileUrl", () => {
  const multi = meta("Rel 1.0", ["sub dir/b (1)!'.bin", "é.txt"]);
  it("libtorrent: URL + / + escape_path(name/path), lowercase hex, keeps !*()", () => {
    expect(webSeedFileUrl("libtorrent", "http://h/m", multi, 0)).toBe(
      "http://h/m/Rel%201.0/sub%20dir/b%20(1)!%27.bin",
    );
    expect(webSeedFileUrl("libtorrent", "http://h/m/", multi, 1)).toBe("http://h/m/Rel%201.0/%c3%a9.txt");
  });
  it("aria2: each element percent-encoded, uppercase hex, only unreserved kept", () => {
    expect(webSeedFileUrl("aria2", "http://h/m/", multi, 0)).toBe(
      "http://h/m/Rel%201.0/sub%20dir/b%20%281%29%21%27.bin",
    );
    expect(webSeedFileUrl("aria2", "http://h/m", multi, 1)).toBe("http://h/m/Rel%201.0/%C3%A9.txt");
  });
  it("webtorrent: the raw path parsed as a URL", () => {
    expect(webSeedFileUrl("webtorrent", "http://h/m/", multi, 0)).toBe(
      "http://h/m/Rel%201.0/sub%20dir/b%20(1)!'.bin",
    );
    expect(webSeedFileUrl("webtorrent", "http://h/m/", multi, 1)).toBe("http://h/m/Rel%201.0/%C3%A9.txt");
  });
  it("single file: the name is appended only after a slash, and WebTorrent never appends it", () => {
    const single = meta("app 1.iso", null);
    expect(webSeedFileUrl("libtorrent", "http://h/pub/", single, 0)).toBe("http://h/pub/app%201.iso");
    expect(webSeedFileUrl("aria2", "http://h/pub/", single, 0)).toBe("http://h/pub/app%201.iso");
    expect(webSeedFileUrl("webtorrent", "http://h/pub/", single, 0)).toBe("http://h/pub/");
    for (const client of ["libtorrent", "aria2", "webtorrent"] as const) {
      expect(webSeedFileUrl(client, "http://h/pub/app.iso", single, 0)).toBe("http://h/pub/app.iso");
    }
  });
});
