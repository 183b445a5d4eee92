// Issue 10 item 8: symlinks out of the built folder are never read, hashed, listed or written through.
import { spawn } from "node:child_process";
import { closeSync, readSync } from "node:fs";
import { lstat, mkdir, readFile, readlink, rename, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { SiteFolder } from "../src/folder.js";
import { torrentifySite } from "../src/index.js";
import { pseudoRandom, put, tempDir } from "./helpers.js";

const BIG = 1024 * 1024 + 77;
let root: string;
let site: string;
let outside: string;

beforeEach(async () => {
  root = await tempDir();
  site = join(root, "dist");
  outside = join(root, "outside");
  await put(outside, "secret.iso", pseudoRandom(BIG, 11));
  await put(outside, "mirror/private.zip", pseudoRandom(BIG, 12));
  await put(outside, "mirror/page.html", `<a href="private.zip">p</a>`);
  await put(site, "files/ok.iso", pseudoRandom(BIG, 13));
});

const run = (extra: Partial<Parameters<typeof torrentifySite>[0]> = {}) =>
  torrentifySite({ dir: site, baseUrl: "https://example.com/", cacheFile: false, ...extra });

const isSymlink = async (path: string) => (await lstat(path)).isSymbolicLink();
const exists = (path: string) =>
  lstat(path).then(
    () => true,
    () => false,
  );

describe("symlinks out of the site folder", () => {
  it("a file link whose target is outside: not hashed, no torrent, the link left alone", async () => {
    await symlink(join(outside, "secret.iso"), join(site, "files/secret.iso"));
    const page = `<a href="files/secret.iso">s</a> <a href="files/ok.iso">ok</a>`;
    await put(site, "index.html", page);
    const result = await run();
    expect(result.files.map((f) => f.file)).toEqual(["files/ok.iso"]);
    expect(result.warnings.map((w) => `${w.code} ${w.href}`)).toEqual(["ERR_SITE_OUTSIDE files/secret.iso"]);
    expect(await exists(join(site, "files/secret.iso.torrent"))).toBe(false);
    expect(await exists(join(outside, "secret.iso.torrent"))).toBe(false);
    const html = await readFile(join(site, "index.html"), "utf8");
    expect(html).toContain(`<a href="files/secret.iso">s</a>`);
    expect(html).toContain(`href="files/ok.iso.torrent"`);
    // The manifest (published) holds no trace of the outside file's bytes or its real path.
    const manifest = await readFile(join(site, "seedpress-manifest.json"), "utf8");
    expect(manifest).not.toContain(outside);
    expect(JSON.parse(manifest).files).toHaveLength(1);
  });

  it("a folder link to an outside folder: nothing written there, its pages not listed", async () => {
    await symlink(join(outside, "mirror"), join(site, "mirror"));
    await put(site, "index.html", `<a href="mirror/private.zip">p</a>`);
    const result = await run({ include: ["**/*.zip"] });
    expect(result.summary.pages).toBe(1);
    expect(result.warnings.map((w) => w.code)).toEqual(["ERR_SITE_OUTSIDE"]);
    expect(await exists(join(outside, "mirror/private.zip.torrent"))).toBe(false);
    expect(await readFile(join(outside, "mirror/page.html"), "utf8")).toBe(`<a href="private.zip">p</a>`);
  });

  it("a `map` folder keeps its own bound: a symlink in it leading out is refused", async () => {
    const cdn = join(root, "cdn");
    await put(cdn, "book.pdf", pseudoRandom(BIG, 14));
    await symlink(join(outside, "secret.iso"), join(cdn, "leak.iso"));
    await put(
      site,
      "index.html",
      `<a href="https://cdn.example.net/book.pdf">b</a> <a href="https://cdn.example.net/leak.iso">l</a>`,
    );
    const result = await run({ map: { "https://cdn.example.net/": cdn } });
    expect(result.files.map((f) => f.file)).toEqual(["book.pdf"]);
    expect(result.warnings.map((w) => `${w.code} ${w.href}`)).toEqual([
      "ERR_SITE_OUTSIDE https://cdn.example.net/leak.iso",
    ]);
    expect(await exists(join(outside, "secret.iso.torrent"))).toBe(false);
  });

  it("a symlinked page is never replaced; one that leads inside shows its rewritten target", async () => {
    await symlink(join(outside, "mirror/page.html"), join(site, "out.html"));
    await put(site, "v2/index.html", `<a href="../files/ok.iso">ok</a>`);
    await mkdir(join(site, "latest"));
    await symlink("../v2/index.html", join(site, "latest/index.html"));
    const result = await run({ include: ["**/*.zip", "**/*.iso"] });
    expect(result.warnings.map((w) => `${w.code} ${w.page}`)).toEqual(["ERR_SITE_OUTSIDE out.html"]);
    expect(await isSymlink(join(site, "out.html"))).toBe(true);
    expect(await readFile(join(outside, "mirror/page.html"), "utf8")).toBe(`<a href="private.zip">p</a>`);
    expect(await isSymlink(join(site, "latest/index.html"))).toBe(true);
    expect(await readlink(join(site, "latest/index.html"))).toBe("../v2/index.html");
    expect(await readFile(join(site, "latest/index.html"), "utf8")).toContain(
      `href="../files/ok.iso.torrent"`,
    );
    expect(result.links.map((l) => l.page)).toEqual(["v2/index.html"]);
  });

  it("a symlinked output folder works, and a .torrent name that is a symlink is replaced, not written through", async () => {
    const linkedSite = join(root, "site-link");
    await symlink(site, linkedSite);
    await writeFile(join(outside, "victim"), "do not touch");
    await symlink(join(outside, "victim"), join(site, "files/ok.iso.torrent"));
    await put(site, "index.html", `<a href="files/ok.iso">ok</a>`);
    const result = await torrentifySite({
      dir: linkedSite,
      baseUrl: "https://example.com/",
      cacheFile: false,
    });
    expect(result.warnings).toEqual([]);
    expect(result.files.map((f) => f.file)).toEqual(["files/ok.iso"]);
    expect(await readFile(join(outside, "victim"), "utf8")).toBe("do not touch");
    expect(await isSymlink(join(site, "files/ok.iso.torrent"))).toBe(false);
    expect(
      (await readFile(join(site, "files/ok.iso.torrent")).then((b) => b.subarray(0, 1))).toString(),
    ).toBe("d");
    expect(await exists(join(site, "seedpress-manifest.json"))).toBe(true);
  });

  it("a manifest path through a symlinked folder is refused, nothing made outside", async () => {
    await symlink(outside, join(site, "meta"));
    await put(site, "index.html", `<a href="files/ok.iso">ok</a>`);
    const error = await run({ manifest: "meta/deeper/manifest.json" }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe("ERR_SITE_WRITE");
    expect(await exists(join(outside, "deeper"))).toBe(false);
  });
});

describe("SiteFolder.openFile", () => {
  it.each([
    ["a linked file (symlinks followed inside)", false],
    ["a page (noFollow)", true],
  ])(
    "never hands out a file outside while a folder is swapped for a symlink to outside: %s",
    async (_, noFollow) => {
      await put(site, "d_real/f", "inside");
      await put(outside, "f", "OUTSIDE");
      await symlink(outside, join(site, "d_link"));
      await rename(join(site, "d_real"), join(site, "d"));
      // The attacker swaps d between the real folder and the symlink as fast as it can. Without the
      // check on the opened descriptor about 1 open in 1,400 reads the outside file here.
      const swapper = spawn("/usr/bin/python3", [
        "-c",
        [
          "import os, sys",
          "os.chdir(sys.argv[1])",
          "while True:",
          "  os.rename('d', 'd_real'); os.rename('d_link', 'd')",
          "  os.rename('d', 'd_link'); os.rename('d_real', 'd')",
        ].join("\n"),
        site,
      ]);
      const folder = SiteFolder.open(site);
      const seen = { inside: 0, refused: 0, outside: 0 };
      const buffer = Buffer.alloc(16);
      try {
        for (let i = 0; i < 10_000; i++) {
          let fd: number | undefined;
          try {
            const file = folder.openFile(join(site, "d", "f"), { noFollow });
            fd = file.fd;
            const text = buffer.toString("utf8", 0, readSync(fd, buffer, 0, 16, 0));
            if (text === "inside") seen.inside++;
            else seen.outside++;
          } catch {
            seen.refused++;
          } finally {
            if (fd !== undefined) closeSync(fd);
          }
        }
      } finally {
        swapper.kill();
      }
      expect(seen.outside).toBe(0);
      // The swap really happened under us: some opens found the real folder, some the symlink.
      expect(seen.inside).toBeGreaterThan(0);
      expect(seen.refused).toBeGreaterThan(0);
    },
  );
});
