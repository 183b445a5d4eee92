import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { build } from "astro";
import { describe, expect, it } from "vitest";
import seedpress, { astroBaseUrl } from "../src/index.js";

// No telemetry from the test builds.
process.env.ASTRO_TELEMETRY_DISABLED = "1";

describe("astroBaseUrl", () => {
  it("joins site and base, with a trailing slash", () => {
    expect(astroBaseUrl("https://example.com", "/")).toBe("https://example.com/");
    expect(astroBaseUrl("https://example.com/ignored/", "/docs")).toBe("https://example.com/docs/");
    expect(astroBaseUrl("https://example.com", "docs/")).toBe("https://example.com/docs/");
  });
  it("names the missing site", () => {
    expect(() => astroBaseUrl(undefined, "/")).toThrow(/set `site` in astro.config/);
  });
});

describe("@seedpress/astro in a real Astro build", () => {
  it("fails the build when `site` is missing, leaving the pages as Astro wrote them", async () => {
    // Inside the repository (under an ignored node_modules) so the fixture resolves astro.
    const fixtures = join(import.meta.dirname, "..", "node_modules", ".fixtures");
    await mkdir(fixtures, { recursive: true });
    const root = await mkdtemp(join(fixtures, "missing-site-"));
    await mkdir(join(root, "src", "pages"), { recursive: true });
    await mkdir(join(root, "public"), { recursive: true });
    await writeFile(join(root, "public", "big.iso"), Buffer.alloc(2 * 1024 * 1024, 1));
    await writeFile(join(root, "src", "pages", "index.astro"), `<a href="/big.iso">iso</a>\n`);
    const error = await build({
      root,
      logLevel: "silent",
      integrations: [seedpress()],
      vite: { logLevel: "silent" },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toMatch(/set `site` in astro.config/);
    expect((error as { code?: string }).code).toBe("ERR_SITE_BASE_URL");
    expect(await readFile(join(root, "dist", "index.html"), "utf8")).toBe(
      `<!DOCTYPE html><a href="/big.iso">iso</a>`,
    );
    await expect(readFile(join(root, "dist", "big.iso.torrent"))).rejects.toThrow();
  });
});
