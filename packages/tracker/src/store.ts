// The swarm store interface and the default in-memory store. Peers of a swarm live in dense typed arrays
// of compact entries (6 bytes IPv4, 18 bytes IPv6), so an answer is one or two bulk copies of a random
// window and a peer costs ~100-150 bytes of heap instead of an object per peer.

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
  /** True when this announce was a peer's first `completed` (the download counter should go up). */
  completed: boolean;
}

export interface SwarmCounts {
  complete: number;
  incomplete: number;
}

export interface StoreTotals {
  swarms: number;
  peers: number;
  seeders: number;
  leechers: number;
  peers6: number;
}

/**
 * What the tracker needs from a place that keeps peers. Methods may answer synchronously (the in-memory
 * store, the fast path) or with a Promise (a shared store such as Redis); the tracker handles both.
 */
export interface SwarmStore {
  announce(request: PeerAnnounce): PeerList | Promise<PeerList>;
  counts(swarm: string): SwarmCounts | undefined | Promise<SwarmCounts | undefined>;
  /** Drops peers whose time ran out and frees swarms left empty. */
  expire(now: number): void | Promise<void>;
  totals(): StoreTotals;
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
}

const EMPTY = new Uint8Array(0);

/** One address family of a swarm: dense arrays, `count` live slots, swap-remove on delete. */
class PeerTable {
  count = 0;
  addr: Uint8Array;
  expires: Uint32Array;
  seed: Uint8Array;
  keys: string[] = [];
  constructor(readonly width: 6 | 18) {
    this.addr = new Uint8Array(width * 4);
    this.expires = new Uint32Array(4);
    this.seed = new Uint8Array(4);
  }
  resize(capacity: number): void {
    const addr = new Uint8Array(this.width * capacity);
    addr.set(this.addr.subarray(0, this.count * this.width));
    const expires = new Uint32Array(capacity);
    expires.set(this.expires.subarray(0, this.count));
    const seed = new Uint8Array(capacity);
    seed.set(this.seed.subarray(0, this.count));
    this.addr = addr;
    this.expires = expires;
    this.seed = seed;
  }
}

class Swarm {
  readonly index = new Map<string, number>();
  readonly v4 = new PeerTable(6);
  readonly v6 = new PeerTable(18);
  seeders = 0;
  leechers = 0;
}

