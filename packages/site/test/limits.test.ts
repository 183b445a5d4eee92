// Issue 10 item 9: input size is capped. A page over maxPageSize is not read; at most maxLinksPerPage
// links per page are kept, so memory and the manifest follow the caps, not what a page holds.
import { closeSync, openSync, writeSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_MAX_LINKS_PER_PAGE,
  DEFAULT_MAX_PAGE_SIZE,
  type SiteError,
  torrentifySite,
} from "../src/index.js";
import { pseudoRandom, put, tempDir } from "./helpers.js";

const MiB = 1024 * 1024;

/** A page of `count` links to one file (distinct query strings), written in chunks. */
function writeLinkPage(file: string, count: number): void {
  const fd = openSync(file, "w");
  let chunk = "";
  for (let i = 0; i < count; i++) {
    chunk += `<li><a class="dl" href="files/a.iso?v=${i}">download ${i}</a></li>\n`;
    if (chunk.length > MiB) {
      writeSync(fd, chunk);
      chunk = "";
    }
  }
  writeSync(fd, chunk);
  closeSync(fd);
}

async function siteWithFile(): Promise<string> {
  const site = join(await tempDir(), "dist");
  await put(site, "files/a.iso", pseudoRandom(MiB + 1, 5));
  return site;
}

const run = (dir: string, extra: Partial<Parameters<typeof torrentifySite>[0]> = {}) =>
  torrentifySite({ dir, baseUrl: "https://example.com/", cacheFile: false, ...extra });

describe("input caps", () => {
  // First in the file: the process's peak RSS (a high-water mark) is compared before and after.
  it("a page just under 16 MiB with 230,000 links: bounded memory, manifest and rewrite", async () => {
    const site = await siteWithFile();
    writeLinkPage(join(site, "index.html"), 230_000);
    expect((await stat(join(site, "index.html"))).size).toBeLessThanOrEqual(DEFAULT_MAX_PAGE_SIZE);
    const peakBefore = process.resourceUsage().maxRSS * 1024;
    const result = await run(site);
    const grew = process.resourceUsage().maxRSS * 1024 - peakBefore;
    // Before the caps this page took the process from ~50 MiB to 724 MiB and made a 98 MiB manifest.
    expect(grew).toBeLessThan(320 * MiB);
    expect(result.summary.links).toBe(DEFAULT_MAX_LINKS_PER_PAGE);
    expect(result.warnings.map((w) => w.code)).toEqual(["ERR_SITE_TOO_MANY_LINKS"]);
    expect(result.warnings[0]?.message).toContain("220000 after them");
    const manifest = await stat(join(site, "seedpress-manifest.json"));
    expect(manifest.size).toBeLessThan(6 * MiB);
    const html = await readFile(join(site, "index.html"), "utf8");
    expect(html.split(`href="files/a.iso.torrent"`).length - 1).toBe(DEFAULT_MAX_LINKS_PER_PAGE);
  });

  it("a page over maxPageSize is left unread with a warning; strict makes it an error", async () => {
    const site = await siteWithFile();
    writeLinkPage(join(site, "big.html"), 2000);
    await put(site, "small.html", `<a href="files/a.iso">a</a>`);
    const before = await readFile(join(site, "big.html"));
    const result = await run(site, { maxPageSize: 64 * 1024 });
    expect(result.warnings.map((w) => `${w.code} ${w.page}`)).toEqual(["ERR_SITE_PAGE_TOO_BIG big.html"]);
    expect(result.warnings[0]?.message).toContain(`is ${before.length} bytes, over maxPageSize (65536)`);
    expect(await readFile(join(site, "big.html"))).toEqual(before);
    expect(result.links.map((l) => l.page)).toEqual(["small.html"]);
    const error = await run(site, { maxPageSize: 64 * 1024, strict: true }).catch((e: unknown) => e);
    expect((error as SiteError).code).toBe("ERR_SITE_STRICT");
  });

  it("links past maxLinksPerPage are left as they are; skipped and external links do not count", async () => {
    const site = await siteWithFile();
    const links = Array.from({ length: 30 }, (_, i) => `<a href="files/a.iso?n=${i}">${i}</a>`);
    const page = [
      `<a href="files/a.iso" data-seedpress-skip>skip</a>`,
      `<a href="https://elsewhere.example/x.html">no download name</a>`,
      ...links,
    ].join("\n");
    await put(site, "index.html", page);
    const result = await run(site, { maxLinksPerPage: 12 });
    expect(result.summary.links).toBe(12);
    expect(result.links.map((l) => l.href)).toEqual(links.slice(0, 12).map((_, i) => `files/a.iso?n=${i}`));
    expect(result.warnings.map((w) => w.code)).toEqual(["ERR_SITE_TOO_MANY_LINKS"]);
    const html = await readFile(join(site, "index.html"), "utf8");
    expect(html).toContain(`<a href="files/a.iso?n=12">12</a>`);
    const manifest = JSON.parse(await readFile(join(site, "seedpress-manifest.json"), "utf8"));
    expect(manifest.links).toHaveLength(12);
  });

  it("rejects caps that are not whole numbers", async () => {
    const site = await siteWithFile();
    for (const bad of [{ maxPageSize: 0 }, { maxPageSize: 1.5 }, { maxLinksPerPage: -1 }]) {
      const error = await run(site, bad).catch((e: unknown) => e);
      expect((error as SiteError).code).toBe("ERR_SITE_OPTION");
    }
  });
});

describe("SOURCE_DATE_EPOCH", () => {
  it("sets the creation date; a value that is not whole seconds is a clear error before anything is written", async () => {
    const site = await siteWithFile();
    await put(site, "index.html", `<a href="files/a.iso">a</a>`);
    const saved = process.env.SOURCE_DATE_EPOCH;
    try {
      process.env.SOURCE_DATE_EPOCH = "1767225600";
      await run(site);
      const torrent = await readFile(join(site, "files/a.iso.torrent"), "latin1");
      expect(torrent).toContain("13:creation datei1767225600e");
      process.env.SOURCE_DATE_EPOCH = "soon";
      await put(site, "index.html", `<a href="files/a.iso">a</a>`);
      const error = (await run(site).catch((e: unknown) => e)) as SiteError;
      expect(error.code).toBe("ERR_SITE_OPTION");
      expect(error.message).toBe(`SOURCE_DATE_EPOCH "soon" is not a number of seconds`);
      expect(await readFile(join(site, "index.html"), "utf8")).toBe(`<a href="files/a.iso">a</a>`);
    } finally {
      if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = saved;
    }
  });
});
