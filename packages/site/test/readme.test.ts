import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const pkg = join(import.meta.dirname, "..");

describe("README", () => {
  it("documents every option of SiteOptions in its table, and no other", async () => {
    const source = await readFile(join(pkg, "src", "options.ts"), "utf8");
    const body = source.slice(
      source.indexOf("export interface SiteOptions {"),
      source.indexOf("export interface ResolvedOptions"),
    );
    const options = [...body.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]).sort();
    const readme = await readFile(join(pkg, "README.md"), "utf8");
    const start = readme.search(/^\| option +\|/m);
    const table = readme.slice(start, readme.indexOf("`DEFAULT_INCLUDE` covers"));
    const documented = [...table.matchAll(/^\| `(\w+)` +\|/gm)].map((m) => m[1]).sort();
    expect(options.length).toBeGreaterThan(15);
    expect(documented).toEqual(options);
  });
});
