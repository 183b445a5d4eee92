import { mkdir, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Eleventy from "@11ty/eleventy";
import type { SiteResult } from "@seedpress/site";
import { describe, expect, it } from "vitest";
import seedpressPlugin from "../src/index.js";

async function fixture(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "seedpress-eleventy-"));
  await mkdir(join(root, "src", "files"), { recursive: true });
  await writeFile(join(root, "src", "files", "big.zip"), Buffer.alloc(1024 * 1024, 5));
  await writeFile(join(root, "src", "index.html"), `<p><a href="/pre/files/big.zip">zip</a></p>\n`);
  return root;
}

describe("@seedpress/eleventy in a real Eleventy 3 build", () => {
  it("rewrites the output after eleventy.after, with a path prefix in the base URL", async () => {
    const root = await fixture();
    const results: SiteResult[] = [];
    const elev = new Eleventy(join(root, "src"), join(root, "_site"), {
      quietMode: true,
      pathPrefix: "/pre/",
      config(cfg: {
        addPassthroughCopy(p: Record<string, string>): void;
        addPlugin(p: unknown, o: unknown): void;
      }) {
        cfg.addPassthroughCopy({ [join(root, "src", "files")]: "files" });
        cfg.addPlugin(seedpressPlugin, {
          baseUrl: "https://example.com/pre/",
          cacheFile: join(root, "cache.json"),
          onResult: (r: SiteResult) => results.push(r),
        });
      },
    });
    await elev.write();
    expect(results[0]?.summary).toMatchObject({ links: 1, hashed: 1 });
    expect(await readFile(join(root, "_site", "index.html"), "utf8")).toBe(
      `<p><a href="/pre/files/big.zip.torrent" type="application/x-bittorrent" data-seedpress-direct="/pre/files/big.zip">zip</a></p>\n`,
    );
    expect((await stat(join(root, "_site", "files", "big.zip.torrent"))).size).toBeGreaterThan(0);
  });

  it("requires a baseUrl, and does nothing for --to=json", async () => {
    expect(() => seedpressPlugin({ on() {} }, {} as never)).toThrow(/pass \{ baseUrl/);
    const root = await fixture();
    const results: SiteResult[] = [];
    const elev = new Eleventy(join(root, "src"), join(root, "_site"), {
      quietMode: true,
      config(cfg: { addPlugin(p: unknown, o: unknown): void }) {
        cfg.addPlugin(seedpressPlugin, {
          baseUrl: "https://example.com/",
          cacheFile: false,
          onResult: (r: SiteResult) => results.push(r),
        });
      },
    });
    const json = await elev.toJSON();
    expect(Array.isArray(json)).toBe(true);
    expect(results).toEqual([]);
  });
});
