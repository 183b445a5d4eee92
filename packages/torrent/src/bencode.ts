// Bencoding (BEP 3) with dictionary keys sorted by raw bytes, and a strict decoder that reports
// byte spans. Why not the `bencode` package: it sorts keys as JS strings (UTF-16 order, wrong for
// some non-ASCII names in a v2 `file tree`), keys of Maps by their string form, and its decoder
// neither gives the exact byte span of `info` nor names the offset of malformed input.
import { TorrentError } from "./errors.js";
import { MAX_BENCODE_DEPTH, MAX_BENCODE_TOKENS, overLimit } from "./limits.js";

export type BValue = number | Uint8Array | BValue[] | BDict;
/** Decoded dictionaries key by "binary" strings: one char per byte (latin1), so no key is lost. */
export type BDict = Map<string, BValue>;
/** Bytes that are already bencoded (an `info` dictionary whose hash was taken), written as they are. */
export class BRaw {
  constructor(readonly bytes: Uint8Array) {}
}

/** What encode() takes: strings are UTF-8, Maps (string or raw-byte keys) and plain objects are dictionaries. */
export type BInput =
  | BRaw
  | number
  | bigint
  | string
  | Uint8Array
  | BInput[]
  | Map<string | Uint8Array, BInput>
  | { [key: string]: BInput | undefined };

const utf8 = new TextEncoder();

