// Builds the example with the real Astro CLI and checks what @seedpress/astro left in dist/.
import { readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { buildEnv, libtorrentInfoHash, readTorrent, run } from "../../../test-peers/site-example-readers.js";

const here = join(dirname(fileURLToPath(import.meta.url)), "..");
const astroBin = join(dirname(createRequire(import.meta.url).resolve("astro/package.json")), "astro.js");

async function build(site: string): Promise<string> {
  await run(process.execPath, [join(here, "scripts", "make-big-file.js")], { cwd: here });
  const { stdout } = await run(process.execPath, [astroBin, "build"], {
    cwd: here,
    env: { ...buildEnv(), SEEDPRESS_SITE: site, ASTRO_TELEMETRY_DISABLED: "1" },
  });
  // Astro colours its log whenever CI is set, even into a pipe.
  return stripVTControlCharacters(stdout);
}

describe("astro-site example", () => {
  it("builds with the link swapped for a torrent web-seeded at site + base, cached on rebuild", async () => {
    await rm(join(here, "node_modules", ".astro", "seedpress-site.json"), { force: true });
    const first = await build("https://downloads.example.org");
    expect(first).toMatch(
      /\[@seedpress\/astro\] seedpress: 1 link\(s\) on 1 of 2 page\(s\) now point to 1 torrent\(s\); 1 hashed/,
    );
    const dist = join(here, "dist");
    const html = await readFile(join(dist, "downloads", "index.html"), "utf8");
    expect(html).toContain(
      `<li><a id="download" href="/demo/downloads/seedpress-demo-1.0.img.torrent" type="application/x-bittorrent" data-seedpress-direct="/demo/downloads/seedpress-demo-1.0.img">Seedpress demo 1.0 (disk image)</a></li> <li><a href="checksums.txt">Checksums</a></li>`,
    );

    const file = join(dist, "downloads", "seedpress-demo-1.0.img");
    const torrent = await readTorrent(await readFile(`${file}.torrent`));
    expect(torrent.urlList).toEqual(["https://downloads.example.org/demo/downloads/seedpress-demo-1.0.img"]);
    expect(torrent.announce).toEqual(["udp://tracker.example.com:6969/announce"]);
    expect(torrent.length).toBe((await readFile(file)).length);
    expect(torrent.infoHash).toBe(await libtorrentInfoHash(file, torrent.pieceLength));

    const manifest = JSON.parse(await readFile(join(dist, "seedpress-manifest.json"), "utf8"));
    expect(manifest.baseUrl).toBe("https://downloads.example.org/demo/");
    expect(manifest.links).toEqual([
      expect.objectContaining({
        page: "downloads/index.html",
        file: "downloads/seedpress-demo-1.0.img",
        infoHash: torrent.infoHash,
      }),
    ]);

    const second = await build("https://downloads.example.org");
    expect(second).toMatch(/0 hashed \(0\.0 MiB\), 1 from cache/);
  });
});
