// The one file order seedpress uses: paths compared component by component on raw UTF-8 bytes,
// which is the order of BEP 52's `file tree` (bencoded dictionaries sort keys by raw bytes).
// v1 `files` uses it too, so a hybrid's two halves agree. mktorrent and libtorrent compare whole
// path strings instead, which differs only when a name holds a byte below "/" ("a-b/x" vs "a/x").

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

export function sortByPath<T extends { pathSegments: readonly string[] }>(files: T[]): T[] {
  // Encode each segment once rather than on every comparison: folders of 20,000 files sort in milliseconds.
  const keyed = files.map((file) => ({ file, key: file.pathSegments.map((s) => utf8.encode(s)) }));
  keyed.sort((x, y) => {
    const n = Math.min(x.key.length, y.key.length);
    for (let i = 0; i < n; i++) {
      const c = compareBytes(x.key[i]!, y.key[i]!);
      if (c !== 0) return c;
    }
    return x.key.length - y.key.length;
  });
  return keyed.map((k) => k.file);
}
