// The swarm store interface and the default in-memory store. One store holds everything trackers that
// share it must agree on: peers, complete / incomplete / downloaded counts, and the API allowlist. Peers of a swarm live in dense typed arrays
// of compact entries (6 bytes IPv4, 18 bytes IPv6), so an answer is one to three bulk copies of a random
// window; the peer index is an open-addressing hash table in typed arrays too. No JS object or string is
// kept per peer, so a peer costs ~60-100 bytes and the garbage collector's work does not grow with peers.

/** 0 none (a regular announce), 1 completed, 2 started, 3 stopped, 4 paused (BEP 21). UDP numbering. */
export type AnnounceEvent = 0 | 1 | 2 | 3 | 4;

export interface PeerAnnounce {
  /** Canonical swarm key: 20 bytes as a latin1 string (the v1 info hash, or a truncated v2 one). */
  swarm: string;
  /** The peer id, 20 bytes as a latin1 string. */
  peerId: string;
  /** Compact address of the announcing peer: IPv4 + port (6 bytes) or IPv6 + port (18 bytes). */
  addr: Buffer;
  /** `left == 0`. */
  seeder: boolean;
  event: AnnounceEvent;
  /** How many peers to return (already capped by the tracker). */
  numwant: number;
  /** Current time in whole seconds. */
  now: number;
  /** Also return peer ids (the non-compact dictionary form). */
  withPeerIds?: boolean;
}

export interface PeerList {
  complete: number;
  incomplete: number;
  /** Compact IPv4 peers, 6 bytes each. */
  peers4: Uint8Array;
  /** Compact IPv6 peers, 18 bytes each. */
  peers6: Uint8Array;
  /** Peer ids in the order of peers4 / peers6, when `withPeerIds` was asked. */
  ids4?: string[];
  ids6?: string[];
  /** True when this announce was a peer's first `completed` (counted in `downloaded` already). */
  completed: boolean;
  /** Finished downloads of the swarm, this one included. */
  downloaded: number;
}

export interface SwarmCounts {
  complete: number;
  incomplete: number;
  downloaded: number;
}

export interface StoreTotals {
  swarms: number;
  peers: number;
  seeders: number;
  leechers: number;
  peers6: number;
}

/** Where a WebSocket connection lives: a process (`node`) and a connection number within it. */
export interface WsAddress {
  node: string;
  conn: number;
  peerId: string;
}

/** A signal between processes: an offer for, or an answer to, one connection of the receiving node. */
export interface SignalMessage {
  kind: "offer" | "answer";
  /** The receiving connection. */
  conn: number;
  /** The sending connection (an answer goes back to exactly this one). */
  from: WsAddress;
  /** Canonical swarm key (latin1). */
  swarm: string;
  /** The WebTorrent message to deliver. */
  body: Record<string, unknown>;
}

/** Cross-process WebSocket signalling, offered by shared stores (Redis pub/sub). */
export interface SignalBus {
  readonly node: string;
  /**
   * Lists a WebSocket peer in a swarm until `expires` (seconds), as a seeder or a leecher: the store's
   * counts of the swarm include it.
   */
  wsJoin(swarm: string, peer: WsAddress, expires: number, seeder: boolean): Promise<void>;
  wsLeave(swarm: string, peer: WsAddress): Promise<void>;
  /**
   * Claims `peer.peerId` in a swarm for this connection for `ttl` seconds (or renews its own claim):
   * false while another connection, on any process, holds a live claim on that peer_id.
   */
  wsClaim(swarm: string, peer: WsAddress, ttl: number): Promise<boolean>;
  /** Drops this connection's claim (someone else's is left alone). */
  wsRelease(swarm: string, peer: WsAddress): Promise<void>;
  /** Up to `n` live WebSocket peers of a swarm, on any process, never `except`. */
  wsSample(swarm: string, n: number, except: WsAddress, now: number): Promise<WsAddress[]>;
  publish(node: string, message: SignalMessage): Promise<void>;
  onSignal(handler: (message: SignalMessage) => void): void;
}

/**
 * What the tracker needs from a place that keeps peers. Methods may answer synchronously (the in-memory
 * store, the fast path) or with a Promise (a shared store such as Redis); the tracker handles both.
 */
