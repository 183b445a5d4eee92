// RedisStore: the swarm store shared by many tracker processes (and hosts) through one Redis (7.0+).
// Every announce, scrape and sweep is one Lua script (one round trip, atomic); the completed counters
// and the API allowlist live in Redis too, so they are as durable as Redis is (AOF). While Redis cannot
// be reached every call fails fast with "tracker storage unavailable" (no offline queue, no hang), the
// client reconnects on its own, and `available()` says so for /metrics.
import { createHash, randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { createClient, RESP_TYPES } from "redis";
import { storageUnavailable } from "./errors.js";
import { SwarmReplicas } from "./redis-replica.js";
import { ANNOUNCE, CLAIM, COUNTS, RELEASE, SWEEP, WS_JOIN, WS_LEAVE } from "./redis-scripts.js";
import type {
  PeerAnnounce,
  PeerList,
  SignalBus,
  SignalMessage,
  StoreTotals,
  SwarmCounts,
  SwarmStore,
  WsAddress,
} from "./store.js";

export interface RedisStoreOptions {
  /** `redis://[user:password@]host:port/db`. */
  url: string;
  /** Prefix of every key, so several trackers can share one Redis database. Default "sp:". */
  prefix?: string;
  /** Seconds a peer stays listed after its last announce. Default 3600. */
  peerTtl?: number;
  /** New peers beyond this many in one swarm are answered but not stored. Default 100000. */
  maxPeersPerSwarm?: number;
  /** Accepted for symmetry with MemoryStore; Redis memory is the limit. */
  maxSwarms?: number;
  /** A call that takes longer fails as "tracker storage unavailable". Default 2000 ms. */
  timeoutMs?: number;
  /**
   * Milliseconds a process answers a swarm's announces from its own copy of the swarm's peers before it
   * fetches a fresh one (writes and counts always go to Redis at once). Peers announced to other
   * processes show up in this one's answers at most this late. Default 1000.
   */
  peerCacheMs?: number;
}

type Reply = number | Buffer | Reply[] | null;

interface Waiter {
  resolve: (w: Written) => void;
  reject: (e: unknown) => void;
  snapshot: boolean;
}

/** One announce's outcome in Redis; `snapshot` when one was asked for (see ANNOUNCE). */
interface Written {
  complete: number;
  incomplete: number;
  downloaded: number;
  completed: boolean;
  snapshot?: Buffer[];
}
const BUFFERS = { [RESP_TYPES.BLOB_STRING]: Buffer, [RESP_TYPES.SIMPLE_STRING]: Buffer } as const;
// Replies as Buffers; no per-command timeout from the client (it makes an AbortSignal and a timer for
// every command, a fifth of an announce's CPU): the store's shared deadline below does that job.
const COMMAND = { typeMapping: BUFFERS, timeout: 0 };
const EMPTY = new Uint8Array(0);
/** Announces per script run at most (ARGV stays far below Lua's stack limit). */
const MAX_BATCH = 16;

interface Script {
  source: string;
  sha: string;
}

function script(source: string): Script {
  return { source, sha: createHash("sha1").update(source).digest("hex") };
}

const SCRIPTS = { announce: script(ANNOUNCE), counts: script(COUNTS), sweep: script(SWEEP) };

export class RedisStore extends EventEmitter implements SwarmStore, SignalBus {
  private readonly client;
  private subscriber?: { destroy(): void };
  private readonly signalHandlers: ((m: SignalMessage) => void)[] = [];
  /** This process, in WebSocket addresses and its signal channel. */
  readonly node = randomBytes(4).toString("hex");
  readonly signals: SignalBus = this;
  private readonly prefix: string;
  private readonly peerTtl: number;
  private readonly maxPeers: number;
  private readonly timeoutMs: number;
  private readonly replicas: SwarmReplicas;
  private up = false;
  private closed = false;
  private readonly url: string;

  constructor(options: RedisStoreOptions) {
    super();
    this.url = options.url;
    this.prefix = options.prefix ?? "sp:";
    this.peerTtl = options.peerTtl ?? 3600;
    this.maxPeers = options.maxPeersPerSwarm ?? 100_000;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.replicas = new SwarmReplicas({
      ttlMs: options.peerCacheMs ?? 1000,
      peerTtl: this.peerTtl,
      maxSwarms: 4096,
      maxPeers: 1000,
    });
    this.client = createClient({
      url: options.url,
      // Fail at once while disconnected: an announce must not wait for Redis to come back.
      disableOfflineQueue: true,
      socket: {
        connectTimeout: this.timeoutMs,
        reconnectStrategy: (retries: number) => Math.min(100 * 2 ** Math.min(retries, 5), 2000),
      },
    });
    this.client.on("ready", () => {
      const was = this.up;
      this.up = true;
      this.warned = false;
      if (!was) this.emit("up");
    });
    this.client.on("error", (error: Error) => {
      // One warning per outage, not one per reconnect attempt.
      if (this.up || !this.warned) this.emit("warning", new Error(`redis ${this.url}: ${error.message}`));
      this.warned = true;
      this.up = false;
    });
    this.client.on("end", () => {
      this.up = false;
    });
  }

  private warned = false;

  /** Connects (waiting at most a few seconds: a tracker starts even while Redis is down, and retries). */
  async open(): Promise<void> {
    const connecting = this.client.connect().then(
      () => undefined,
      (error: Error) => this.emit("warning", new Error(`redis ${this.url}: ${error.message}`)),
    );
    await Promise.race([connecting, new Promise((r) => setTimeout(r, this.timeoutMs).unref())]);
  }

  // WebSocket peers of every process: per swarm a sorted set of node(4) + conn(4) + peer id(20) bytes,
  // scored by expiry; signals go to the owning process's channel.

  private wsMember(peer: WsAddress): Buffer {
    const m = Buffer.allocUnsafe(28);
    m.write(peer.node, 0, "hex");
    m.writeUInt32BE(peer.conn >>> 0, 4);
    m.write(peer.peerId, 8, "latin1");
    return m;
  }

  // `w` lists every WebSocket peer of a swarm, `wS` its seeders (same members and scores): the swarm's
  // counts add them to the HTTP and UDP peers (the scripts read both), on every process.
  async wsJoin(swarm: string, peer: WsAddress, expires: number, seeder: boolean): Promise<void> {
    const member = this.wsMember(peer);
    await this.send([
      "EVAL",
      WS_JOIN,
      "2",
      this.key("w", swarm),
      this.key("wS", swarm),
      String(expires),
      member,
      seeder ? "1" : "0",
    ]);
  }

  async wsLeave(swarm: string, peer: WsAddress): Promise<void> {
    const member = this.wsMember(peer);
    await this.send(["EVAL", WS_LEAVE, "2", this.key("w", swarm), this.key("wS", swarm), member]);
  }

  // One key per swarm + peer_id, holding the owning node + connection, expiring with the peer's
  // lifetime: a second connection claiming a live peer_id is refused on every process.
  private claimKey(swarm: string, peerId: string): Buffer {
    return Buffer.concat([this.key("c", swarm), Buffer.from(peerId, "latin1")]);
  }

  async wsClaim(swarm: string, peer: WsAddress, ttl: number): Promise<boolean> {
    const owner = this.wsMember(peer).subarray(0, 8);
    const r = await this.send(["EVAL", CLAIM, "1", this.claimKey(swarm, peer.peerId), owner, String(ttl)]);
    return r === 1;
  }

  async wsRelease(swarm: string, peer: WsAddress): Promise<void> {
    const owner = this.wsMember(peer).subarray(0, 8);
    await this.send(["EVAL", RELEASE, "1", this.claimKey(swarm, peer.peerId), owner]);
  }

  async wsSample(swarm: string, n: number, except: WsAddress, now: number): Promise<WsAddress[]> {
    const key = this.key("w", swarm);
    // Expired entries (a process killed without leaving) go first; then a random few beyond the asker.
    await this.send(["ZREMRANGEBYSCORE", key, "-inf", `(${now}`]);
    const r = (await this.send(["ZRANDMEMBER", key, String(n + 1)])) as Buffer[];
    const out: WsAddress[] = [];
    for (const m of r) {
      const peer = {
        node: m.toString("hex", 0, 4),
        conn: m.readUInt32BE(4),
        peerId: m.toString("latin1", 8, 28),
      };
      if (peer.node === except.node && peer.conn === except.conn) continue;
      if (out.length < n) out.push(peer);
    }
    return out;
  }

  async publish(node: string, message: SignalMessage): Promise<void> {
    await this.send(["PUBLISH", `${this.prefix}sig:${node}`, JSON.stringify(message)]);
  }

  onSignal(handler: (message: SignalMessage) => void): void {
    this.signalHandlers.push(handler);
    if (this.subscriber) return;
    const sub = this.client.duplicate();
    this.subscriber = sub;
    sub.on("error", () => undefined); // the main client reports outages
    void sub
      .connect()
      .then(() =>
        sub.subscribe(`${this.prefix}sig:${this.node}`, (text: string) => {
          let message: SignalMessage;
          try {
            message = JSON.parse(text) as SignalMessage;
          } catch {
            return;
          }
          for (const h of this.signalHandlers) h(message);
        }),
      )
      .catch((error: Error) =>
        this.emit("warning", new Error(`redis ${this.url} (signals): ${error.message}`)),
      );
  }

  available(): boolean {
    return this.up;
  }

  describe(): string {
    return `redis ${this.url.replace(/\/\/[^@/]*@/, "//***@")}`;
  }

  /** done, idx, totals: the keys every announce touches besides its swarm's. */
  private get globalKeys(): Buffer[] {
    this.globals ??= [this.key("done"), this.key("idx"), this.key("totals")];
    return this.globals;
  }

  private globals?: Buffer[];

  private key(kind: string, swarm?: string): Buffer {
    const head = Buffer.from(`${this.prefix}${kind}`, "latin1");
    return swarm === undefined ? head : Buffer.concat([head, Buffer.from(`:${swarm}`, "latin1")]);
  }

  /** One command with the store's failure rule: down or slow → "tracker storage unavailable". */
  private async send(args: (string | Buffer)[]): Promise<Reply> {
    if (!this.up || this.closed) throw storageUnavailable();
    try {
      return await Promise.race([this.client.sendCommand<Reply>(args, COMMAND), this.deadline()]);
    } catch (error) {
      if ((error as Error).message?.startsWith("NOSCRIPT")) throw error;
      if ((error as { code?: string }).code === "ERR_TRACKER_STORE") throw error;
      throw storageUnavailable(error);
    }
  }

  private deadlineAt = 0;
  private deadlinePromise?: Promise<never>;

  /**
   * A promise that rejects `timeoutMs` (plus up to 100 ms) from now. Commands sent in the same 100 ms
   * share one, so a busy tracker runs ten timers a second, not one per announce.
   */
  private deadline(): Promise<never> {
    const now = Date.now();
    if (this.deadlinePromise === undefined || now - this.deadlineAt > 100) {
      this.deadlineAt = now;
      const p = new Promise<never>((_, reject) => {
        setTimeout(
          () => reject(storageUnavailable(new Error("redis timed out"))),
          this.timeoutMs + 100,
        ).unref();
      });
      p.catch(() => undefined); // a deadline nobody lost to is not an unhandled rejection
      this.deadlinePromise = p;
    }
    return this.deadlinePromise;
  }

  private async run(s: Script, keys: Buffer[], argv: (string | Buffer)[]): Promise<Reply> {
    const n = String(keys.length);
    try {
      return await this.send(["EVALSHA", s.sha, n, ...keys, ...argv]);
    } catch (error) {
      if (!(error as Error).message?.startsWith("NOSCRIPT")) throw error;
      return this.send(["EVAL", s.source, n, ...keys, ...argv]);
    }
  }

  /**
   * Writes the announce to Redis (one script run) and answers with Redis's counts and peers picked from
   * this process's copy of the swarm, fetching a fresh snapshot in the same run when the copy is stale.
   */
  async announce(a: PeerAnnounce): Promise<PeerList> {
    const now = Date.now();
    const replicas = this.replicas;
    if (replicas.fresh(a.swarm, now)) return this.answer(a, await this.write(a, 0));
    const pending = replicas.pending(a.swarm);
    if (pending) {
      const counts = await this.write(a, 0);
      await pending.catch(() => undefined);
      return this.answer(a, counts);
    }
    const written = this.write(a, replicas.snapshotSize(a.swarm, a.numwant));
    replicas.track(a.swarm, written);
    const r = await written;
    replicas.load(a.swarm, r.snapshot!, now);
    return this.answer(a, r);
  }

  /**
   * Queues the announce for the next batch; with `snapshot` > 0 its reply also carries the swarm's peers.
   * Announces of one event-loop turn go to Redis as one script run: per announce that saves Redis a
   * command and a Lua set-up, and this process a command to encode and a reply to route.
   */
  private write(a: PeerAnnounce, snapshot: number): Promise<Written> {
    if (!this.up || this.closed) return Promise.reject(storageUnavailable());
    const v6 = a.addr.length === 18;
    const ip = v6 ? 16 : 4;
    // The batch layout of redis-scripts.ts's ANNOUNCE.
    const entry = Buffer.allocUnsafe(31 + 20 + ip);
    entry[0] = a.seeder ? 1 : 0;
    entry[1] = v6 ? 1 : 0;
    entry[2] = a.event;
    entry.writeUInt16BE(snapshot, 3);
    entry.writeUInt32BE(a.now >>> 0, 5);
    entry.writeUInt16BE(a.addr.readUInt16BE(ip), 9);
    entry.write(a.swarm, 11, "latin1");
    entry.write(a.peerId, 31, "latin1");
    a.addr.copy(entry, 51, 0, ip);
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject, snapshot: snapshot > 0 };
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => {
          this.flushing = false;
          this.flush();
        });
      }
      this.queued.push(entry);
      this.waiting.push(waiter);
      if (this.waiting.length >= MAX_BATCH) this.flush();
    });
  }

  private flushing = false;
  private queued: Buffer[] = [];
  private waiting: Waiter[] = [];

  private flush(): void {
    if (this.waiting.length === 0) return;
    const [queued, waiting] = [this.queued, this.waiting];
    this.queued = [];
    this.waiting = [];
    this.sendBatch(queued, waiting);
  }

  /** One script run for a batch of packed announces. */
  private sendBatch(queued: Buffer[], waiting: Waiter[]): void {
    const argv = [String(this.peerTtl), String(this.maxPeers), this.prefix, Buffer.concat(queued)];
    this.run(SCRIPTS.announce, this.globalKeys, argv).then(
      (reply) => {
        const [counts, ...snapshots] = reply as Buffer[];
        let next = 0;
        for (let i = 0; i < waiting.length; i++) {
          const at = i * 13;
          const w = waiting[i]!;
          const snapshot = w.snapshot ? snapshots.slice(next, next + 8) : undefined;
          if (snapshot) next += 8;
          w.resolve({
            complete: counts!.readUInt32BE(at),
            incomplete: counts!.readUInt32BE(at + 4),
            downloaded: counts!.readUInt32BE(at + 8),
            completed: counts![at + 12] === 1,
            snapshot,
          });
        }
      },
      (error) => {
        for (const w of waiting) w.reject(error);
      },
    );
  }

  private answer(a: PeerAnnounce, r: Written): PeerList {
    const picked = this.replicas.answer(a);
    const result: PeerList = {
      complete: r.complete,
      incomplete: r.incomplete,
      downloaded: r.downloaded,
      completed: r.completed,
      peers4: picked?.peers4 ?? EMPTY,
      peers6: picked?.peers6 ?? EMPTY,
    };
    if (a.withPeerIds) {
      result.ids4 = picked?.ids4 ?? [];
      result.ids6 = picked?.ids6 ?? [];
    }
    return result;
  }

  async counts(swarm: string): Promise<SwarmCounts> {
    const keys = [
      this.key("s4", swarm),
      this.key("l4", swarm),
      this.key("s6", swarm),
      this.key("l6", swarm),
      this.key("done"),
      this.key("w", swarm),
      this.key("wS", swarm),
    ];
    const now = String(Math.floor(Date.now() / 1000));
    const r = (await this.run(SCRIPTS.counts, keys, [Buffer.from(swarm, "latin1"), now])) as number[];
    return { complete: r[0]!, incomplete: r[1]!, downloaded: r[2]! };
  }

  async completed(swarm: string): Promise<void> {
    await this.send(["HINCRBY", this.key("done"), Buffer.from(swarm, "latin1"), "1"]);
  }

  async allowed(): Promise<string[]> {
    const r = (await this.send(["SMEMBERS", this.key("allow")])) as Buffer[];
    return r.map((b) => b.toString("latin1"));
  }

  async allow(hex: string): Promise<void> {
    await this.send(["SADD", this.key("allow"), hex]);
  }

  async disallow(hex: string): Promise<void> {
    await this.send(["SREM", this.key("allow"), hex]);
  }

  /** Expires what is due; several processes may sweep at once (each script run is atomic). */
  async expire(now: number): Promise<void> {
    this.replicas.prune(Date.now());
    if (!this.up) return;
    try {
      for (let round = 0; round < 100; round++) {
        const visited = (await this.run(
          SCRIPTS.sweep,
          [this.key("idx"), this.key("totals")],
          [String(now), "200", this.prefix],
        )) as number;
        if (visited < 200) return;
      }
    } catch (error) {
      this.emit("warning", error);
    }
  }

  async totals(): Promise<StoreTotals> {
    const [t, swarms] = await Promise.all([
      this.send(["HMGET", this.key("totals"), "peers", "seeders", "peers6"]) as Promise<(Buffer | null)[]>,
      this.send(["ZCARD", this.key("idx")]) as Promise<number>,
    ]);
    const n = (b: Buffer | null | undefined) => Number(b?.toString() ?? 0);
    const peers = n(t[0]);
    const seeders = n(t[1]);
    return { swarms, peers, seeders, leechers: peers - seeders, peers6: n(t[2]) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.up = false;
    this.subscriber?.destroy();
    // A graceful close waits for replies; while Redis is unreachable there may be none coming.
    const graceful = this.client.isOpen ? this.client.close().catch(() => undefined) : Promise.resolve();
    await Promise.race([graceful, new Promise((r) => setTimeout(r, 1000).unref())]);
    if (this.client.isOpen) this.client.destroy();
  }
}
