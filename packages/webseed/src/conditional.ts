// RFC 9110 §13 preconditions, evaluated in the order §13.2.2 gives, against a strong ETag and a
// Last-Modified with one-second resolution.
import type { IncomingHttpHeaders } from "node:http";

export type Precondition = "ok" | "not-modified" | "failed";

function matchesAny(header: string, etag: string, weak: boolean): boolean {
  if (header.trim() === "*") return true;
  for (const raw of header.split(",")) {
    let tag = raw.trim();
    if (tag.startsWith("W/")) {
      if (!weak) continue; // a weak validator never matches strongly
      tag = tag.slice(2);
    }
    if (tag === etag) return true;
  }
  return false;
}

function parseDate(text: string): number | undefined {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `mtimeSeconds` is the file's mtime floored to whole seconds, in ms, as Last-Modified shows it. */
export function evaluatePreconditions(
  headers: IncomingHttpHeaders,
  etag: string,
  mtimeSeconds: number,
  isGetOrHead: boolean,
): Precondition {
  const ifMatch = headers["if-match"];
  if (ifMatch !== undefined) {
    if (!matchesAny(ifMatch, etag, false)) return "failed";
  } else {
    const ius = headers["if-unmodified-since"];
    const date = ius === undefined ? undefined : parseDate(ius);
    if (date !== undefined && mtimeSeconds > date) return "failed";
  }
  const ifNoneMatch = headers["if-none-match"];
  if (ifNoneMatch !== undefined) {
    if (matchesAny(ifNoneMatch, etag, true)) return isGetOrHead ? "not-modified" : "failed";
  } else if (isGetOrHead) {
    const ims = headers["if-modified-since"];
    const date = ims === undefined ? undefined : parseDate(ims);
    if (date !== undefined && mtimeSeconds <= date) return "not-modified";
  }
  return "ok";
}

/** If-Range (§13.1.5): true when the Range header may be used. A weak tag or a different date means "send it all". */
export function ifRangeAllows(ifRange: string | undefined, etag: string, mtimeSeconds: number): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('"')) return value === etag;
  if (value.startsWith("W/")) return false;
  const date = parseDate(value);
  return date !== undefined && date === mtimeSeconds;
}
