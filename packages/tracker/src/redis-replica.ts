// Local copies of hot swarms for RedisStore. Every write and every count goes to Redis at once; only the
// peer sample in an answer comes from a copy of the swarm this process fetched from Redis at most
// `ttlMs` ago, kept up to date with this process's own announces. A busy swarm then costs Redis one
// snapshot per process per `ttlMs` instead of one sample per announce (the sample was ~80 % of Redis's
// CPU per announce), and the answers are picked by the same code as the in-memory store's.
import { MemoryStore, type PeerAnnounce, type PeerList } from "./store.js";

const M = 65536;

/**
 * Reads comma-separated scores one by one. They are integers below 2^53 that Redis writes in decimal; a
 * token in another notation (a Redis that writes "1.2e+14") is handed to Number().
 */
function scoreReader(text: Buffer): () => number {
  let at = 0;
  return () => {
    const start = at;
    let n = 0;
    let plain = true;
    for (; at < text.length && text[at] !== 44; at++) {
      const digit = text[at]! - 48;
      if (digit < 0 || digit > 9) plain = false;
      n = n * 10 + digit;
    }
    at++;
    return plain ? n : Number(text.toString("latin1", start, at - 1));
  };
}

export interface ReplicaOptions {
  /** How long a copy is used before it is fetched again. */
  ttlMs: number;
  /** Seconds a peer stays listed (the store's). */
  peerTtl: number;
  /** Swarms kept (the least recently fetched dropped first). */
  maxSwarms: number;
  /** Peers kept per copy. */
  maxPeers: number;
}

interface Copy {
  fetchedAt: number;
  /** Announces answered from it: a busy swarm gets a bigger snapshot next time. */
  uses: number;
}

export class SwarmReplicas {
  private readonly peers: MemoryStore;
  private readonly copies = new Map<string, Copy>();
  /** Snapshots on their way, by swarm: announces meanwhile wait for it instead of asking again. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(private readonly options: ReplicaOptions) {
    this.peers = new MemoryStore({
      peerTtl: options.peerTtl,
      maxPeersPerSwarm: options.maxPeers,
      maxSwarms: options.maxSwarms + 1,
    });
  }

  /** True when announces of `swarm` can be answered from the copy. */
  fresh(swarm: string, now: number): boolean {
    const copy = this.copies.get(swarm);
    return copy !== undefined && now - copy.fetchedAt < this.options.ttlMs;
  }

  pending(swarm: string): Promise<unknown> | undefined {
    return this.inFlight.get(swarm);
  }

  /** Snapshot size to ask for: enough for every announce the copy will answer, within the cap. */
  snapshotSize(swarm: string, numwant: number): number {
    const uses = this.copies.get(swarm)?.uses ?? 0;
    return Math.min(this.options.maxPeers, Math.max(numwant, 50) * (uses + 2));
  }

  track(swarm: string, snapshot: Promise<unknown>): void {
    this.inFlight.set(swarm, snapshot);
    const done = () => {
      if (this.inFlight.get(swarm) === snapshot) this.inFlight.delete(swarm);
    };
    snapshot.then(done, done);
  }

  /**
   * Replaces the copy of `swarm` with a snapshot: for each of seeders4, leechers4, seeders6, leechers6,
   * the members concatenated (peer id + IP bytes each) and their scores (expiry × 65536 + port) joined
   * by commas.
   */
  load(swarm: string, sets: Buffer[], now: number): void {
    this.peers.forget(swarm);
    this.copies.delete(swarm);
    if (this.copies.size >= this.options.maxSwarms) {
      const oldest = this.copies.keys().next().value!;
      this.copies.delete(oldest);
      this.peers.forget(oldest);
    }
    this.copies.set(swarm, { fetchedAt: now, uses: 0 });
    for (let set = 0; set < 4; set++) {
      const members = sets[2 * set]!;
      const scores = sets[2 * set + 1]!;
      const width = set < 2 ? 24 : 36;
      const next = scoreReader(scores);
      for (let k = 0; k + width <= members.length; k += width) {
        const score = next();
        const key = members.subarray(k, k + width);
        this.peers.insertPeer(swarm, key, score % M, set % 2 === 0, Math.floor(score / M));
      }
    }
  }

  /** Applies this process's announce to the copy (if there is one) and picks its answer from it. */
  answer(a: PeerAnnounce): Pick<PeerList, "peers4" | "peers6" | "ids4" | "ids6"> | undefined {
    const copy = this.copies.get(a.swarm);
    if (copy === undefined) return undefined;
    copy.uses++;
    // A `completed` is counted in Redis, not in the copy.
    const r = this.peers.announce(a.event === 1 ? { ...a, event: 0 } : a);
    return { peers4: r.peers4, peers6: r.peers6, ids4: r.ids4, ids6: r.ids6 };
  }

  /** Drops copies too old to be used again (called by the store's sweep). */
  prune(now: number): void {
    for (const [swarm, copy] of this.copies) {
      if (now - copy.fetchedAt < this.options.ttlMs) continue;
      this.copies.delete(swarm);
      this.peers.forget(swarm);
    }
  }
}
