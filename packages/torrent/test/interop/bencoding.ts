// A minimal, binary-safe bencode reader and writer for the tests, independent of the package's own:
// dictionary keys are latin1 strings (one char per byte), so binary keys such as v2 `piece layers`
// roots survive, byte strings stay Buffers, and the writer sorts keys by raw bytes.

export type BVal = number | Buffer | BVal[] | Map<string, BVal>;

export function bdecode(data: Uint8Array): BVal {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let pos = 0;
  function next(): BVal {
    const c = buf[pos];
    if (c === 0x69) {
      const end = buf.indexOf(0x65, pos);
      const n = Number(buf.toString("ascii", pos + 1, end));
      pos = end + 1;
      return n;
    }
    if (c === 0x6c) {
      pos++;
      const list: BVal[] = [];
      while (buf[pos] !== 0x65) list.push(next());
      pos++;
      return list;
    }
    if (c === 0x64) {
      pos++;
      const dict = new Map<string, BVal>();
      while (buf[pos] !== 0x65) {
        const key = next();
        if (!Buffer.isBuffer(key)) throw new Error("dictionary key is not a string");
        dict.set(key.toString("latin1"), next());
      }
      pos++;
      return dict;
    }
    const colon = buf.indexOf(0x3a, pos);
    const len = Number(buf.toString("ascii", pos, colon));
    const out = buf.subarray(colon + 1, colon + 1 + len);
    pos = colon + 1 + len;
    return out;
  }
  return next();
}

/** Gets `dict[key]` where key is given as UTF-8 text. */
export function get(dict: BVal | undefined, key: string): BVal | undefined {
  if (!(dict instanceof Map)) return undefined;
  return dict.get(Buffer.from(key).toString("latin1"));
}

export function asDict(v: BVal | undefined): Map<string, BVal> {
  if (!(v instanceof Map)) throw new Error("not a dictionary");
  return v;
}

/** Text of a byte string value. */
export function text(v: BVal | undefined): string | undefined {
  return Buffer.isBuffer(v) ? v.toString("utf8") : undefined;
}

/** The latin1 dictionary key for raw bytes (e.g. a pieces root). */
export function binKey(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("latin1");
}

/** What benc() takes: text is UTF-8; plain-object keys are UTF-8 text, Map keys are latin1 (raw bytes). */
export type BIn = number | string | Uint8Array | BIn[] | Map<string, BIn> | { [key: string]: BIn };

export function benc(value: BIn): Buffer {
  if (typeof value === "number") return Buffer.from(`i${value}e`);
  if (typeof value === "string") {
    const b = Buffer.from(value, "utf8");
    return Buffer.concat([Buffer.from(`${b.length}:`), b]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([Buffer.from(`${value.length}:`), value]);
  if (Array.isArray(value)) return Buffer.concat([Buffer.from("l"), ...value.map(benc), Buffer.from("e")]);
  const entries: Array<[Buffer, BIn]> =
    value instanceof Map
      ? [...value].map(([k, v]) => [Buffer.from(k, "latin1"), v])
      : Object.entries(value).map(([k, v]) => [Buffer.from(k, "utf8"), v]);
  entries.sort((a, b) => Buffer.compare(a[0], b[0]));
  const parts: Buffer[] = [Buffer.from("d")];
  for (const [k, v] of entries) parts.push(benc(k), benc(v));
  parts.push(Buffer.from("e"));
  return Buffer.concat(parts);
}
