// The pure-JS durable counters (used when better-sqlite3 is not installed): replay, a write cut short by
// a crash, compaction on open.
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDurable } from "../src/index.js";
import { fold } from "../src/journal.js";
import { tempDir } from "./helpers.js";

const A = "a".repeat(40);
const B = "b".repeat(40);
const key = (hex: string) => Buffer.from(hex, "hex").toString("latin1");

describe("journal", () => {
  it("replays counts and allow/disallow, skipping a torn last line", () => {
    const { counts, allowed } = fold(
      `C ${A} 5\nc ${A}\nc ${B}\na ${"c".repeat(64)}\na ${B}\nd ${B}\nc ${A.slice(0, 17)}`,
    );
    expect(counts.get(key(A))).toBe(6);
    expect(counts.get(key(B))).toBe(1);
    expect([...allowed]).toEqual(["c".repeat(64)]);
  });

  it("survives reopening: counts kept, file compacted to one line per counter", async () => {
    const file = join(tempDir(), "counts.journal");
    const first = await openDurable(file, "journal");
    expect(first.engine).toBe("journal");
    for (let i = 0; i < 5; i++) first.completed(key(A));
    first.completed(key(B));
    first.allow(B);
    first.close();
    appendFileSync(file, `c ${B.slice(0, 10)}`); // a crash in the middle of a write
    const second = await openDurable(file, "auto"); // an existing journal stays a journal
    expect(second.engine).toBe("journal");
    expect(second.counters()).toEqual(
      new Map([
        [key(A), 5],
        [key(B), 1],
      ]),
    );
    expect(second.allowed()).toEqual([B]);
    second.close();
    expect(readFileSync(file, "utf8")).toBe(`C ${A} 5\nC ${B} 1\na ${B}\n`);
  });
});
