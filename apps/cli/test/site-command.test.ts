import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { seedpress } from "./run-cli.js";

const dir = mkdtempSync(path.join(tmpdir(), "seedpress-cli-site-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const site = path.join(dir, "public");
const page = `<p><a href="files/image.img">image</a> <a href=files/gone.iso>gone</a></p>\n`;
mkdirSync(path.join(site, "files"), { recursive: true });
writeFileSync(path.join(site, "files", "image.img"), Buffer.alloc(300_000, 7));
writeFileSync(path.join(site, "index.html"), page);

describe("seedpress site", () => {
  it("rewrites links, writes torrents and a manifest, and names the page and link it could not use", () => {
    const cache = path.join(dir, "cache.json");
    const r = seedpress([
      "site",
      site,
      "--base-url",
      "https://example.com/",
      "--min-size",
      "100KiB",
      "--mode",
      "append",
      "--cache",
      cache,
      "--json",
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.summary).toMatchObject({
      pages: 1,
      pagesChanged: 1,
      links: 1,
      files: 1,
      hashed: 1,
      warnings: 1,
    });
    expect(json.warnings[0]).toMatchObject({
      code: "ERR_SITE_MISSING_FILE",
      page: "index.html",
      href: "files/gone.iso",
    });
    expect(readFileSync(path.join(site, "index.html"), "utf8")).toBe(
      `<p><a href="files/image.img.torrent" type="application/x-bittorrent" data-seedpress-direct="files/image.img">image</a>` +
        ` <a href="files/image.img" class="seedpress-direct" data-seedpress-skip>Direct download</a> <a href=files/gone.iso>gone</a></p>\n`,
    );
    expect(
      readFileSync(path.join(site, "files", "image.img.torrent"))
        .subarray(0, 1)
        .toString(),
    ).toBe("d");
    expect(JSON.parse(readFileSync(path.join(site, "seedpress-manifest.json"), "utf8")).links).toHaveLength(
      1,
    );

    writeFileSync(path.join(site, "index.html"), page);
    const again = seedpress([
      "site",
      site,
      "-u",
      "https://example.com/",
      "--min-size",
      "100KiB",
      "--cache",
      cache,
      "--no-manifest",
    ]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("0 hashed (0.0 MiB), 1 from cache");
    expect(again.stdout).toContain("index.html: files/image.img → files/image.img.torrent");
    expect(again.stderr).toContain('warning: link "files/gone.iso" on page index.html');
  }, 60_000);

  it("exits 2 with a one-line error on bad usage", () => {
    const noBase = seedpress(["site", site]);
    expect(noBase.code).toBe(2);
    expect(noBase.stderr).toMatch(/--base-url URL is required/);
    const relative = seedpress(["site", site, "--base-url", "/docs/"]);
    expect(relative.code).toBe(2);
    expect(relative.stderr).toMatch(/"\/docs\/" is not an absolute URL.*\[ERR_SITE_BASE_URL\]/);
    const missing = seedpress(["site", path.join(dir, "nope"), "--base-url", "https://example.com/"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope is not a readable folder \[ERR_SITE_DIR\]/);
    expect(seedpress(["site", site, "-u", "https://example.com/", "--mode", "x"]).code).toBe(2);
    expect(seedpress(["site", site, "-u", "https://example.com/", "--map", "nodir"]).code).toBe(2);
    writeFileSync(path.join(site, "index.html"), page);
    const strict = seedpress([
      "site",
      site,
      "-u",
      "https://example.com/",
      "--min-size",
      "1",
      "--strict",
      "--no-cache",
    ]);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(
      /link "files\/gone.iso" on page index.html: no such file files\/gone.iso.*\[ERR_SITE_STRICT\]/,
    );
    expect(readFileSync(path.join(site, "index.html"), "utf8")).toBe(page);
    expect(seedpress(["site", site, "-u", "https://example.com/", "--min-size", "lots"]).code).toBe(2);
  }, 60_000);
});
