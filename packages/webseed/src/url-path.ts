// Turns the path of a request URL into safe path segments under the root, or says why it cannot.
// Percent-decoding is RFC 3986 UTF-8 (hex digits in either case), as libtorrent, aria2, Transmission and
// WebTorrent encode names; a decoded "/" "\" or NUL, any "." or ".." segment, and dotfiles are refused.

export type PathResult = { ok: true; segments: string[]; key: string } | { ok: false; status: 400 | 404 };

const BAD_REQUEST = { ok: false, status: 400 } as const;
const NOT_FOUND = { ok: false, status: 404 } as const;
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL and control characters are what we refuse.
const FORBIDDEN_IN_SEGMENT = /[/\\\u0000-\u001f\u007f]/;

/**
 * `rawUrl` is `req.url` (origin-form: path and optional query). The query and fragment are ignored:
 * BEP 19 clients never send them, and a file name holding "?" or "#" arrives percent-encoded.
 */
export function parseRequestPath(rawUrl: string): PathResult {
  let end = rawUrl.indexOf("?");
  if (end === -1) end = rawUrl.length;
  const hash = rawUrl.indexOf("#");
  if (hash !== -1 && hash < end) end = hash;
  const path = rawUrl.slice(0, end);
  if (path.charCodeAt(0) !== 47 /* "/" */) return BAD_REQUEST;
  const raw = path.slice(1).split("/");
  const segments: string[] = [];
  for (const part of raw) {
    let segment = part;
    if (segment.includes("%")) {
      try {
        segment = decodeURIComponent(segment);
      } catch {
        return BAD_REQUEST;
      }
    }
    if (segment === "" || segment === "." || segment === "..") {
      // "//x", "/x/", "/./x", "/../x": a folder or a climb, never a file we serve.
      return segment === "" ? NOT_FOUND : BAD_REQUEST;
    }
    if (FORBIDDEN_IN_SEGMENT.test(segment)) return BAD_REQUEST;
    if (segment.charCodeAt(0) === 46 /* "." */) return NOT_FOUND;
    segments.push(segment);
  }
  return { ok: true, segments, key: segments.join("/") };
}