export class MemoryStore implements SwarmStore {
  private readonly swarms = new Map<string, Swarm>();
  private readonly peerTtl: number;
  private readonly maxPeersPerSwarm: number;
  private readonly maxSwarms: number;
  private readonly random: () => number;
  private peerCount = 0;
  private seederCount = 0;
  private peer6Count = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.peerTtl = options.peerTtl ?? 3600;
    this.maxPeersPerSwarm = options.maxPeersPerSwarm ?? 100_000;
    this.maxSwarms = options.maxSwarms ?? 100_000;
    this.random = options.random ?? Math.random;
  }

  announce(a: PeerAnnounce): PeerList {
    const width = a.addr.length === 6 ? 6 : 18;
    // The key binds the peer id to the source IP: a `stopped` from another address cannot remove or move
    // someone else's entry, whatever peer id it claims.
    const key = a.peerId + a.addr.toString("latin1", 0, width - 2);
    let swarm = this.swarms.get(a.swarm);
    const stopping = a.event === 3;
    if (swarm === undefined) {
      if (stopping || this.swarms.size >= this.maxSwarms) {
        return { complete: 0, incomplete: 0, peers4: EMPTY, peers6: EMPTY, completed: false };
      }
      swarm = new Swarm();
      this.swarms.set(a.swarm, swarm);
    }
    const found = swarm.index.get(key);
    let completed = false;
    let selfSlot = -1;
    let selfTable: PeerTable | undefined;
    if (stopping) {
      if (found !== undefined) this.remove(swarm, found);
      if (swarm.index.size === 0) this.swarms.delete(a.swarm);
      return { complete: swarm.seeders, incomplete: swarm.leechers, peers4: EMPTY, peers6: EMPTY, completed };
    }
    const expires = a.now + this.peerTtl;
    if (found !== undefined) {
      const table = found & 1 ? swarm.v6 : swarm.v4;
      const slot = found >>> 1;
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
      selfSlot = slot;
      selfTable = table;
    } else if (swarm.index.size < this.maxPeersPerSwarm) {
      const table = width === 6 ? swarm.v4 : swarm.v6;
      if (table.count === table.expires.length) table.resize(table.count * 2);
      const slot = table.count++;
      table.addr.set(a.addr, slot * width);
      table.expires[slot] = expires;
      table.seed[slot] = a.seeder ? 1 : 0;
      table.keys.push(key);
      swarm.index.set(key, (slot << 1) | (width === 6 ? 0 : 1));
      if (a.seeder) {
        swarm.seeders++;
        this.seederCount++;
      } else swarm.leechers++;
      this.peerCount++;
      if (width === 18) this.peer6Count++;
      completed = a.event === 1;
      selfSlot = slot;
      selfTable = table;
    } else {
      completed = a.event === 1;
    }
    // Peers of the asker's own family first; the other family only fills what is left.
    const first = width === 6 ? swarm.v4 : swarm.v6;
    const second = width === 6 ? swarm.v6 : swarm.v4;
    const firstSelf = selfTable === first ? selfSlot : -1;
    const secondSelf = selfTable === second ? selfSlot : -1;
    const want1 = Math.min(a.numwant, first.count - (firstSelf >= 0 ? 1 : 0));
    const want2 = Math.min(a.numwant - want1, second.count - (secondSelf >= 0 ? 1 : 0));
    const ids = a.withPeerIds === true;
    const out1 = this.window(first, firstSelf, want1, ids);
    const out2 = this.window(second, secondSelf, want2, ids);
    const result: PeerList = {
      complete: swarm.seeders,
      incomplete: swarm.leechers,
      peers4: width === 6 ? out1.addr : out2.addr,
      peers6: width === 6 ? out2.addr : out1.addr,
      completed,
    };
    if (a.withPeerIds) {
      result.ids4 = width === 6 ? this.ids(first, out1.slots) : this.ids(second, out2.slots);
      result.ids6 = width === 6 ? this.ids(second, out2.slots) : this.ids(first, out1.slots);
    }
    return result;
  }

  counts(swarm: string): SwarmCounts | undefined {
    const s = this.swarms.get(swarm);
    return s && { complete: s.seeders, incomplete: s.leechers };
  }

  expire(now: number): void {
    for (const [name, swarm] of this.swarms) {
      for (const table of [swarm.v4, swarm.v6]) {
        const fam = table === swarm.v4 ? 0 : 1;
        for (let slot = table.count - 1; slot >= 0; slot--) {
          if (table.expires[slot]! < now) this.remove(swarm, (slot << 1) | fam);
        }
      }
      if (swarm.index.size === 0) this.swarms.delete(name);
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

  /** Number of stored peers in one swarm (both families), for tests and stats. */
  size(swarm: string): number {
    return this.swarms.get(swarm)?.index.size ?? 0;
  }

  private remove(swarm: Swarm, ref: number): void {
    const table = ref & 1 ? swarm.v6 : swarm.v4;
    const slot = ref >>> 1;
    const w = table.width;
    swarm.index.delete(table.keys[slot]!);
    if (table.seed[slot] === 1) {
      swarm.seeders--;
      this.seederCount--;
    } else swarm.leechers--;
    this.peerCount--;
    if (w === 18) this.peer6Count--;
    const last = table.count - 1;
    if (slot !== last) {
      table.addr.copyWithin(slot * w, last * w, last * w + w);
      table.expires[slot] = table.expires[last]!;
      table.seed[slot] = table.seed[last]!;
      const moved = table.keys[last]!;
      table.keys[slot] = moved;
      swarm.index.set(moved, (slot << 1) | (ref & 1));
    }
    table.keys.pop();
    table.count = last;
    if (table.expires.length > 16 && table.count < table.expires.length / 4)
      table.resize(table.expires.length / 2);
  }

  /** `want` entries from a random start, wrapping, skipping the asker's own slot: at most three copies. */
  private window(
    table: PeerTable,
    self: number,
    want: number,
    collect: boolean,
  ): { addr: Uint8Array; slots: number[] } {
    if (want <= 0) return { addr: EMPTY, slots: [] };
    const w = table.width;
    const n = table.count;
    const out = Buffer.allocUnsafe(want * w);
    const slots: number[] = [];
    let pos = Math.floor(this.random() * n);
    let copied = 0;
    while (copied < want) {
      if (pos === self) pos++;
      if (pos >= n) pos = 0;
      if (pos === self) continue;
      let end = self >= pos ? self : n;
      if (end - pos > want - copied) end = pos + want - copied;
      out.set(table.addr.subarray(pos * w, end * w), copied * w);
      if (collect) for (let s = pos; s < end; s++) slots.push(s);
      copied += end - pos;
      pos = end;
    }
    return { addr: out, slots };
  }

  private ids(table: PeerTable, slots: number[]): string[] {
    return slots.map((s) => table.keys[s]!.slice(0, 20));
  }
}
