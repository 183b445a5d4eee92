// Bencoding (BEP 3) with dictionary keys sorted by raw bytes, and a strict decoder that reports
// byte spans. Why not the `bencode` package: it sorts keys as JS strings (UTF-16 order, wrong for
// some non-ASCII names in a v2 `file tree`), keys of Maps by their string form, and its decoder
// neither gives the exact byte span of `info` nor names the offset of malformed input.
import { TorrentError } from "./errors.js";

export type BValue = number | Uint8Array | BValue[] | BDict;
/** Decoded dictionaries key by "binary" strings: one char per byte (latin1), so no key is lost. */
export type BDict = Map<string, BValue>;
/** What encode() takes: strings are UTF-8, Maps (string or raw-byte keys) and plain objects are dictionaries. */
export type BInput =
  | number
  | bigint
  | string
  | Uint8Array
  | BInput[]
  | Map<string | Uint8Array, BInput>
  | { [key: string]: BInput | undefined };

const utf8 = new TextEncoder();
const decoder = new TextDecoder("utf-8");

/** A decoded dictionary key (latin1) back to the UTF-8 text it holds. */
export function keyText(key: string): string {
  return Buffer.from(key, "latin1").toString("utf8");
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export function encode(value: BInput): Uint8Array {
  const parts: Uint8Array[] = [];
  write(value, parts);
  return Buffer.concat(parts);
}

function write(value: BInput, out: Uint8Array[]): void {
  if (typeof value === "number" || typeof value === "bigint") {
    if (typeof value === "number" && !Number.isSafeInteger(value)) {
      throw new TorrentError("ERR_TORRENT_BENCODE", `cannot bencode ${value}: not an integer`);
    }
    out.push(utf8.encode(`i${value}e`));
  } else if (typeof value === "string") {
    const bytes = utf8.encode(value);
    out.push(utf8.encode(`${bytes.length}:`), bytes);
  } else if (value instanceof Uint8Array) {
    out.push(utf8.encode(`${value.length}:`), value);
  } else if (Array.isArray(value)) {
    out.push(utf8.encode("l"));
    for (const item of value) write(item, out);
    out.push(utf8.encode("e"));
  } else {
    const entries = value instanceof Map ? [...value] : Object.entries(value);
    const keyed = entries
      .filter((entry): entry is [string | Uint8Array, BInput] => entry[1] !== undefined)
      .map(([key, item]) => ({ key: typeof key === "string" ? utf8.encode(key) : key, item }))
      .sort((a, b) => compareBytes(a.key, b.key));
    out.push(utf8.encode("d"));
    for (const { key, item } of keyed) {
      out.push(utf8.encode(`${key.length}:`), key);
      write(item, out);
    }
    out.push(utf8.encode("e"));
  }
}

export interface Decoded {
  value: BValue;
  /** Byte spans [start, end) of the values of the top-level dictionary, by key. */
  spans: Map<string, [number, number]>;
}

const MAX_DEPTH = 512;

/** Decodes exactly one value spanning all of `bytes`; anything malformed throws ERR_TORRENT_BENCODE. */
export function decode(bytes: Uint8Array): Decoded {
  const spans = new Map<string, [number, number]>();
  let pos = 0;

  const fail = (why: string): never => {
    throw new TorrentError("ERR_TORRENT_BENCODE", `bad bencoding at byte ${pos}: ${why}`);
  };

  const readInt = (end: number): number => {
    const start = pos;
    const stop = bytes.indexOf(end, pos);
    if (stop < 0) fail("unterminated integer");
    const text = decoder.decode(bytes.subarray(start, stop));
    if (!/^(0|-?[1-9][0-9]*)$/.test(text)) fail(`"${text.slice(0, 20)}" is not an integer`);
    const n = Number(text);
    if (!Number.isSafeInteger(n)) fail(`integer ${text.slice(0, 20)} is too large`);
    pos = stop + 1;
    return n;
  };

  const readString = (): Uint8Array => {
    const colon = bytes.indexOf(0x3a, pos);
    if (colon < 0 || colon - pos > 16) fail("bad string length");
    const text = decoder.decode(bytes.subarray(pos, colon));
    if (!/^(0|[1-9][0-9]*)$/.test(text)) fail(`"${text}" is not a string length`);
    const length = Number(text);
    const start = colon + 1;
    if (start + length > bytes.length) {
      pos = start;
      fail(`string of ${length} bytes runs past the end (${bytes.length - start} left)`);
    }
    pos = start + length;
    return bytes.subarray(start, start + length);
  };

  const readValue = (depth: number, top: boolean): BValue => {
    if (depth > MAX_DEPTH) fail("nested too deeply");
    if (pos >= bytes.length) fail("unexpected end of data");
    const c = bytes[pos]!;
    if (c === 0x69) {
      pos++;
      return readInt(0x65);
    }
    if (c >= 0x30 && c <= 0x39) return readString();
    if (c === 0x6c) {
      pos++;
      const list: BValue[] = [];
      while (pos < bytes.length && bytes[pos] !== 0x65) list.push(readValue(depth + 1, false));
      if (pos >= bytes.length) fail("unterminated list");
      pos++;
      return list;
    }
    if (c === 0x64) {
      pos++;
      const dict: BDict = new Map();
      while (pos < bytes.length && bytes[pos] !== 0x65) {
        if (bytes[pos]! < 0x30 || bytes[pos]! > 0x39) fail("dictionary key is not a string");
        const key = Buffer.from(readString()).toString("latin1");
        const start = pos;
        const item = readValue(depth + 1, false);
        if (top) spans.set(key, [start, pos]);
        dict.set(key, item);
      }
      if (pos >= bytes.length) fail("unterminated dictionary");
      pos++;
      return dict;
    }
    return fail(`unexpected byte 0x${c.toString(16).padStart(2, "0")}`);
  };

  const value = readValue(0, true);
  if (pos !== bytes.length) fail(`${bytes.length - pos} trailing byte(s) after the value`);
  return { value, spans };
}
