// Builds the example with the real Vite CLI and checks what @seedpress/vite left in dist/.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { libtorrentInfoHash, readTorrent } from "../../../test-peers/site-example-readers.js";
import { buildExample, here } from "./build-example.js";

describe("vite-site example", () => {
  it("builds with the download link swapped for a web-seeded torrent, cached on rebuild", async () => {
    await rm(join(here, "node_modules", ".vite", "seedpress-site.json"), { force: true });
    const first = await buildExample("https://downloads.example.org/demo/");
    expect(first).toMatch(/seedpress: 1 link\(s\) on 1 of 2 page\(s\) now point to 1 torrent\(s\); 1 hashed/);
    const dist = join(here, "dist");

    const html = await readFile(join(dist, "downloads", "index.html"), "utf8");
    expect(html).toContain(
      `<a id="download" href="seedpress-demo-1.0.img.torrent" type="application/x-bittorrent" data-seedpress-direct="seedpress-demo-1.0.img">Seedpress demo 1.0 (disk image)</a>`,
    );
    expect(html).toContain(`<li><a href="/">Home</a></li>`);

    const file = join(dist, "downloads", "seedpress-demo-1.0.img");
    const torrent = await readTorrent(await readFile(`${file}.torrent`));
    expect(torrent.name).toBe("seedpress-demo-1.0.img");
    expect(torrent.length).toBe((await readFile(file)).length);
    expect(torrent.urlList).toEqual(["https://downloads.example.org/demo/downloads/seedpress-demo-1.0.img"]);
    expect(torrent.infoHash).toBe(await libtorrentInfoHash(file, torrent.pieceLength));

    const manifest = JSON.parse(await readFile(join(dist, "seedpress-manifest.json"), "utf8"));
    expect(manifest.links).toEqual([
      expect.objectContaining({
        page: "downloads/index.html",
        href: "seedpress-demo-1.0.img",
        newHref: "seedpress-demo-1.0.img.torrent",
        file: "downloads/seedpress-demo-1.0.img",
        infoHash: torrent.infoHash,
      }),
    ]);
    expect(manifest.summary).toMatchObject({ hashed: 1, cached: 0, links: 1 });

    // Vite copies public/ again with a new mtime; the cache keys on the source, so nothing is hashed.
    const second = await buildExample("https://downloads.example.org/demo/");
    expect(second).toMatch(/0 hashed \(0\.0 MiB\), 1 from cache/);
    const again = JSON.parse(await readFile(join(dist, "seedpress-manifest.json"), "utf8"));
    expect(again.summary).toMatchObject({ hashed: 0, cached: 1, links: 1 });
    expect(again.links[0].infoHash).toBe(torrent.infoHash);
  });
});