export interface SwarmStore {
  /** Loads durable state (counters, allowlist); the tracker calls it once, from `ready()`. */
  open?(): void | Promise<void>;
  /** Stores or refreshes (or removes, on `stopped`) a peer and answers with peers and counts. */
  announce(request: PeerAnnounce): PeerList | Promise<PeerList>;
  /** Counts of one swarm (zeros when nothing is known of it). */
  counts(swarm: string): SwarmCounts | Promise<SwarmCounts>;
  /** Counts a finished download seen outside `announce` (a WebSocket peer's `completed`). */
  completed(swarm: string): void | Promise<void>;
  /** Hex info hashes allowed through the API and kept by the store. */
  allowed(): string[] | Promise<string[]>;
  allow(hex: string): void | Promise<void>;
  disallow(hex: string): void | Promise<void>;
  /** Drops peers whose time ran out and frees swarms left empty. */
  expire(now: number): void | Promise<void>;
  totals(): StoreTotals | Promise<StoreTotals>;
  /** Where the durable truth lives, for start-up messages and /stats (e.g. "sqlite /var/lib/x.db"). */
  describe?(): string;
  /** False while a shared store cannot be reached. Default true. */
  available?(): boolean;
  /** Signalling between processes for WebSocket peers (shared stores only). */
  readonly signals?: SignalBus;
  close?(): void | Promise<void>;
}

export interface MemoryStoreOptions {
  /** Seconds a peer stays listed after its last announce. Default 3600 (2 × the default interval). */
  peerTtl?: number;
  /** New peers beyond this many in one swarm are answered but not stored. Default 100000. */
  maxPeersPerSwarm?: number;
  /** New swarms beyond this many are answered (empty) but not stored. Default 100000. */
  maxSwarms?: number;
  /** Random source in [0, 1), for tests. Default Math.random. */
  random?: () => number;
  /** File keeping completed counts and API-allowed hashes (SQLite, or a journal). Default none. */
  db?: string;
  /** "sqlite" (needs the optional better-sqlite3), "journal" (pure JS) or "auto". Default "auto". */
  dbEngine?: DurableEngine;
}

import { type DurableEngine, type DurableState, openDurable } from "./durable.js";

const EMPTY = new Uint8Array(0);

/** FNV-1a over key bytes. */
function hashKey(key: Uint8Array, length: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < length; i++) h = Math.imul(h ^ key[i]!, 0x01000193);
  return h >>> 0;
}

/**
 * One address family of a swarm. Slots 0..count-1 are dense (swap-remove on delete). A peer's key is its
 * peer id followed by its IP bytes; `index` maps hash → slot + 1 by linear probing (0 = empty), kept at
 * most half full, with backward-shift deletion (no tombstones).
 */
class PeerTable {
  count = 0;
  readonly keyWidth: number;
  addr: Uint8Array;
  keys: Uint8Array;
  hashes: Uint32Array;
  expires: Uint32Array;
  seed: Uint8Array;
  index: Int32Array;
  /** Scratch for the key being looked up. */
  readonly probe: Uint8Array;

  constructor(readonly width: 6 | 18) {
    this.keyWidth = 20 + width - 2;
    this.probe = new Uint8Array(this.keyWidth);
    this.addr = new Uint8Array(width * 4);
    this.keys = new Uint8Array(this.keyWidth * 4);
    this.hashes = new Uint32Array(4);
    this.expires = new Uint32Array(4);
    this.seed = new Uint8Array(4);
    this.index = new Int32Array(8);
  }

  get capacity(): number {
    return this.expires.length;
  }

