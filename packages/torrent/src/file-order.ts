// The one file order seedpress uses: paths compared component by component on raw UTF-8 bytes,
// which is the order of BEP 52's `file tree` (bencoded dictionaries sort keys by raw bytes).
// v1 `files` uses it too, so a hybrid's two halves agree. libtorrent 2.0.8 orders the same way;
// mktorrent and transmission-create compare whole path strings, which differs only when a name
// holds a byte below "/" ("a-b/x" beside "a/x").

const utf8 = new TextEncoder();

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export function comparePathSegments(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) continue;
    return compareBytes(utf8.encode(a[i]), utf8.encode(b[i]));
  }
  return a.length - b.length;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

export function sortByPath<T extends { pathSegments: readonly string[] }>(files: T[]): T[] {
  // ASCII names compare the same as JS strings and as bytes; encode only the others, once each.
  const keyed = files.map((file) => ({
    file,
    ascii: file.pathSegments.every(isAscii),
    bytes: undefined as Uint8Array[] | undefined,
  }));
  const bytesOf = (k: (typeof keyed)[number]) => {
    k.bytes ??= k.file.pathSegments.map((s) => utf8.encode(s));
    return k.bytes;
  };
  keyed.sort((x, y) => {
    const a = x.file.pathSegments;
    const b = y.file.pathSegments;
    if (x.ascii && y.ascii) {
      const n = Math.min(a.length, b.length);
      for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
      return a.length - b.length;
    }
    const ab = bytesOf(x);
    const bb = bytesOf(y);
    const n = Math.min(ab.length, bb.length);
    for (let i = 0; i < n; i++) {
      const c = compareBytes(ab[i]!, bb[i]!);
      if (c !== 0) return c;
    }
    return ab.length - bb.length;
  });
  return keyed.map((k) => k.file);
}
