// UDP tracker protocol (BEP 15) over udp4 and udp6, with BEP 41 options. Connection ids are a keyed
// hash of the client address and a time slot (no state per client, cannot be guessed or reused from
// another address); the slot's low bits ride in the id so a check costs one hash.
import { createHash, type Hash, randomBytes } from "node:crypto";
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { RequestError } from "./errors.js";
import { normalizeIp, writeIpv4, writeIpv6 } from "./ip.js";
import type { AnnounceEvent } from "./store.js";
import type { AnnounceOutput, ScrapeEntry, Tracker } from "./tracker.js";

const PROTOCOL_ID_HI = 0x417;
const PROTOCOL_ID_LO = 0x27101980;
/** A connection id is accepted in its own slot and the next: between 2.5 and 5 minutes. */
export const SLOT_MS = 150_000;
const MAX_SCRAPE = 74;

export interface UdpListenOptions {
  port?: number;
  /** Addresses to bind; each binds a udp4 or udp6 socket by its family. Default ["127.0.0.1"]. */
  hosts?: string[];
}

export class ConnectionIds {
  private readonly key: Buffer;
  private cachedSlot = -1;
  private cached: Hash[] = [];
  /** The last id computed per address and slot: a client announcing many torrents costs one hash. */
  private recent = new Map<string, Buffer>();

  /** `secret`: shared by processes that answer the same clients (--workers), else random. */
  constructor(
    private readonly clock: () => number,
    secret?: string,
  ) {
    this.key = secret === undefined ? randomBytes(32) : createHash("sha256").update(secret).digest();
  }

  private base(slot: number): Hash {
    if (slot !== this.cachedSlot) {
      // Keep the current and previous slot's prefix hashes; each id is a cheap copy + update.
      this.cached = [slot, slot - 1].map((s) => {
        const b = Buffer.allocUnsafe(4);
        b.writeUInt32BE(s >>> 0, 0);
        return createHash("sha256").update(this.key).update(b);
      });
      this.cachedSlot = slot;
    }
    return this.cached[0]!;
  }

  private hash(ip: string, slot: number): Buffer {
    const current = Math.floor(this.clock() / SLOT_MS);
    this.base(current);
    const memo = `${slot & 3}${ip}`;
    const known = this.recent.get(memo);
    if (known !== undefined && known.readUInt32BE(8) === slot >>> 0) return known;
    const id = this.compute(ip, slot, current);
    // Bounded: cleared wholesale when full (a cache miss only costs a hash).
    if (this.recent.size >= 65_536) this.recent.clear();
    this.recent.set(memo, id);
    return id;
  }

  private compute(ip: string, slot: number, current: number): Buffer {
    const base = slot === current ? this.cached[0]! : this.cached[1]!;
    const digest = base.copy().update(ip).digest();
    digest[7] = (digest[7]! & 0xfc) | (slot & 3);
    // Bytes 8-11 remember the slot, for the cache above (only bytes 0-7 are the id).
    digest.writeUInt32BE(slot >>> 0, 8);
    return digest;
  }

  /** A fresh id for `ip`, 8 bytes written at out[offset]. */
  write(ip: string, out: Buffer, offset: number): void {
    const slot = Math.floor(this.clock() / SLOT_MS);
    this.hash(ip, slot).copy(out, offset, 0, 8);
  }

  /** Whether the 8 bytes at packet[offset] are an id this tracker gave `ip` in the last two slots. */
  check(ip: string, packet: Buffer, offset: number): boolean {
    const current = Math.floor(this.clock() / SLOT_MS);
    const tag = packet[offset + 7]! & 3;
    const slot = (current & 3) === tag ? current : ((current - 1) & 3) === tag ? current - 1 : -1;
    if (slot < 0) return false;
    const expected = this.hash(ip, slot);
    return (
      expected.readUInt32BE(0) === packet.readUInt32BE(offset) &&
      expected.readUInt32BE(4) === packet.readUInt32BE(offset + 4)
    );
  }
}

/** The UDP side's own counters. */
export interface UdpMetrics {
  connects: number;
  /** Datagrams dropped (junk, bad protocol id, unknown action, forged id) or refused. */
  badPackets: number;
}

export class UdpTracker {
  readonly sockets: Socket[] = [];
  readonly metrics: UdpMetrics = { connects: 0, badPackets: 0 };
  readonly ids: ConnectionIds;

  constructor(private readonly tracker: Tracker) {
    this.ids = new ConnectionIds(tracker.clock, tracker.udpSecret);
  }

