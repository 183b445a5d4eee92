// Builds the example with the real Eleventy CLI and checks what @seedpress/eleventy left in _site/.
import { readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildEnv, libtorrentInfoHash, readTorrent, run } from "../../../test-peers/site-example-readers.js";

const here = join(dirname(fileURLToPath(import.meta.url)), "..");
// @11ty/eleventy exports no ./package.json; its bin sits beside the main entry's folder.
const eleventyBin = join(dirname(createRequire(import.meta.url).resolve("@11ty/eleventy")), "..", "cmd.cjs");

async function build(baseUrl: string): Promise<string> {
  await run(process.execPath, [join(here, "scripts", "make-big-file.js")], { cwd: here });
  const { stdout, stderr } = await run(process.execPath, [eleventyBin], {
    cwd: here,
    env: { ...buildEnv(), SEEDPRESS_BASE_URL: baseUrl },
  });
  // Eleventy's logger may print to either stream.
  return stdout + stderr;
}

describe("eleventy-site example", () => {
  it("builds with the link swapped for a torrent plus a direct link, cached on rebuild", async () => {
    await rm(join(here, "node_modules", ".cache", "seedpress"), { recursive: true, force: true });
    const first = await build("https://downloads.example.org/");
    expect(first).toMatch(
      /\[11ty\] seedpress: 1 link\(s\) on 1 of 2 page\(s\) now point to 1 torrent\(s\); 1 hashed/,
    );
    const out = join(here, "_site");
    const html = await readFile(join(out, "downloads", "index.html"), "utf8");
    expect(html).toContain(
      `<li><a id="download" href="seedpress-demo-1.0.img.torrent" type="application/x-bittorrent" data-seedpress-direct="seedpress-demo-1.0.img">Seedpress demo 1.0 (disk image)</a>` +
        ` <a href="seedpress-demo-1.0.img" class="seedpress-direct" data-seedpress-skip>Direct download</a></li>`,
    );
    const file = join(out, "downloads", "seedpress-demo-1.0.img");
    const torrent = await readTorrent(await readFile(`${file}.torrent`));
    expect(torrent.urlList).toEqual(["https://downloads.example.org/downloads/seedpress-demo-1.0.img"]);
    expect(torrent.length).toBe((await readFile(file)).length);
    expect(torrent.infoHash).toBe(await libtorrentInfoHash(file, torrent.pieceLength));
    const manifest = JSON.parse(await readFile(join(out, "seedpress-manifest.json"), "utf8"));
    expect(manifest.mode).toBe("append");
    expect(manifest.links).toEqual([
      expect.objectContaining({ page: "downloads/index.html", infoHash: torrent.infoHash }),
    ]);

    const second = await build("https://downloads.example.org/");
    expect(second).toMatch(/0 hashed \(0\.0 MiB\), 1 from cache/);
  });
});
