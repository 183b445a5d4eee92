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
    ["tracker.ts", "TrackerOptions"],
    ["server.ts", "StartTrackerOptions"],
    ["beside.ts", "TrackerBesideOptions"],
    ["ws.ts", "WsOptions"],
    ["store.ts", "MemoryStoreOptions"],
    ["rate-limit.ts", "RateLimitOptions"],
  ] as const) {
    it(`documents every ${name} field`, () => {
      const names = fields(file, name);
      expect(names.length).toBeGreaterThan(2);
      for (const n of names) expect(readme, `${name}.${n}`).toContain(n);
    });
  }
});
