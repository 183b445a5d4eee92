// Announce and scrape query strings, parsed by hand: info_hash and peer_id are percent-encoded binary,
// which URLSearchParams would mangle into UTF-8, and a hand loop is several times faster.
import { RequestError } from "./errors.js";
import type { AnnounceEvent } from "./store.js";

export interface AnnounceQuery {
  infoHash: string;
  peerId: string;
  port: number;
  left: number;
  event: AnnounceEvent;
  numwant: number;
  compact: boolean;
  noPeerId: boolean;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Percent-decodes url[start, end) to a latin1 string of exactly 20 bytes, or undefined. */
export function decode20(url: string, start: number, end: number): string | undefined {
  const codes: number[] = [];
  for (let i = start; i < end; i++) {
    const c = url.charCodeAt(i);
    if (c === 37) {
      if (i + 2 >= end) return undefined;
      const hi = hexValue(url.charCodeAt(i + 1));
      const lo = hexValue(url.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) return undefined;
      codes.push((hi << 4) | lo);
      i += 2;
    } else if (c === 43) {
      codes.push(32);
    } else if (c > 127) {
      return undefined;
    } else {
      codes.push(c);
    }
    if (codes.length > 20) return undefined;
  }
  if (codes.length !== 20) return undefined;
  return String.fromCharCode.apply(null, codes);
}

/** A non-negative decimal integer in url[start, end), or -1. */
function decimal(url: string, start: number, end: number): number {
  if (end === start || end - start > 17) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = url.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

function same(url: string, start: number, end: number, word: string): boolean {
  return end - start === word.length && url.startsWith(word, start);
}

/** Parses the query of `url` starting after `q` (the index of '?'). Throws RequestError with the reason. */
export function parseAnnounce(url: string, q: number): AnnounceQuery {
  let infoHash: string | undefined;
  let peerId: string | undefined;
  let port = -2;
  let left = -2;
  let event: AnnounceEvent = 0;
  let numwant = -1;
  let compact = true;
  let noPeerId = false;
  const n = url.length;
  let i = q < 0 ? n : q + 1;
  while (i < n) {
    let amp = url.indexOf("&", i);
    if (amp === -1) amp = n;
    let eq = url.indexOf("=", i);
    if (eq === -1 || eq > amp) eq = amp;
    const vs = eq < amp ? eq + 1 : amp;
    switch (eq - i) {
      case 4:
        if (url.startsWith("port", i)) {
          port = decimal(url, vs, amp);
          if (port < 1 || port > 65535) throw new RequestError("invalid port (must be 1-65535)");
        } else if (url.startsWith("left", i)) {
          left = decimal(url, vs, amp);
          if (left < 0) throw new RequestError("invalid left (must be a non-negative integer)");
        }
        break;
      case 5:
        if (url.startsWith("event", i)) {
          if (same(url, vs, amp, "started")) event = 2;
          else if (same(url, vs, amp, "completed")) event = 1;
          else if (same(url, vs, amp, "stopped")) event = 3;
          else if (same(url, vs, amp, "paused")) event = 4;
          else if (vs === amp || same(url, vs, amp, "empty")) event = 0;
          else throw new RequestError("invalid event (must be started, completed, stopped or empty)");
        }
        break;
      case 7:
        if (url.startsWith("peer_id", i)) {
          peerId = decode20(url, vs, amp);
          if (peerId === undefined) throw new RequestError("invalid peer_id (must be 20 bytes)");
        } else if (url.startsWith("numwant", i)) {
          numwant = decimal(url, vs, amp);
          if (numwant < 0) throw new RequestError("invalid numwant (must be a non-negative integer)");
        } else if (url.startsWith("compact", i)) {
          compact = !same(url, vs, amp, "0");
        }
        break;
      case 8:
        if (url.startsWith("uploaded", i) && decimal(url, vs, amp) < 0) {
          throw new RequestError("invalid uploaded (must be a non-negative integer)");
        }
        break;
      case 9:
        if (url.startsWith("info_hash", i)) {
          infoHash = decode20(url, vs, amp);
          if (infoHash === undefined) throw new RequestError("invalid info_hash (must be 20 bytes)");
        }
        break;
      case 10:
        if (url.startsWith("downloaded", i) && decimal(url, vs, amp) < 0) {
          throw new RequestError("invalid downloaded (must be a non-negative integer)");
        }
        if (url.startsWith("no_peer_id", i)) noPeerId = !same(url, vs, amp, "0");
        break;
    }
    i = amp + 1;
  }
  if (infoHash === undefined) throw new RequestError("missing info_hash");
  if (peerId === undefined) throw new RequestError("missing peer_id");
  if (port === -2) throw new RequestError("missing port");
  // A client that does not say how much it lacks is counted as a leecher.
  return {
    infoHash,
    peerId,
    port,
    left: left === -2 ? Number.MAX_SAFE_INTEGER : left,
    event,
    numwant,
    compact,
    noPeerId,
  };
}

/** Every info_hash of a scrape query (BEP 48: the key may repeat). */
export function parseScrape(url: string, q: number): string[] {
  const hashes: string[] = [];
  const n = url.length;
  let i = q < 0 ? n : q + 1;
  while (i < n) {
    let amp = url.indexOf("&", i);
    if (amp === -1) amp = n;
    if (url.startsWith("info_hash=", i)) {
      const h = decode20(url, i + 10, amp);
      if (h === undefined) throw new RequestError("invalid info_hash (must be 20 bytes)");
      hashes.push(h);
    }
    i = amp + 1;
  }
  if (hashes.length === 0) throw new RequestError("missing info_hash (full scrapes are not served)");
  return hashes;
}
