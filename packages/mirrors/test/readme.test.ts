import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// The README documents every option: each field of these option interfaces must appear in it.
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

function fields(file: string, name: string): string[] {
  const src = readFileSync(new URL(`../src/${file}`, import.meta.url), "utf8");
  const start = src.indexOf(`export interface ${name} `);
  const body = src.slice(start, src.indexOf("\n}", start));
  return [...body.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]!);
}

describe("README", () => {
  for (const [file, name] of [
    ["options.ts", "CheckMirrorsOptions"],
    ["metalink.ts", "MetalinkOptions"],
    ["file-hashes.ts", "FileHashOptions"],
    ["report.ts", "MirrorReport"],
  ] as const) {
    it(`documents every ${name} field`, () => {
      const names = fields(file, name);
      expect(names.length).toBeGreaterThan(1);
      for (const n of names) expect(readme, `${name}.${n}`).toContain(`\`${n}\``);
    });
  }
  it("documents every error code and problem kind", () => {
    const codes = readFileSync(new URL("../src/errors.ts", import.meta.url), "utf8").match(
      /ERR_MIRRORS_\w+/g,
    )!;
    for (const code of codes) expect(readme).toContain(code);
    const kinds = readFileSync(new URL("../src/report.ts", import.meta.url), "utf8").match(
      /kind: "([a-z-]+)"/g,
    )!;
    for (const k of kinds) expect(readme).toContain(`\`${k.slice(7, -1)}\``);
  });
});
