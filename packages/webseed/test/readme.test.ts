import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// The README documents every option: each field of these option interfaces must have a row in its table
// (or, for the smaller ones, appear in the text).
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

function fields(file: string, name: string): string[] {
  const src = readFileSync(new URL(`../src/${file}`, import.meta.url), "utf8");
  const start = src.indexOf(`export interface ${name} `);
  expect(start, `${name} in ${file}`).toBeGreaterThan(-1);
  const body = src.slice(start, src.indexOf("\n}", start));
  return [...body.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]!);
}

describe("README", () => {
  for (const [file, name] of [
    ["options.ts", "WebseedOptions"],
    ["limits.ts", "LimitOptions"],
    ["server.ts", "WebseedServerOptions"],
  ] as const) {
    it(`has a table row for every ${name} field`, () => {
      const names = fields(file, name);
      expect(names.length).toBeGreaterThan(1);
      for (const n of names) expect(readme, `${name}.${n}`).toMatch(new RegExp(`^\\| \`${n}\` +\\|`, "m"));
    });
  }

  for (const [file, name] of [
    ["check.ts", "CheckOptions"],
    ["options.ts", "PolicyRequest"],
    ["context.ts", "RequestLog"],
    ["stats.ts", "WebseedStats"],
  ] as const) {
    it(`names every ${name} field`, () => {
      const names = fields(file, name);
      expect(names.length).toBeGreaterThan(2);
      for (const n of names) expect(readme, `${name}.${n}`).toContain(`${n}`);
    });
  }

  it("names every export of the package index", () => {
    const index = readFileSync(new URL("../src/index.ts", import.meta.url), "utf8");
    const names = [...index.matchAll(/^\s+(?:type )?(\w+),?$/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(10);
    for (const n of names) expect(readme, n).toContain(n);
  });
});
