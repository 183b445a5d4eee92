import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { SiteResult } from "@seedpress/site";
import { describe, expect, it } from "vitest";
import seedpress, { viteBaseUrl } from "../src/index.js";

const repo = join(import.meta.dirname, "..", "..", "..");
// The peer range covers Vite 6 to 8: run the plugin under both ends that are installed here.
const vites = [
  ["vite 8 (root)", join(repo, "node_modules", "vite")],
  ["vite 6 (astro's)", join(repo, "node_modules", "astro", "node_modules", "vite")],
] as const;

async function fixture(): Promise<string> {
  const fixtures = join(import.meta.dirname, "..", "node_modules", ".fixtures");
  await mkdir(fixtures, { recursive: true });
  const root = await mkdtemp(join(fixtures, "site-"));
  await mkdir(join(root, "public", "files"), { recursive: true });
  await writeFile(join(root, "public", "files", "big.iso"), Buffer.alloc(1536 * 1024, 9));
  await writeFile(join(root, "index.html"), `<!doctype html>\n<p><a href="./files/big.iso">ISO</a></p>\n`);
  await writeFile(join(root, "entry-server.js"), `export const x = 1;\n`);
  return root;
}

describe("viteBaseUrl", () => {
  it("adds Vite's base to a bare origin, keeps a full URL", () => {
    expect(viteBaseUrl("https://example.com", "/docs/")).toBe("https://example.com/docs/");
    expect(viteBaseUrl("https://example.com/", "/")).toBe("https://example.com/");
    expect(viteBaseUrl("https://example.com/x/", "/docs/")).toBe("https://example.com/x/");
    expect(viteBaseUrl("https://example.com", "./")).toBe("https://example.com/");
    expect(() => viteBaseUrl("example.com", "/")).toThrow(/not an absolute URL/);
  });
});

describe.each(vites)("@seedpress/vite under %s", (_label, vitePath) => {
  it("rewrites the client build and leaves an SSR build alone", async () => {
    const vite = (await import(
      pathToFileURL(join(vitePath, "dist", "node", "index.js")).href
    )) as typeof import("vite");
    const root = await fixture();
    const results: SiteResult[] = [];
    const plugin = () => seedpress({ baseUrl: "https://example.com", onResult: (r) => results.push(r) });
    await vite.build({ root, base: "/docs/", logLevel: "silent", configFile: false, plugins: [plugin()] });
    expect(results).toHaveLength(1);
    expect(results[0]?.baseUrl).toBe("https://example.com/docs/");
    expect(await readFile(join(root, "dist", "index.html"), "utf8")).toBe(
      `<!doctype html>\n<p><a href="./files/big.iso.torrent" type="application/x-bittorrent" data-seedpress-direct="./files/big.iso">ISO</a></p>\n`,
    );
    const torrent = await readFile(join(root, "dist", "files", "big.iso.torrent"), "latin1");
    expect(torrent).toContain("8:url-list");
    expect(torrent).toContain("https://example.com/docs/files/big.iso");

    await vite.build({
      root,
      logLevel: "silent",
      configFile: false,
      build: { ssr: "entry-server.js", outDir: "dist-server" },
      plugins: [plugin()],
    });
    expect(results).toHaveLength(1);
  });
});
