// The stages of torrentifySite, each called on its own: scan writes nothing, hashing writes nothing,
// torrents go before pages, and every stage reports into the one warning collector.
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HashCache } from "../src/hash-cache.js";
import { hashTargets } from "../src/hash-targets.js";
import { torrentifySite } from "../src/index.js";
import { writeManifest } from "../src/manifest.js";
import { rewritePages } from "../src/rewrite-pages.js";
import { startRun } from "../src/run.js";
import { scanPages } from "../src/scan-pages.js";
import { writeTorrents } from "../src/write-torrents.js";
import { libtorrentInfoHash, pseudoRandom, put, tempDir } from "./helpers.js";

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe("torrentifySite's stages", () => {
  it("scan -> hash -> write torrents -> rewrite pages -> manifest, one step at a time", async () => {
    const site = join(await tempDir(), "dist");
    const page = `<a href="a.iso">a</a> <a href="gone.iso">b</a> <a href="https://elsewhere.org/c.iso">c</a>`;
    await put(site, "index.html", page);
    await put(site, "plain.html", `<a href="about/">about</a>`);
    await put(site, "a.iso", pseudoRandom(1024 * 1024 + 3, 21));
    const run = startRun({ dir: site, baseUrl: "https://example.com/", cacheFile: false });

    const scanned = await scanPages(run);
    expect(scanned.pageCount).toBe(2);
    expect(scanned.pages.map((p) => p.rel)).toEqual(["index.html"]);
    expect(scanned.targets.map((t) => t.url.href)).toEqual([
      "https://example.com/a.iso",
      "https://example.com/gone.iso",
    ]);
    expect(run.warnings.list).toEqual([]);

    const counts = await hashTargets(run, await HashCache.open(false), scanned.targets);
    expect(counts).toMatchObject({ hashed: 1, cached: 0, skippedSmall: 0 });
    const made = scanned.targets[0]?.made?.result;
    expect(made?.infoHash).toBe(await libtorrentInfoHash(join(site, "a.iso"), made?.pieceLength ?? 0));
    expect(run.warnings.list.map((w) => `${w.code} ${w.href}`)).toEqual(["ERR_SITE_MISSING_FILE gone.iso"]);
    expect(await exists(join(site, "a.iso.torrent"))).toBe(false);

    await writeTorrents(run, scanned.targets);
    expect(await exists(join(site, "a.iso.torrent"))).toBe(true);
    expect(await readFile(join(site, "index.html"), "utf8")).toBe(page);

    const rewritten = await rewritePages(run, scanned.pages);
    expect(rewritten.pagesChanged).toBe(1);
    expect(rewritten.links.map((l) => l.newHref)).toEqual(["a.iso.torrent"]);
    expect(await readFile(join(site, "index.html"), "utf8")).toContain(`<a href="a.iso.torrent"`);

    const result = {
      baseUrl: run.o.base.href,
      mode: run.o.mode,
      files: [made!],
      links: rewritten.links,
      warnings: run.warnings.list,
      summary: { pages: 2, pagesChanged: 1, links: 1, files: 1, ...counts, warnings: 1 },
    };
    await writeManifest(run, result);
    const manifest = JSON.parse(await readFile(join(site, "seedpress-manifest.json"), "utf8"));
    expect(manifest.warnings).toHaveLength(1);
    expect(manifest.links[0].infoHash).toBe(made?.infoHash);
  });

  it("a page changed between scan and rewrite is left as it is, with a warning (its offsets are stale)", async () => {
    const site = join(await tempDir(), "dist");
    await put(site, "a.html", `<a href="a.iso">a</a>`);
    await put(site, "b.html", `<a href="a.iso">b</a>`);
    await put(site, "a.iso", pseudoRandom(1024 * 1024, 22));
    const run = startRun({ dir: site, baseUrl: "https://example.com/", cacheFile: false });
    const scanned = await scanPages(run);
    await hashTargets(run, await HashCache.open(false), scanned.targets);
    await writeTorrents(run, scanned.targets);
    // The generator writes a.html again meanwhile (a dev server's rebuild).
    await put(site, "a.html", `<p>new</p><a href="a.iso">a</a>`);
    const rewritten = await rewritePages(run, scanned.pages);
    expect(rewritten.links.map((l) => l.page)).toEqual(["b.html"]);
    expect(run.warnings.list.map((w) => `${w.code} ${w.page}`)).toEqual(["ERR_SITE_UNREADABLE a.html"]);
    expect(await readFile(join(site, "a.html"), "utf8")).toBe(`<p>new</p><a href="a.iso">a</a>`);
  });

  it("a cache entry whose info does not read back to its info hash is hashed again, not published", async () => {
    const root = await tempDir();
    const site = join(root, "dist");
    const cacheFile = join(root, "cache.json");
    await put(site, "a.iso", pseudoRandom(1024 * 1024, 23));
    const page = `<a href="a.iso">a</a>`;
    await put(site, "index.html", page);
    const first = await torrentifySite({ dir: site, baseUrl: "https://example.com/", cacheFile });
    const cache = JSON.parse(await readFile(cacheFile, "utf8"));
    for (const bad of ["not bencode", "d4:name1:xe"]) {
      for (const entry of Object.values(cache.entries) as { info: string }[]) {
        entry.info = Buffer.from(bad).toString("base64");
      }
      await writeFile(cacheFile, JSON.stringify(cache));
      await put(site, "index.html", page);
      const again = await torrentifySite({ dir: site, baseUrl: "https://example.com/", cacheFile });
      expect(again.summary).toMatchObject({ hashed: 1, cached: 0, warnings: 0 });
      expect(again.files[0]?.infoHash).toBe(first.files[0]?.infoHash);
    }
  });
});
