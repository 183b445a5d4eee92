// buildMetalink: RFC 5854 shape, escaping, and <pieces> only where a v1 piece is the file's own piece.
import type { TorrentMeta } from "@seedpress/torrent";
import { describe, expect, it } from "vitest";
import { buildMetalink } from "../src/index.js";

const PL = 16_384;
function meta(files: [string, number, boolean?][], single = false): TorrentMeta {
  let offset = 0;
  const list = files.map(([p, length, padding = false]) => {
    const f = { path: p, pathSegments: p.split("/"), length, offset, padding };
    offset += length;
    return f;
  });
  const pieceCount = Math.ceil(offset / PL);
  const pieces = new Uint8Array(pieceCount * 20).map((_, i) => Math.floor(i / 20));
  return {
    version: "v1",
    name: "R&D <1>",
    singleFile: single,
    files: list,
    pieceLength: PL,
    pieceCount,
    pieces,
    urlList: ["http://m.example/pub/"],
    creationDate: 1_700_000_000,
  } as unknown as TorrentMeta;
}

describe("buildMetalink", () => {
  it("lists every real file with size, URLs as libtorrent builds them, escaped names and the creation date", () => {
    const xml = buildMetalink(
      meta([
        ["a b.bin", PL * 2],
        [".pad/1", 0, true],
        ["c'.txt", 10],
      ]),
      {
        mirrors: ["https://n.example/x"],
        torrentUrl: "https://m.example/r.torrent",
      },
    );
    expect(xml).toContain('<metalink xmlns="urn:ietf:params:xml:ns:metalink">');
    expect(xml).toContain("<published>2023-11-14T22:13:20Z</published>");
    expect(xml).toContain('<file name="R&#38;D &#60;1&#62;/a b.bin">');
    expect(xml).toContain("<url>http://m.example/pub/R%26D%20%3c1%3e/a%20b.bin</url>");
    expect(xml).toContain("<url>https://n.example/x/R%26D%20%3c1%3e/c%27.txt</url>");
    expect(xml).toContain(
      '<metaurl mediatype="torrent" name="R&#38;D &#60;1&#62;/c&#39;.txt">https://m.example/r.torrent</metaurl>',
    );
    expect(xml).not.toContain(".pad");
  });

  it("writes <pieces> only for files whose pieces hold nothing else", () => {
    // a: starts at 0, ends on a boundary -> its own pieces 0 and 1; b: shares its last piece with c.
    const xml = buildMetalink(
      meta([
        ["a", PL * 2],
        ["b", 100],
        ["c", 50],
      ]),
    );
    const files = xml.split("<file ").slice(1);
    expect(files[0]).toContain('<pieces length="16384" type="sha-1">');
    expect(files[0]!.match(/<hash>/g)).toHaveLength(2);
    expect(files[0]).toContain(`<hash>${"01".repeat(20)}</hash>`);
    expect(files[1]).not.toContain("<pieces");
    expect(files[2]).not.toContain("<pieces");
    // A single file owns all its pieces, the short last one included.
    const single = buildMetalink(meta([["R&D <1>", PL + 5]], true));
    expect(single.match(/<hash>/g)).toHaveLength(2);
    expect(single).toContain("<url>http://m.example/pub/R%26D%20%3c1%3e</url>");
  });

  it("refuses non-http mirrors and a Metalink with nowhere to download from", () => {
    expect(() => buildMetalink(meta([["a", 1]]), { mirrors: ["ftp://x/"] })).toThrow(/not http\(s\)/);
    expect(() => buildMetalink(meta([["a", 1]]), { urlList: false })).toThrow(
      expect.objectContaining({ code: "ERR_MIRRORS_NO_WEB_SEEDS" }),
    );
  });
});
