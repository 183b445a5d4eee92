// Parses an HTTP Range header (RFC 9110 §14) against a representation length.
// Written here instead of using range-parser because the one-range case, which is every BEP 19 request,
// needs no array, sort or merge, and the rules for several ranges are ours to pick (see below).

export type RangeResult =
  /** No Range header, or one we must ignore (bad syntax, another unit, several ranges): send 200 and the whole body. */
  | { kind: "none" }
  /** One satisfiable range: send 206. `end` is inclusive. */
  | { kind: "range"; start: number; end: number }
  /** Syntactically valid, but no range overlaps the representation: send 416 `bytes * /length`. */
  | { kind: "unsatisfiable" };

const NONE: RangeResult = { kind: "none" };
const UNSATISFIABLE: RangeResult = { kind: "unsatisfiable" };

function isDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

type Spec = { first: number; last: number } | { suffix: number } | null;

function parseSpec(text: string): Spec {
  const spec = text.trim();
  const dash = spec.indexOf("-");
  if (dash === -1) return null;
  const a = spec.slice(0, dash);
  const b = spec.slice(dash + 1);
  if (a === "") return isDigits(b) ? { suffix: Number(b) } : null;
  if (!isDigits(a)) return null;
  if (b === "") return { first: Number(a), last: Number.POSITIVE_INFINITY };
  if (!isDigits(b)) return null;
  const first = Number(a);
  const last = Number(b);
  return last < first ? null : { first, last };
}

function satisfiable(spec: NonNullable<Spec>, length: number): boolean {
  return "suffix" in spec ? spec.suffix > 0 && length > 0 : spec.first < length;
}

/**
 * Several ranges are answered with 200 and the whole body (RFC 9110 lets a server ignore Range; no BitTorrent
 * client sends more than one) unless none of them is satisfiable, which is a 416 as for one range.
 */
export function parseRange(header: string | undefined, length: number): RangeResult {
  if (header === undefined) return NONE;
  const eq = header.indexOf("=");
  if (eq === -1 || header.slice(0, eq).trim().toLowerCase() !== "bytes") return NONE;
  const body = header.slice(eq + 1);
  if (!body.includes(",")) {
    const spec = parseSpec(body);
    if (spec === null) return NONE;
    if (!satisfiable(spec, length)) return UNSATISFIABLE;
    if ("suffix" in spec) return { kind: "range", start: Math.max(0, length - spec.suffix), end: length - 1 };
    return { kind: "range", start: spec.first, end: Math.min(spec.last, length - 1) };
  }
  let any = false;
  let count = 0;
  for (const part of body.split(",")) {
    if (part.trim() === "") continue; // RFC list syntax allows empty elements
    const spec = parseSpec(part);
    if (spec === null) return NONE;
    count++;
    if (satisfiable(spec, length)) any = true;
  }
  if (count === 0) return NONE;
  return any ? NONE : UNSATISFIABLE;
}
