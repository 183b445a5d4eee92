// Fuzzing the two parsers that read what a client sends (issue 10): the Range header and the request path.
// Whatever the input: no throw other than WebseedError, and every answer keeps its promises (a range inside
// the file, a path of safe segments under the root). Runs are bounded in count and input size.
import fc from "fast-check";
import rangeParser from "range-parser";
import { describe, expect, it } from "vitest";
import { parseRange, parseRequestPath, WebseedError } from "../src/index.js";

const RUNS = 3000;

/** Calls `f`; a throw is allowed only as a WebseedError (the package's one error class). */
function noStrayThrow<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (error) {
    expect(error).toBeInstanceOf(WebseedError);
    return undefined;
  }
}

const sizes = fc.oneof(fc.nat({ max: 10_000 }), fc.maxSafeNat(), fc.constantFrom(0, 1, 2 ** 32, 2 ** 53 - 1));
const digits = fc.oneof(
  fc.nat({ max: 20_000 }).map(String),
  fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String),
  fc.constantFrom("0", "00", "007", ""),
);
/** Range-shaped text: mostly near-valid specs, with junk, spaces, commas and other units mixed in. */
const rangeish = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc
    .tuple(
      fc.constantFrom("bytes", "Bytes", " bytes ", "items", "", "bytes\t"),
      fc.array(
        fc.oneof(
          fc.tuple(digits, digits).map(([a, b]) => `${a}-${b}`),
          digits.map((a) => `${a}-`),
          digits.map((b) => `-${b}`),
          fc.string({ maxLength: 12 }),
        ),
        { maxLength: 6 },
      ),
      fc.constantFrom(",", ", ", " ,", ",,"),
    )
    .map(([unit, specs, sep]) => `${unit}=${specs.join(sep)}`),
);

describe("parseRange", () => {
  it("never throws, and a range is always inside the representation", () => {
    fc.assert(
      fc.property(rangeish, sizes, (header, size) => {
        const result = noStrayThrow(() => parseRange(header, size));
        if (!result) return;
        expect(["none", "range", "unsatisfiable"]).toContain(result.kind);
        if (result.kind === "range") {
          expect(Number.isSafeInteger(result.start) && Number.isSafeInteger(result.end)).toBe(true);
          expect(result.start).toBeGreaterThanOrEqual(0);
          expect(result.end).toBeGreaterThanOrEqual(result.start);
          expect(result.end).toBeLessThan(size);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("agrees with range-parser (express's, an independent implementation) on well-formed single ranges", () => {
    // Only forms where RFC 9110 leaves no choice and range-parser follows it: first-last with first <= last,
    // first-, and a suffix no longer than the representation (range-parser refuses a longer suffix; RFC 9110
    // §14.1.2 says it means the whole representation, which is what we do).
    const spec = fc.oneof(
      fc
        .tuple(fc.nat({ max: 5000 }), fc.nat({ max: 5000 }))
        .map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
      fc.nat({ max: 5000 }).map((a) => `${a}-`),
    );
    fc.assert(
      fc.property(spec, fc.integer({ min: 1, max: 4000 }), fc.nat({ max: 4000 }), (text, size, suffix) => {
        for (const header of [`bytes=${text}`, `bytes=-${Math.min(suffix, size)}`]) {
          const ours = parseRange(header, size);
          const theirs = rangeParser(size, header);
          if (theirs === -1) expect(ours.kind, header).toBe("unsatisfiable");
          else if (theirs === -2) expect.unreachable(`range-parser called ${header} malformed`);
          else expect(ours, `${header} of ${size}`).toEqual({ kind: "range", ...theirs[0] });
        }
      }),
      { numRuns: RUNS },
    );
  });
});

/** Path-shaped text: slashes, dots, percent-escapes (valid and not), backslashes, controls, any Unicode. */
const pathish = fc.oneof(
  fc.string({ maxLength: 300, unit: "binary" }),
  fc
    .array(
      fc.oneof(
        fc.constantFrom("/", ".", "..", "%2e", "%2E", "%2f", "%2F", "%5c", "\\", "%00", "%", "%zz", "%c0%ae"),
        fc.constantFrom("?", "#", "a", "é", "%C3%A9", "%e2%82%ac", "\u0000", "\u007f", " ", "+", "~"),
        fc.string({ maxLength: 8, unit: "grapheme" }),
      ),
      { maxLength: 40 },
    )
    .map((parts) => parts.join("")),
);

describe("parseRequestPath", () => {
  it("never throws; an accepted path is safe segments under the root, and encodes back to itself", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          pathish,
          pathish.map((p) => `/${p}`),
        ),
        (url) => {
          const result = noStrayThrow(() => parseRequestPath(url));
          if (!result) return;
          if (!result.ok) {
            expect([400, 404]).toContain(result.status);
            return;
          }
          expect(result.segments.length).toBeGreaterThan(0);
          for (const segment of result.segments) {
            expect(segment).not.toBe("");
            expect(segment.startsWith(".")).toBe(false);
            // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must never pass.
            expect(segment).not.toMatch(/[/\\\u0000-\u001f\u007f]/);
          }
          expect(result.key).toBe(result.segments.join("/"));
          const again = parseRequestPath(`/${result.segments.map(encodeURIComponent).join("/")}`);
          expect(again).toEqual(result);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("long and deeply nested inputs are answered, not choked on", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 20_000 }),
        fc.constantFrom("a/", "%41/", "../", "%2e%2e/", "//"),
        (n, part) => {
          const result = parseRequestPath(`/${part.repeat(n)}x`);
          expect(typeof result.ok).toBe("boolean");
        },
      ),
      { numRuns: 200 },
    );
  });
});