  /** Slot of the key in `probe` (hash `h`), or -1. */
  find(h: number): number {
    const mask = this.index.length - 1;
    const kw = this.keyWidth;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const v = this.index[i]!;
      if (v === 0) return -1;
      const slot = v - 1;
      if (this.hashes[slot] === h) {
        const base = slot * kw;
        let same = true;
        for (let k = 0; k < kw; k++) {
          if (this.keys[base + k] !== this.probe[k]) {
            same = false;
            break;
          }
        }
        if (same) return slot;
      }
    }
  }

  /** Appends the key in `probe` with hash `h`; returns its slot. */
  insert(h: number): number {
    if (this.count === this.capacity) this.resize(this.capacity * 2);
    const slot = this.count++;
    this.keys.set(this.probe, slot * this.keyWidth);
    this.hashes[slot] = h;
    this.place(slot);
    return slot;
  }

  private place(slot: number): void {
    const mask = this.index.length - 1;
    let i = this.hashes[slot]! & mask;
    while (this.index[i] !== 0) i = (i + 1) & mask;
    this.index[i] = slot + 1;
  }

  private position(slot: number): number {
    const mask = this.index.length - 1;
    let i = this.hashes[slot]! & mask;
    while (this.index[i] !== slot + 1) i = (i + 1) & mask;
    return i;
  }

  /** Removes a slot: backward-shift its index entry out, then move the last slot into its place. */
  remove(slot: number): void {
    const mask = this.index.length - 1;
    let hole = this.position(slot);
    this.index[hole] = 0;
    for (let j = (hole + 1) & mask; this.index[j] !== 0; j = (j + 1) & mask) {
      const home = this.hashes[this.index[j]! - 1]! & mask;
      // Move the entry back if its home is not cyclically within (hole, j].
      const between = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!between) {
        this.index[hole] = this.index[j]!;
        this.index[j] = 0;
        hole = j;
      }
    }
    const last = this.count - 1;
    if (slot !== last) {
      const w = this.width;
      const kw = this.keyWidth;
      this.index[this.position(last)] = slot + 1;
      this.addr.copyWithin(slot * w, last * w, last * w + w);
      this.keys.copyWithin(slot * kw, last * kw, last * kw + kw);
      this.hashes[slot] = this.hashes[last]!;
      this.expires[slot] = this.expires[last]!;
      this.seed[slot] = this.seed[last]!;
    }
    this.count = last;
    if (this.capacity > 16 && this.count < this.capacity / 4) this.resize(this.capacity / 2);
  }

  resize(capacity: number): void {
    const n = this.count;
    const grow = <T extends Uint8Array | Uint32Array>(old: T, make: (size: number) => T, per: number): T => {
      const next = make(capacity * per);
      next.set(old.subarray(0, n * per));
      return next;
    };
    this.addr = grow(this.addr, (s) => new Uint8Array(s), this.width);
    this.keys = grow(this.keys, (s) => new Uint8Array(s), this.keyWidth);
    this.hashes = grow(this.hashes, (s) => new Uint32Array(s), 1);
    this.expires = grow(this.expires, (s) => new Uint32Array(s), 1);
    this.seed = grow(this.seed, (s) => new Uint8Array(s), 1);
    this.index = new Int32Array(capacity * 2);
    for (let slot = 0; slot < n; slot++) this.place(slot);
  }

  peerId(slot: number): string {
    return Buffer.from(this.keys.buffer, this.keys.byteOffset + slot * this.keyWidth, 20).toString("latin1");
  }
}

class Swarm {
  readonly v4 = new PeerTable(6);
  readonly v6 = new PeerTable(18);
  seeders = 0;
  leechers = 0;
  get size(): number {
    return this.v4.count + this.v6.count;
  }
}