  async listen(options: UdpListenOptions = {}): Promise<{ address: string; port: number; family: string }[]> {
    const hosts = options.hosts ?? ["127.0.0.1"];
    let port = options.port ?? 0;
    const bound: { address: string; port: number; family: string }[] = [];
    for (const host of hosts) {
      const type = host.includes(":") ? "udp6" : "udp4";
      const socket = createSocket({
        type,
        ipv6Only: type === "udp6",
        recvBufferSize: 4 << 20,
        sendBufferSize: 4 << 20,
        // Replies go to the literal address a datagram came from: no resolver (and no extra tick) per send.
        lookup: literalLookup,
      });
      await new Promise<void>((resolve, reject) => {
        socket.once("error", reject);
        socket.bind(port, host, () => {
          socket.off("error", reject);
          resolve();
        });
      });
      socket.on("error", (e) => this.tracker.emit("warning", e));
      const width = type === "udp6" ? 18 : 6;
      socket.on("message", (msg, rinfo) => this.onMessage(socket, width, msg, rinfo));
      const a = socket.address();
      port = a.port; // bind every family to the same port when it was chosen by the OS
      bound.push({ address: a.address, port: a.port, family: a.family });
      this.sockets.push(socket);
    }
    return bound;
  }

  /** Handles one datagram; exposed for tests. Returns the reply (also sent), or undefined if dropped. */
  onMessage(socket: Socket | undefined, width: 6 | 18, msg: Buffer, rinfo: RemoteInfo): Buffer | undefined {
    const reply = this.handle(width, msg, rinfo);
    if (reply instanceof Promise) {
      reply.then((r) => socket?.send(r, rinfo.port, rinfo.address));
      return undefined;
    }
    if (reply && socket) socket.send(reply, rinfo.port, rinfo.address);
    return reply;
  }

  /**
   * The reply to one datagram, or undefined to stay silent. Nothing that could come from a forged source
   * address gets an answer larger than itself: junk, a bad protocol id, an unknown action, a connection
   * id we did not give that address, and anything past the rate limit are dropped (as opentracker does);
   * refusals of well-formed requests are cut to the request's size.
   */
  private handle(width: 6 | 18, msg: Buffer, rinfo: RemoteInfo): Buffer | Promise<Buffer> | undefined {
    const tracker = this.tracker;
    // Fewer than 16 bytes has no transaction id to answer with.
    if (msg.length < 16) return this.drop("packet too short");
    const ip = normalizeIp(rinfo.address);
    if (!tracker.take(ip)) return undefined;
    const action = msg.readUInt32BE(8);
    const tx = msg.readUInt32BE(12);
    if (action === 0) {
      if (msg.readUInt32BE(0) !== PROTOCOL_ID_HI || msg.readUInt32BE(4) !== PROTOCOL_ID_LO)
        return this.drop("bad protocol id in connect");
      this.metrics.connects++;
      const out = Buffer.allocUnsafe(16);
      out.writeUInt32BE(0, 0);
      out.writeUInt32BE(tx, 4);
      this.ids.write(ip, out, 8);
      return out;
    }
    if (action !== 1 && action !== 2) return this.drop("unknown action");
    if (!this.ids.check(ip, msg, 0)) return this.drop("invalid or expired connection id");
    try {
      if (action === 1) {
        const r = this.announce(width, msg, tx, ip);
        return r instanceof Promise ? r.catch((e) => this.refuse(tx, e, msg.length)) : r;
      }
      const r = this.scrape(msg, tx);
      return r instanceof Promise ? r.catch((e) => this.refuse(tx, e, msg.length)) : r;
    } catch (error) {
      return this.refuse(tx, error, msg.length);
    }
  }

  private drop(reason: string): undefined {
    this.metrics.badPackets++;
    this.tracker.fail(reason);
    return undefined;
  }

  private refuse(tx: number, error: unknown, limit: number): Buffer {
    const tracker = this.tracker;
    const reason = error instanceof RequestError ? error.reason : "internal tracker error";
    if (!(error instanceof RequestError)) tracker.emit("warning", error);
    this.metrics.badPackets++;
    tracker.fail(reason);
    return errorPacket(tx, reason, limit);
  }

