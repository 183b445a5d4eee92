// Text IP addresses to the bytes of compact peer entries (BEP 23 / BEP 7) and back, without allocation
// on the hot path. node:net's isIP validates; these only convert what it accepted.
import { isIPv6 } from "node:net";

/** "::ffff:1.2.3.4" (what a dual-stack socket reports for IPv4) → "1.2.3.4". */
export function normalizeIp(address: string): string {
  if (
    address.length > 7 &&
    address.charCodeAt(0) === 58 &&
    address.startsWith("::ffff:") &&
    address.includes(".")
  ) {
    return address.slice(7);
  }
  return address;
}

/** Writes a dotted IPv4 address into out[offset..offset+4]; false if it is not one. */
export function writeIpv4(ip: string, out: Uint8Array, offset: number): boolean {
  let part = 0;
  let digits = 0;
  let index = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || index > 2) return false;
      out[offset + index++] = part;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return false;
    } else {
      return false;
    }
  }
  if (digits === 0 || index !== 3) return false;
  out[offset + 3] = part;
  return true;
}

/** Writes an IPv6 address (any textual form node reports) into out[offset..offset+16]. */
export function writeIpv6(ip: string, out: Uint8Array, offset: number): boolean {
  const zone = ip.indexOf("%");
  const text = zone === -1 ? ip : ip.slice(0, zone);
  if (!isIPv6(text)) return false;
  const halves = text.split("::");
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length > 1 && halves[1] ? halves[1].split(":") : [];
  const words: number[] = [];
  const pushGroup = (groups: string[]) => {
    for (const g of groups) {
      if (g.includes(".")) {
        const v4 = new Uint8Array(4);
        writeIpv4(g, v4, 0);
        words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        words.push(Number.parseInt(g, 16));
      }
    }
  };
  pushGroup(head);
  const headWords = words.length;
  pushGroup(tail);
  const tailWords = words.length - headWords;
  const zeros = 8 - headWords - tailWords;
  const all = [
    ...words.slice(0, headWords),
    ...new Array<number>(halves.length > 1 ? zeros : 0).fill(0),
    ...words.slice(headWords),
  ];
  if (all.length !== 8) return false;
  for (let i = 0; i < 8; i++) {
    out[offset + i * 2] = all[i]! >> 8;
    out[offset + i * 2 + 1] = all[i]! & 0xff;
  }
  return true;
}

/** Compact entry (6 or 18 bytes) → "1.2.3.4" / "2001:db8::1" text and port. */
export function readCompact(bytes: Uint8Array, offset: number, width: 6 | 18): { ip: string; port: number } {
  if (width === 6) {
    const ip = `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
    return { ip, port: (bytes[offset + 4]! << 8) | bytes[offset + 5]! };
  }
  const words: string[] = [];
  for (let i = 0; i < 8; i++)
    words.push(((bytes[offset + i * 2]! << 8) | bytes[offset + i * 2 + 1]!).toString(16));
  // Collapse the longest run of zero words, as RFC 5952 asks.
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === "0") j++;
    if (j - i > bestLength && j - i > 1) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  let ip: string;
  if (bestStart === -1) ip = words.join(":");
  else ip = `${words.slice(0, bestStart).join(":")}::${words.slice(bestStart + bestLength).join(":")}`;
  return { ip, port: (bytes[offset + 16]! << 8) | bytes[offset + 17]! };
}