export class MemoryStore implements SwarmStore {
  private readonly swarms = new Map<string, Swarm>();
  private readonly peerTtl: number;
  private readonly maxPeersPerSwarm: number;
  private readonly maxSwarms: number;
  private readonly random: () => number;
  private readonly counters = new Map<string, number>();
  private readonly apiAllowed = new Set<string>();
  private durable?: DurableState;
  private readonly options: MemoryStoreOptions;
  private peerCount = 0;
  private seederCount = 0;
  private peer6Count = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.peerTtl = options.peerTtl ?? 3600;
    this.maxPeersPerSwarm = options.maxPeersPerSwarm ?? 100_000;
    this.maxSwarms = options.maxSwarms ?? 100_000;
    this.random = options.random ?? Math.random;
    this.options = options;
  }

  async open(): Promise<void> {
    if (this.options.db === undefined || this.durable !== undefined) return;
    this.durable = await openDurable(this.options.db, this.options.dbEngine);
    for (const [k, v] of this.durable.counters()) this.counters.set(k, v);
    for (const hex of this.durable.allowed()) this.apiAllowed.add(hex);
  }

  describe(): string {
    return this.durable ? `${this.durable.engine} ${this.durable.file}` : "memory (counts are lost on exit)";
  }

  /** Counts one finished download (and writes it through to the durable file, when there is one). */
  completed(swarm: string): void {
    const n = (this.counters.get(swarm) ?? 0) + 1;
    this.counters.set(swarm, n);
    this.durable?.completed(swarm);
  }

  allowed(): string[] {
    return [...this.apiAllowed];
  }

  allow(hex: string): void {
    this.apiAllowed.add(hex);
    this.durable?.allow(hex);
  }

  disallow(hex: string): void {
    this.apiAllowed.delete(hex);
    this.durable?.disallow(hex);
  }

  close(): void {
    this.durable?.close();
    this.durable = undefined;
  }

  announce(a: PeerAnnounce): PeerList {
    const width = a.addr.length === 6 ? 6 : 18;
    const stopping = a.event === 3;
    let swarm = this.swarms.get(a.swarm);
    if (swarm === undefined) {
      if (stopping || this.swarms.size >= this.maxSwarms) {
        const completed = a.event === 1;
        if (completed) this.completed(a.swarm);
        const downloaded = this.counters.get(a.swarm) ?? 0;
        return { complete: 0, incomplete: 0, peers4: EMPTY, peers6: EMPTY, completed, downloaded };
      }
      swarm = new Swarm();
      this.swarms.set(a.swarm, swarm);
    }
    const table = width === 6 ? swarm.v4 : swarm.v6;
    // The key binds the peer id to the source IP: a `stopped` from another address cannot remove or move
    // someone else's entry, whatever peer id it claims.
    const probe = table.probe;
    for (let i = 0; i < 20; i++) probe[i] = a.peerId.charCodeAt(i);
    probe.set(a.addr.subarray(0, width - 2), 20);
    const h = hashKey(probe, table.keyWidth);
    let slot = table.find(h);
    let completed = false;
    if (stopping) {
      if (slot !== -1) this.remove(swarm, table, slot);
      if (swarm.size === 0) this.swarms.delete(a.swarm);
      const downloaded = this.counters.get(a.swarm) ?? 0;
      return {
        complete: swarm.seeders,
        incomplete: swarm.leechers,
        peers4: EMPTY,
        peers6: EMPTY,
        completed,
        downloaded,
      };
    }
    const expires = a.now + this.peerTtl;
    if (slot !== -1) {
      table.addr.set(a.addr, slot * width); // the port may have changed
      table.expires[slot] = expires;
      const wasSeed = table.seed[slot] === 1;
      if (a.seeder !== wasSeed) {
        table.seed[slot] = a.seeder ? 1 : 0;
        const d = a.seeder ? 1 : -1;
        swarm.seeders += d;
        swarm.leechers -= d;
        this.seederCount += d;
      }
      completed = a.event === 1 && !wasSeed;
    } else if (swarm.size < this.maxPeersPerSwarm) {
      slot = table.insert(h);
      table.addr.set(a.addr, slot * width);
      table.expires[slot] = expires;
      table.seed[slot] = a.seeder ? 1 : 0;
      if (a.seeder) {
        swarm.seeders++;
        this.seederCount++;
      } else swarm.leechers++;
      this.peerCount++;
      if (width === 18) this.peer6Count++;
      completed = a.event === 1;
    } else {
      completed = a.event === 1;
    }
    if (completed) this.completed(a.swarm);
    // Peers of the asker's own family first; the other family only fills what is left.
    const other = width === 6 ? swarm.v6 : swarm.v4;
    const want1 = Math.min(a.numwant, table.count - (slot !== -1 ? 1 : 0));
    const want2 = Math.min(a.numwant - want1, other.count);
    const ids = a.withPeerIds === true;
    const out1 = this.window(table, slot, want1, ids);
    const out2 = this.window(other, -1, want2, ids);
    const result: PeerList = {
      complete: swarm.seeders,
      incomplete: swarm.leechers,
      peers4: width === 6 ? out1.addr : out2.addr,
      peers6: width === 6 ? out2.addr : out1.addr,
      completed,
      downloaded: this.counters.get(a.swarm) ?? 0,
    };
    if (ids) {
      result.ids4 = width === 6 ? out1.ids : out2.ids;
      result.ids6 = width === 6 ? out2.ids : out1.ids;
    }
    return result;
  }

  counts(swarm: string): SwarmCounts {
    const s = this.swarms.get(swarm);
    return {
      complete: s?.seeders ?? 0,
      incomplete: s?.leechers ?? 0,
      downloaded: this.counters.get(swarm) ?? 0,
    };
  }

  expire(now: number): void {
    for (const [name, swarm] of this.swarms) {
      for (const table of [swarm.v4, swarm.v6]) {
        for (let slot = table.count - 1; slot >= 0; slot--) {
          if (table.expires[slot]! < now) this.remove(swarm, table, slot);
        }
      }
      if (swarm.size === 0) this.swarms.delete(name);
    }
  }

  totals(): StoreTotals {
    return {
      swarms: this.swarms.size,
      peers: this.peerCount,
      seeders: this.seederCount,
      leechers: this.peerCount - this.seederCount,
      peers6: this.peer6Count,
    };
  }

  /**
   * Lists (or refreshes) one peer given as its key (peer id + IP bytes), port and expiry, without the
   * answer `announce` builds; RedisStore's local copies of hot swarms load their snapshots with it.
   */
  insertPeer(swarm: string, key: Uint8Array, port: number, seeder: boolean, expires: number): void {
    const width = key.length === 24 ? 6 : 18;
    let s = this.swarms.get(swarm);
    if (s === undefined) {
      if (this.swarms.size >= this.maxSwarms) return;
      s = new Swarm();
      this.swarms.set(swarm, s);
    }
    const table = width === 6 ? s.v4 : s.v6;
    table.probe.set(key);
    const h = hashKey(table.probe, table.keyWidth);
    let slot = table.find(h);
    if (slot === -1) {
      if (s.size >= this.maxPeersPerSwarm) return;
      slot = table.insert(h);
      table.seed[slot] = 2; // new: counted below
    }
    const base = slot * width;
    table.addr.set(key.subarray(20), base);
    table.addr[base + width - 2] = port >> 8;
    table.addr[base + width - 1] = port & 255;
    table.expires[slot] = expires;
    const was = table.seed[slot]!;
    table.seed[slot] = seeder ? 1 : 0;
    if (was === 2) {
      this.peerCount++;
      if (width === 18) this.peer6Count++;
    } else if (was === 1) {
      s.seeders--;
      this.seederCount--;
    } else s.leechers--;
    if (seeder) {
      s.seeders++;
      this.seederCount++;
    } else s.leechers++;
  }

  /** Drops a swarm and its peers at once (counts kept); RedisStore's local copies of hot swarms use it. */
  forget(swarm: string): void {
    const s = this.swarms.get(swarm);
    if (s === undefined) return;
    this.peerCount -= s.size;
    this.seederCount -= s.seeders;
    this.peer6Count -= s.v6.count;
    this.swarms.delete(swarm);
  }

  /** Number of stored peers in one swarm (both families), for tests and stats. */
  size(swarm: string): number {
    return this.swarms.get(swarm)?.size ?? 0;
  }

  private remove(swarm: Swarm, table: PeerTable, slot: number): void {
    if (table.seed[slot] === 1) {
      swarm.seeders--;
      this.seederCount--;
    } else swarm.leechers--;
    this.peerCount--;
    if (table.width === 18) this.peer6Count--;
    table.remove(slot);
  }

  /** `want` entries from a random start, wrapping, skipping the asker's own slot: at most three copies. */
  private window(
    table: PeerTable,
    self: number,
    want: number,
    collect: boolean,
  ): { addr: Uint8Array; ids: string[] } {
    if (want <= 0) return { addr: EMPTY, ids: [] };
    const w = table.width;
    const n = table.count;
    const out = Buffer.allocUnsafe(want * w);
    const ids: string[] = [];
    let pos = Math.floor(this.random() * n);
    let copied = 0;
    while (copied < want) {
      if (pos === self) pos++;
      if (pos >= n) pos = 0;
      if (pos === self) continue;
      let end = self >= pos ? self : n;
      if (end - pos > want - copied) end = pos + want - copied;
      out.set(table.addr.subarray(pos * w, end * w), copied * w);
      if (collect) for (let s = pos; s < end; s++) ids.push(table.peerId(s));
      copied += end - pos;
      pos = end;
    }
    return { addr: out, ids };
  }
}
