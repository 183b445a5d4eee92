// Path components from a torrent, made safe the way libtorrent 2.0.8 makes them (its
// sanitize_append_path_element, Linux build), so `info` lists and `verify` reads exactly the files a
// libtorrent client would write: "." and ".." and components that filter to nothing are dropped,
// "/" and "\" and the bidi overrides removed, control characters and broken UTF-8 become "_", an
// empty component becomes "_", and a component is cut near 240 bytes keeping a short extension.

// U+202A..U+202E and U+200E, U+200F change the writing direction: "exe.txt" shown as "txt.exe".
const BIDI = new Set([0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x200e, 0x200f]);
const MAX_COMPONENT = 240;

/** One UTF-8 code point at `i`: [code point or -1 when malformed, bytes it takes]. */
function codePointAt(bytes: Uint8Array, i: number): [number, number] {
  const b = bytes[i]!;
  if (b < 0x80) return [b, 1];
  // A bad lead byte is one bad character; a sequence with a bad continuation (or cut short by the
  // end) is one bad character as long as its lead announced, as libtorrent counts them.
  const size = b >= 0xf8 ? 0 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
  if (size === 0) return [-1, 1];
  if (i + size > bytes.length) return [-1, bytes.length - i];
  let cp = b & (0xff >> (size + 1));
  for (let k = 1; k < size; k++) {
    const c = bytes[i + k]!;
    if ((c & 0xc0) !== 0x80) return [-1, size];
    cp = (cp << 6) | (c & 0x3f);
  }
  const overlong = (size === 2 && cp < 0x80) || (size === 3 && cp < 0x800) || (size === 4 && cp < 0x10000);
  if (overlong || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return [-1, size];
  return [cp, size];
}

/** Where to resume copying once a component reaches the length cap: its extension's dot, or -1 to stop. */
function extensionDot(bytes: Uint8Array, from: number): number {
  for (let j = bytes.length - 1; j > Math.max(bytes.length - 10, from); j--) if (bytes[j] === 0x2e) return j;
  return -1;
}

/** Printable ASCII without "/" or "\\", short, not "." or "..": kept as it is (most names; no copy). */
function plainAscii(bytes: Uint8Array): boolean {
  if (bytes.length === 0 || bytes.length >= MAX_COMPONENT) return false;
  let dots = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x20 || b > 0x7e || b === 0x2f || b === 0x5c) return false;
    if (b === 0x2e) dots++;
  }
  return !(dots === bytes.length && dots <= 2);
}

/** One component as libtorrent keeps it, or null when libtorrent drops it ("", ".", ".." once filtered). */
export function sanitizeComponent(bytes: Uint8Array): string | null {
  if (plainAscii(bytes))
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  if (bytes.length === 1 && bytes[0] === 0x2e) return null;
  if (bytes.length === 0) return "_";
  const out: number[] = [];
  let dots = 0;
  let extended = false;
  for (let i = 0; i < bytes.length; ) {
    const [cp, size] = codePointAt(bytes, i);
    if (cp === 0x2f || cp === 0x5c || BIDI.has(cp)) {
      i += size;
      continue;
    }
    if (cp < 32) out.push(0x5f);
    else {
      for (let k = 0; k < size; k++) out.push(bytes[i + k]!);
      if (cp === 0x2e) dots++;
    }
    i += size;
    if (out.length >= MAX_COMPONENT && !extended && i < bytes.length) {
      const dot = extensionDot(bytes, i - size);
      if (dot < 0) break;
      extended = true;
      i = dot;
    }
  }
  if (out.length === dots && out.length <= 2) return null;
  return Buffer.from(out).toString("utf8");
}

export interface SanitizedPath {
  segments: string[];
  /** True when the path read differs from the bytes in the torrent. */
  changed: boolean;
  /** When changed: the path as the torrent has it (lossy UTF-8, "/"-joined), for display beside the safe one. */
  original: string;
}

/** A whole path list: components sanitised, dropped ones removed, "_" when nothing is left. */
export function sanitizePath(components: Uint8Array[]): SanitizedPath {
  const segments: string[] = [];
  let changed = false;
  for (const c of components) {
    if (plainAscii(c)) {
      segments.push(Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString("latin1"));
      continue;
    }
    const safe = sanitizeComponent(c);
    if (safe === null) {
      changed = true;
      continue;
    }
    if (!changed && Buffer.compare(Buffer.from(safe, "utf8"), c) !== 0) changed = true;
    segments.push(safe);
  }
  if (segments.length === 0) {
    segments.push("_");
    changed = true;
  }
  const original = changed ? components.map((c) => Buffer.from(c).toString("utf8")).join("/") : "";
  return { segments, changed, original };
}

/** A path being built one dictionary key at a time (a v2 file tree), each key sanitised once. */
export interface TreePath {
  segments: string[];
  changed: boolean;
  /** The keys as decoded (latin1: one char per byte). */
  keys: string[];
}

/** Printable ASCII without "/" or "\\", short, not "." or "..", as a latin1 key: used as it is. */
function plainKey(key: string): boolean {
  if (key.length === 0 || key.length >= MAX_COMPONENT) return false;
  let dots = 0;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x2f || c === 0x5c) return false;
    if (c === 0x2e) dots++;
  }
  return !(dots === key.length && dots <= 2);
}

/** `parent` with one more key: the same rule as sanitizePath, without re-reading the parent's keys. */
export function extendTreePath(parent: TreePath, key: string): TreePath {
  const keys = [...parent.keys, key];
  if (plainKey(key)) return { segments: [...parent.segments, key], changed: parent.changed, keys };
  const bytes = Buffer.from(key, "latin1");
  const safe = sanitizeComponent(bytes);
  if (safe === null) return { segments: parent.segments, changed: true, keys };
  const changed = parent.changed || Buffer.compare(Buffer.from(safe, "utf8"), bytes) !== 0;
  return { segments: [...parent.segments, safe], changed, keys };
}

/** The finished path of a file: "_" when every key was dropped, the original spelled out when changed. */
export function treePathResult(path: TreePath): SanitizedPath {
  const empty = path.segments.length === 0;
  const changed = path.changed || empty;
  const original = changed ? path.keys.map((k) => Buffer.from(k, "latin1").toString("utf8")).join("/") : "";
  return { segments: empty ? ["_"] : path.segments, changed, original };
}
