// RedisStore: the swarm store shared by many tracker processes (and hosts) through one Redis (7.0+).
// Every announce, scrape and sweep is one Lua script (one round trip, atomic); the completed counters
// and the API allowlist live in Redis too, so they are as durable as Redis is (AOF). While Redis cannot
// be reached every call fails fast with "tracker storage unavailable" (no offline queue, no hang), the
// client reconnects on its own, and `available()` says so for /metrics.
import { createHash } from "node:crypto";
import { EventEmitter } from "node:events";
import { createClient, RESP_TYPES } from "redis";
import { storageUnavailable } from "./errors.js";
import { ANNOUNCE, COUNTS, SWEEP } from "./redis-scripts.js";
import type { PeerAnnounce, PeerList, StoreTotals, SwarmCounts, SwarmStore } from "./store.js";

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
}

type Reply = number | Buffer | Reply[] | null;
const BUFFERS = { [RESP_TYPES.BLOB_STRING]: Buffer, [RESP_TYPES.SIMPLE_STRING]: Buffer } as const;
const EMPTY = new Uint8Array(0);

interface Script {
  source: string;
  sha: string;
}

function script(source: string): Script {
  return { source, sha: createHash("sha1").update(source).digest("hex") };
}

const SCRIPTS = { announce: script(ANNOUNCE), counts: script(COUNTS), sweep: script(SWEEP) };

export class RedisStore extends EventEmitter implements SwarmStore {
  private readonly client;
  private readonly prefix: string;
  private readonly peerTtl: number;
  private readonly maxPeers: number;
  private readonly timeoutMs: number;
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
      if (!this.up) this.emit("up");
      this.up = true;
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

  available(): boolean {
    return this.up;
  }

  describe(): string {
    return `redis ${this.url.replace(/\/\/[^@/]*@/, "//***@")}`;
  }

  private key(kind: string, swarm?: string): Buffer {
    const head = Buffer.from(`${this.prefix}${kind}`, "latin1");
    return swarm === undefined ? head : Buffer.concat([head, Buffer.from(`:${swarm}`, "latin1")]);
  }

  /** One command with the store's failure rule: down or slow → "tracker storage unavailable". */
  private async send(args: (string | Buffer)[]): Promise<Reply> {
    if (!this.up || this.closed) throw storageUnavailable();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(storageUnavailable(new Error("redis timed out"))), this.timeoutMs);
    });
    try {
      return await Promise.race([this.client.sendCommand<Reply>(args, { typeMapping: BUFFERS }), timeout]);
    } catch (error) {
      if ((error as Error).message?.startsWith("NOSCRIPT")) throw error;
      if ((error as { code?: string }).code === "ERR_TRACKER_STORE") throw error;
      throw storageUnavailable(error);
    } finally {
      clearTimeout(timer);
    }
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

  async announce(a: PeerAnnounce): Promise<PeerList> {
    const v6 = a.addr.length === 18;
    const width = v6 ? 18 : 6;
    const [own, other] = v6 ? ["6", "4"] : ["4", "6"];
    const member = Buffer.concat([Buffer.from(a.peerId, "latin1"), a.addr.subarray(0, width - 2)]);
    const keys = [
      this.key(`s${own}`, a.swarm),
      this.key(`l${own}`, a.swarm),
      this.key(`s${other}`, a.swarm),
      this.key(`l${other}`, a.swarm),
      this.key("done"),
      this.key("idx"),
      this.key("totals"),
    ];
    const port = a.addr.readUInt16BE(width - 2);
    const argv = [
      Buffer.from(a.swarm, "latin1"),
      member,
      String(port),
      a.seeder ? "1" : "0",
      String(a.event),
      String(a.numwant),
      String(a.now),
      String(this.peerTtl),
      String(this.maxPeers),
      a.withPeerIds ? "1" : "0",
      v6 ? "1" : "0",
      Math.random().toFixed(6),
      Math.random().toFixed(6),
    ];
    const r = (await this.run(SCRIPTS.announce, keys, argv)) as [
      number,
      number,
      number,
      number,
      Buffer,
      Buffer,
      Buffer,
      Buffer,
    ];
    const ownPeers = r[4];
    const otherPeers = r[5];
    const result: PeerList = {
      complete: r[0],
      incomplete: r[1],
      downloaded: r[2],
      completed: r[3] === 1,
      peers4: v6 ? otherPeers : ownPeers,
      peers6: v6 ? ownPeers : otherPeers,
    };
    if (a.withPeerIds) {
      const ids = (b: Buffer) =>
        Array.from({ length: b.length / 20 }, (_, i) => b.toString("latin1", i * 20, i * 20 + 20));
      result.ids4 = ids(v6 ? r[7] : r[6]);
      result.ids6 = ids(v6 ? r[6] : r[7]);
    }
    if (result.peers4.length === 0) result.peers4 = EMPTY;
    if (result.peers6.length === 0) result.peers6 = EMPTY;
    return result;
  }

  async counts(swarm: string): Promise<SwarmCounts> {
    const keys = [
      this.key("s4", swarm),
      this.key("l4", swarm),
      this.key("s6", swarm),
      this.key("l6", swarm),
      this.key("done"),
    ];
    const r = (await this.run(SCRIPTS.counts, keys, [Buffer.from(swarm, "latin1")])) as number[];
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
    try {
      if (this.client.isOpen) await this.client.close();
      else this.client.destroy();
    } catch {
      this.client.destroy();
    }
  }
}
