// Range header parsing against RFC 9110 §14.1.2's examples and edge cases (values worked by hand).
import { expect, it } from "vitest";
import { parseRange } from "../src/index.js";

it("RFC 9110 §14.1.2 examples on a 10000-byte representation", () => {
  expect(parseRange("bytes=0-499", 10000)).toEqual({ kind: "range", start: 0, end: 499 });
  expect(parseRange("bytes=500-999", 10000)).toEqual({ kind: "range", start: 500, end: 999 });
  expect(parseRange("bytes=-500", 10000)).toEqual({ kind: "range", start: 9500, end: 9999 });
  expect(parseRange("bytes=9500-", 10000)).toEqual({ kind: "range", start: 9500, end: 9999 });
  expect(parseRange("bytes=0-0", 10000)).toEqual({ kind: "range", start: 0, end: 0 });
  expect(parseRange("bytes=-1", 10000)).toEqual({ kind: "range", start: 9999, end: 9999 });
  // Several ranges: we answer with the whole body.
  expect(parseRange("bytes=0-0,-1", 10000)).toEqual({ kind: "none" });
});

it("unsatisfiable, invalid and absent", () => {
  expect(parseRange(undefined, 10)).toEqual({ kind: "none" });
  expect(parseRange("bytes=10-", 10)).toEqual({ kind: "unsatisfiable" });
  expect(parseRange("bytes=-0", 10)).toEqual({ kind: "unsatisfiable" });
  expect(parseRange("bytes=0-", 0)).toEqual({ kind: "unsatisfiable" });
  expect(parseRange("bytes=-5", 0)).toEqual({ kind: "unsatisfiable" });
  expect(parseRange("bytes=5-4", 10)).toEqual({ kind: "none" });
  expect(parseRange("bytes=-", 10)).toEqual({ kind: "none" });
  expect(parseRange("bytes=+1-2", 10)).toEqual({ kind: "none" });
  expect(parseRange("bytes=0x1-2", 10)).toEqual({ kind: "none" });
  expect(parseRange("chars=0-1", 10)).toEqual({ kind: "none" });
  expect(parseRange("bytes 0-1", 10)).toEqual({ kind: "none" });
  expect(parseRange("bytes=0-1,", 10)).toEqual({ kind: "none" });
});

it("an end past the representation is clamped", () => {
  expect(parseRange("bytes=5-1000", 10)).toEqual({ kind: "range", start: 5, end: 9 });
  expect(parseRange("bytes=-1000", 10)).toEqual({ kind: "range", start: 0, end: 9 });
});
