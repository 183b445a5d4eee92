// Bencoded tracker answers written straight into one Buffer. The key order is fixed and already sorted,
// so there is no generic encoder walking objects on every announce.
import { readCompact } from "./ip.js";
import type { AnnounceOutput, ScrapeEntry } from "./tracker.js";

function str(s: string): string {
  return `${Buffer.byteLength(s)}:${s}`;
}

export function failure(reason: string, retryIn?: number): Buffer {
  const retry = retryIn === undefined ? "" : `8:retry ini${retryIn}e`;
  return Buffer.from(`d14:failure reason${str(reason)}${retry}e`);
}

export function announceCompact(r: AnnounceOutput, trackerId: string): Buffer {
  const head =
    `d8:completei${r.complete}e10:downloadedi${r.downloaded}e10:incompletei${r.incomplete}e` +
    `8:intervali${r.interval}e12:min intervali${r.minInterval}e5:peers${r.peers4.length}:`;
  const mid = r.peers6.length > 0 ? `6:peers6${r.peers6.length}:` : "";
  const tail = `10:tracker id${trackerId.length}:${trackerId}e`;
  const size = head.length + r.peers4.length + mid.length + r.peers6.length + tail.length;
  const out = Buffer.allocUnsafe(size);
  let o = out.write(head, 0, "latin1");
  out.set(r.peers4, o);
  o += r.peers4.length;
  if (mid.length > 0) {
    o += out.write(mid, o, "latin1");
    out.set(r.peers6, o);
    o += r.peers6.length;
  }
  out.write(tail, o, "latin1");
  return out;
}

/** The original BEP 3 form: a list of dictionaries (ip, peer id, port); IPv6 peers included (BEP 7). */
export function announceDict(r: AnnounceOutput, trackerId: string, noPeerId: boolean): Buffer {
  const parts: Buffer[] = [
    Buffer.from(
      `d8:completei${r.complete}e10:downloadedi${r.downloaded}e10:incompletei${r.incomplete}e` +
        `8:intervali${r.interval}e12:min intervali${r.minInterval}e5:peersl`,
    ),
  ];
  const add = (bytes: Uint8Array, width: 6 | 18, ids: string[] | undefined) => {
    for (let i = 0; i * width < bytes.length; i++) {
      const { ip, port } = readCompact(bytes, i * width, width);
      const id = noPeerId || !ids ? "" : `7:peer id20:${ids[i]}`;
      parts.push(Buffer.from(`d2:ip${str(ip)}${id}4:porti${port}ee`, "latin1"));
    }
  };
  add(r.peers4, 6, r.ids4);
  add(r.peers6, 18, r.ids6);
  parts.push(Buffer.from(`e10:tracker id${str(trackerId)}e`));
  return Buffer.concat(parts);
}

/** BEP 48: `files` keyed by the raw info hash, keys sorted as bencode requires. */
export function scrapeAnswer(entries: ScrapeEntry[]): Buffer {
  const sorted = [...entries].sort((a, b) =>
    a.infoHash < b.infoHash ? -1 : a.infoHash > b.infoHash ? 1 : 0,
  );
  let body = "d5:filesd";
  let last = "";
  for (const e of sorted) {
    if (e.infoHash === last) continue;
    last = e.infoHash;
    body += `20:${e.infoHash}d8:completei${e.complete}e10:downloadedi${e.downloaded}e10:incompletei${e.incomplete}ee`;
  }
  body += "ee";
  return Buffer.from(body, "latin1");
}