  private announce(width: 6 | 18, msg: Buffer, tx: number, ip: string): Buffer | Promise<Buffer> {
    if (msg.length < 98) throw new RequestError("announce packet too short (needs 98 bytes)");
    if (msg.length > 98) checkOptions(msg, 98);
    const event = msg.readUInt32BE(80);
    if (event > 3) throw new RequestError("invalid event");
    const port = msg.readUInt16BE(96);
    if (port === 0) throw new RequestError("invalid port (must be 1-65535)");
    const addr = Buffer.allocUnsafe(width);
    const ok = width === 6 ? writeIpv4(ip, addr, 0) : writeIpv6(ip, addr, 0);
    if (!ok) throw new RequestError("cannot tell the client's address");
    addr[width - 2] = port >> 8;
    addr[width - 1] = port & 0xff;
    // `left` is 64-bit; anything in the high word means "not zero", which is all a tracker needs.
    const left = msg.readUInt32BE(64) !== 0 ? 1 : msg.readUInt32BE(68);
    const numwant = msg.readInt32BE(92);
    const r = this.tracker.announce(
      {
        infoHash: msg.toString("latin1", 16, 36),
        peerId: msg.toString("latin1", 36, 56),
        ip,
        addr,
        left,
        event: event as AnnounceEvent,
        numwant,
      },
      "udp",
    );
    // A shared (async) store answers later; the in-memory store answers now.
    if (r instanceof Promise) return r.then((out) => announceReply(width, tx, out));
    return announceReply(width, tx, r);
  }

  private scrape(msg: Buffer, tx: number): Buffer | Promise<Buffer> {
    const count = Math.floor((msg.length - 16) / 20);
    if (count === 0) throw new RequestError("scrape packet has no info hash");
    if (count > MAX_SCRAPE) throw new RequestError(`too many info hashes (most ${MAX_SCRAPE})`);
    const hashes: string[] = [];
    for (let i = 0; i < count; i++) hashes.push(msg.toString("latin1", 16 + i * 20, 36 + i * 20));
    const entries = this.tracker.scrapeSync(hashes, "udp");
    if (entries) return scrapeReply(tx, hashes, entries);
    return this.tracker.scrape(hashes, "udp").then((e) => scrapeReply(tx, hashes, e));
  }

  async close(): Promise<void> {
    await Promise.all(this.sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.sockets.length = 0;
  }
}

/** BEP 41: 0 end, 1 no-op, 2 URL data (length byte + bytes). Returns the URL data; throws if malformed. */
export function checkOptions(msg: Buffer, start: number): string {
  let url = "";
  let i = start;
  while (i < msg.length) {
    const type = msg[i]!;
    if (type === 0) break;
    if (type === 1) {
      i++;
      continue;
    }
    if (type === 2) {
      const length = msg[i + 1];
      if (length === undefined || i + 2 + length > msg.length)
        throw new RequestError("malformed BEP 41 option");
      url += msg.toString("latin1", i + 2, i + 2 + length);
      i += 2 + length;
      continue;
    }
    // Types above 2 carry a length byte too; BEP 41 says to skip the ones we do not know.
    const length = msg[i + 1];
    if (length === undefined || i + 2 + length > msg.length)
      throw new RequestError("malformed BEP 41 option");
    i += 2 + length;
  }
  return url;
}

function announceReply(width: 6 | 18, tx: number, r: AnnounceOutput): Buffer {
  const peers = width === 6 ? r.peers4 : r.peers6;
  const out = Buffer.allocUnsafe(20 + peers.length);
  out.writeUInt32BE(1, 0);
  out.writeUInt32BE(tx, 4);
  out.writeUInt32BE(r.interval, 8);
  out.writeUInt32BE(r.incomplete, 12);
  out.writeUInt32BE(r.complete, 16);
  out.set(peers, 20);
  return out;
}

function literalLookup(
  address: string,
  options: unknown,
  callback: (error: Error | null, address: string, family: number) => void,
): void {
  const family = typeof options === "number" ? options : (options as { family?: number }).family;
  callback(null, address, family === 6 || address.includes(":") ? 6 : 4);
}

/** An error reply, at most `limit` bytes long (the message is cut to fit). */
export function errorPacket(tx: number, message: string, limit = Number.POSITIVE_INFINITY): Buffer {
  const full = Buffer.from(message);
  const text = full.subarray(0, Math.max(0, Math.min(full.length, limit - 8)));
  const out = Buffer.allocUnsafe(8 + text.length);
  out.writeUInt32BE(3, 0);
  out.writeUInt32BE(tx, 4);
  text.copy(out, 8);
  return out;
}

function scrapeReply(tx: number, hashes: string[], entries: ScrapeEntry[]): Buffer {
  const out = Buffer.alloc(8 + hashes.length * 12);
  out.writeUInt32BE(2, 0);
  out.writeUInt32BE(tx, 4);
  // Hashes not served keep zeros in their place: the answer is positional.
  let e = 0;
  for (let i = 0; i < hashes.length && e < entries.length; i++) {
    const entry = entries[e]!;
    if (entry.infoHash !== hashes[i]) continue;
    out.writeUInt32BE(entry.complete, 8 + i * 12);
    out.writeUInt32BE(entry.downloaded, 12 + i * 12);
    out.writeUInt32BE(entry.incomplete, 16 + i * 12);
    e++;
  }
  return out;
}