/** A decoded dictionary key (latin1) back to the UTF-8 text it holds. */
export function keyText(key: string): string {
  return Buffer.from(key, "latin1").toString("utf8");
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** A growable output buffer: one allocation per doubling, not one per token (20,000-file torrents). */
class Writer {
  buffer = Buffer.allocUnsafe(64 * 1024);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + n));
    this.buffer.copy(next, 0, 0, this.length);
    this.buffer = next;
  }

  ascii(text: string): void {
    this.reserve(text.length);
    // Tokens here are a few characters ("i42e", "12:"): a plain loop beats Buffer#write's set-up.
    for (let i = 0; i < text.length; i++) this.buffer[this.length + i] = text.charCodeAt(i);
    this.length += text.length;
  }

  raw(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  bytes(data: Uint8Array): void {
    this.ascii(`${data.length}:`);
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  text(value: string): void {
    const n = Buffer.byteLength(value, "utf8");
    this.ascii(`${n}:`);
    this.reserve(n);
    this.length += this.buffer.write(value, this.length, "utf8");
  }
}

export function encode(value: BInput): Uint8Array {
  const out = new Writer();
  write(value, out);
  return out.buffer.subarray(0, out.length);
}

// Plain-ASCII keys sort the same as JS strings and as bytes; only others need their UTF-8 compared.
const isAscii = (key: string | Uint8Array) =>
  typeof key === "string" && Buffer.byteLength(key) === key.length;

function write(value: BInput, out: Writer): void {
  if (typeof value === "number" || typeof value === "bigint") {
    if (typeof value === "number" && !Number.isSafeInteger(value)) {
      throw new TorrentError("ERR_TORRENT_BENCODE", `cannot bencode ${value}: not an integer`);
    }
    out.ascii(`i${value}e`);
  } else if (typeof value === "string") {
    out.text(value);
  } else if (value instanceof Uint8Array) {
    out.bytes(value);
  } else if (value instanceof BRaw) {
    out.raw(value.bytes);
  } else if (Array.isArray(value)) {
    out.ascii("l");
    for (const item of value) write(item, out);
    out.ascii("e");
  } else {
    const entries = (value instanceof Map ? [...value] : Object.entries(value)).filter(
      (entry): entry is [string | Uint8Array, BInput] => entry[1] !== undefined,
    );
    if (entries.every(([key]) => isAscii(key))) {
      entries.sort(([a], [b]) =>
        (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0,
      );
      out.ascii("d");
      for (const [key, item] of entries) {
        out.text(key as string);
        write(item, out);
      }
      out.ascii("e");
    } else {
      const keyed = entries
        .map(([key, item]) => ({ key: typeof key === "string" ? utf8.encode(key) : key, item }))
        .sort((a, b) => compareBytes(a.key, b.key));
      out.ascii("d");
      for (const { key, item } of keyed) {
        out.bytes(key);
        write(item, out);
      }
      out.ascii("e");
    }
  }
}

export interface KeyIssue {
  kind: "duplicate" | "unsorted";
  /** The key (latin1, one char per byte). */
  key: string;
  /** Byte offset of the key. */
  at: number;
}

export interface Decoded {
  value: BValue;
  /** Byte spans [start, end) of the values of the top-level dictionary, by key (the first of duplicates). */
  spans: Map<string, [number, number]>;
  /** Where the value ends: bytes.length unless `allowTrailing` let bytes follow it. */
  end: number;
  /** The first key issue inside the top-level `info` value, if any. */
  infoKeyIssue?: KeyIssue;
  /** Key issues anywhere (the first 100): a repeated key keeps its first value, as libtorrent does. */
  keyIssues: KeyIssue[];
}

export interface DecodeOptions {
  /** Nesting limit; default MAX_BENCODE_DEPTH. */
  maxDepth?: number;
  /** Token limit (values, keys, ends), default MAX_BENCODE_TOKENS. */
  maxTokens?: number;
  /** Accept bytes after the value (libtorrent loads such .torrent files). Default false. */
  allowTrailing?: boolean;
}

const MAX_KEY_ISSUES = 100;

/**
 * Decodes one value; anything malformed or over a limit throws ERR_TORRENT_BENCODE / ERR_TORRENT_LIMIT.
 * Long as a whole on purpose: one closure over the read position, each inner reader a few lines
 * (a class would cost a property load per byte on a 3,000,000-token input).
 * A key repeated in a dictionary keeps its first value (libtorrent's reading) and is reported.
 */
export function decode(bytes: Uint8Array, options: DecodeOptions = {}): Decoded {
  const spans = new Map<string, [number, number]>();
  const keyIssues: KeyIssue[] = [];
  let infoKeyIssue: KeyIssue | undefined;
  const maxDepth = options.maxDepth ?? MAX_BENCODE_DEPTH;
  const maxTokens = options.maxTokens ?? MAX_BENCODE_TOKENS;
  let tokens = 0;
  // A Buffer view (no copy): latin1 slices are the cheapest way to read digits and keys.
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;

  const fail = (why: string): never => {
    throw new TorrentError("ERR_TORRENT_BENCODE", `bad bencoding at byte ${pos}: ${why}`);
  };
  const token = (n = 1) => {
    tokens += n;
    if (tokens > maxTokens) overLimit(`the number of bencode tokens at byte ${pos}`, maxTokens, "maxTokens");
  };

  const readInt = (end: number): number => {
    const start = pos;
    const stop = bytes.indexOf(end, pos);
    if (stop < 0) fail("unterminated integer");
    if (stop - start > 24) fail("integer too long");
    const text = view.toString("latin1", start, stop);
    if (!/^(0|-?[1-9][0-9]*)$/.test(text)) fail(`"${text.slice(0, 20)}" is not an integer`);
    const n = Number(text);
    if (!Number.isSafeInteger(n)) fail(`integer ${text.slice(0, 20)} is too large`);
    pos = stop + 1;
    return n;
  };

  const readString = (): Uint8Array => {
    const colon = bytes.indexOf(0x3a, pos);
    if (colon < 0 || colon - pos > 16) fail("bad string length");
    const text = view.toString("latin1", pos, colon);
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

  const noteKey = (issue: KeyIssue, inInfo: boolean) => {
    if (inInfo) infoKeyIssue ??= issue;
    if (keyIssues.length < MAX_KEY_ISSUES) keyIssues.push(issue);
  };

  const readDict = (depth: number, top: boolean, inInfo: boolean): BDict => {
    const dict: BDict = new Map();
    let previous: Uint8Array | undefined;
    while (pos < bytes.length && bytes[pos] !== 0x65) {
      if (bytes[pos]! < 0x30 || bytes[pos]! > 0x39) fail("dictionary key is not a string");
      const at = pos;
      token();
      const raw = readString();
      const rawStart = raw.byteOffset - bytes.byteOffset;
      const key = view.toString("latin1", rawStart, rawStart + raw.length);
      const order = previous === undefined ? -1 : Buffer.compare(previous, raw);
      previous = raw;
      const start = pos;
      const isInfo = top && key === "info" && !spans.has("info");
      const item = readValue(depth + 1, false, inInfo || isInfo);
      if (dict.has(key)) noteKey({ kind: "duplicate", key, at }, inInfo);
      else {
        if (order > 0) noteKey({ kind: "unsorted", key, at }, inInfo);
        dict.set(key, item);
        if (top) spans.set(key, [start, pos]);
      }
    }
    if (pos >= bytes.length) fail("unterminated dictionary");
    pos++;
    token();
    return dict;
  };

  const readValue = (depth: number, top: boolean, inInfo: boolean): BValue => {
    if (pos >= bytes.length) fail("unexpected end of data");
    token();
    const c = bytes[pos]!;
    // Only containers count towards the depth, as in libtorrent.
    if ((c === 0x6c || c === 0x64) && depth > maxDepth)
      overLimit(`nesting at byte ${pos}`, maxDepth, "maxDepth");
    if (c === 0x69) {
      pos++;
      return readInt(0x65);
    }
    if (c >= 0x30 && c <= 0x39) return readString();
    if (c === 0x6c) {
      pos++;
      const list: BValue[] = [];
      while (pos < bytes.length && bytes[pos] !== 0x65) list.push(readValue(depth + 1, false, inInfo));
      if (pos >= bytes.length) fail("unterminated list");
      pos++;
      token();
      return list;
    }
    if (c === 0x64) {
      pos++;
      return readDict(depth, top, inInfo);
    }
    return fail(`unexpected byte 0x${c.toString(16).padStart(2, "0")}`);
  };

  const value = readValue(1, true, false);
  if (pos !== bytes.length && !options.allowTrailing)
    fail(`${bytes.length - pos} trailing byte(s) after the value`);
  return { value, spans, end: pos, keyIssues, ...(infoKeyIssue && { infoKeyIssue }) };
}
