// The protocol-independent tracker: allowlist, rate limit, swarm store, counters and metrics. The HTTP,
// UDP and WebSocket front ends parse their wire format into an AnnounceInput and format what comes back.
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { isIP } from "node:net";
import { Allowlist, hexToKey, keyToHex } from "./allowlist.js";
import type { DurableEngine } from "./durable.js";
import { RequestError, TrackerError } from "./errors.js";
import { RateLimiter, type RateLimitOptions } from "./rate-limit.js";
import {
  type AnnounceEvent,
  MemoryStore,
  type PeerList,
  type StoreTotals,
  type SwarmCounts,
  type SwarmStore,
} from "./store.js";
import { torrentHashes } from "./torrent-hashes.js";

export interface TrackerOptions {
  /** Info hashes to answer for: 40-hex (v1) or 64-hex (v2) strings. */
  allow?: Iterable<string>;
  /** Folders of .torrent files (watched), .torrent files, or text files of hex hashes. */
  allowPaths?: string[];
  /** Also allow any hash this returns true for (gets lowercase hex). */
  allowFunction?: (infoHashHex: string) => boolean;
  /** Answer for every info hash. Default false: the allowlist decides. */
  open?: boolean;
  /** Seconds between announces asked of clients. Default 1800. */
  interval?: number;
  /** Seconds a client must wait before announcing again on its own. Default 300. */
  minInterval?: number;
  /** Peers returned when the client does not say. Default 50. */
  defaultNumwant?: number;
  /** Most peers returned in one answer. Default 200. */
  maxNumwant?: number;
  /** Peers stored per swarm at most. Default 100000. */
  maxPeersPerSwarm?: number;
  /** Swarms stored at most. Default 100000. */
  maxSwarms?: number;
  /** Per-IP rate limit on announces and scrapes, or false to turn it off. Default {burst: 60, perSecond: 5}. */
  rateLimit?: RateLimitOptions | false;
  /** Proxy addresses whose X-Forwarded-For is believed. Default none. */
  trustProxy?: string[];
  /**
   * File keeping completed counts and API-allowed hashes for the in-memory store: SQLite when the
   * optional better-sqlite3 is installed, else a pure-JS journal. Default none (memory only).
   */
  db?: string;
  /** Format of `db`: "auto" (an existing file keeps its format; new files SQLite when available), "sqlite", "journal". */
  dbEngine?: DurableEngine;
  /**
   * Where peers, counts and the API allowlist live: a SwarmStore, or a `redis://host:port/db` URL for a
   * RedisStore shared by many processes. Default a MemoryStore.
   */
  store?: SwarmStore | string;
  /** Sent as `tracker id` in HTTP answers. Default 8 random hex chars. */
  trackerId?: string;
  /** Most info hashes in one scrape. Default 100. */
  maxScrape?: number;
  /**
   * Called with every warning (a broken .torrent in a watched folder, a failed db write), from the
   * first scan of `allowPaths` on. The same errors are also emitted as "warning" events.
   */
  onWarning?: (error: Error) => void;
  /**
   * Key of the UDP connection ids. Processes that share a UDP port (--workers) must share it, or a
   * connection id one process gave is refused by the next. Default random per process.
   */
  udpSecret?: string;
  /** Clock in milliseconds, for tests. Default Date.now. */
  clock?: () => number;
}

export interface AnnounceInput {
  /** Requested info hash: 20 bytes as latin1. */
  infoHash: string;
  /** 20 bytes as latin1. */
  peerId: string;
  /** Client address (text, normalized) used for the rate limit and the peer entry. */
  ip: string;
  /** Compact address of the peer (ip bytes + port). */
  addr: Buffer;
  left: number;
  event: AnnounceEvent;
  /** As asked; negative = not given. */
  numwant: number;
  withPeerIds?: boolean;
}

export interface AnnounceOutput extends PeerList {
  downloaded: number;
  interval: number;
  minInterval: number;
}

export interface ScrapeEntry {
  /** Requested info hash, latin1. */
  infoHash: string;
  complete: number;
  incomplete: number;
  downloaded: number;
}

export type Protocol = "http" | "udp" | "ws";

export interface TrackerMetrics {
  announces: Record<Protocol, number>;
  scrapes: Record<Protocol, number>;
  failures: Map<string, number>;
  rateLimited: number;
  completed: number;
  startedAt: number;
}

export class Tracker extends EventEmitter {
  readonly allowlist = new Allowlist();
  readonly interval: number;
  readonly minInterval: number;
  readonly trackerId: string;
  readonly trustProxy: ReadonlySet<string>;
  readonly open: boolean;
  readonly clock: () => number;
  readonly metrics: TrackerMetrics;
  readonly udpSecret?: string;
  private readonly defaultNumwant: number;
  private readonly maxNumwant: number;
  private readonly maxScrape: number;
  private readonly limiter?: RateLimiter;
  private readonly options: TrackerOptions;
  private swarmStore?: SwarmStore;
  private sweepTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(options: TrackerOptions = {}) {
    super();
    this.options = options;
    const positive = (name: keyof TrackerOptions, value: number | undefined, fallback: number) => {
      const v = value ?? fallback;
      if (!Number.isInteger(v) || v < 1)
        throw new TrackerError("ERR_TRACKER_OPTION", `${name} must be a positive integer, got ${v}`);
      return v;
    };
    this.interval = positive("interval", options.interval, 1800);
    this.minInterval = Math.min(positive("minInterval", options.minInterval, 300), this.interval);
    this.defaultNumwant = positive("defaultNumwant", options.defaultNumwant, 50);
    this.maxNumwant = positive("maxNumwant", options.maxNumwant, 200);
    this.maxScrape = positive("maxScrape", options.maxScrape, 100);
    this.open = options.open ?? false;
    this.clock = options.clock ?? Date.now;
    this.udpSecret = options.udpSecret;
    this.trackerId = options.trackerId ?? randomBytes(4).toString("hex");
    this.trustProxy = new Set(options.trustProxy ?? []);
    const limits = {
      peerTtl: this.interval * 2,
      maxPeersPerSwarm: positive("maxPeersPerSwarm", options.maxPeersPerSwarm, 100_000),
      maxSwarms: positive("maxSwarms", options.maxSwarms, 100_000),
    };
    if (options.store !== undefined && options.db !== undefined)
      throw new TrackerError(
        "ERR_TRACKER_OPTION",
        "db is for the in-memory store; a shared store keeps its own counts",
      );
    if (options.store === undefined)
      this.swarmStore = new MemoryStore({ ...limits, db: options.db, dbEngine: options.dbEngine });
    else if (typeof options.store !== "string") this.swarmStore = options.store;
    this.storeLimits = limits;
    if (options.rateLimit !== false) this.limiter = new RateLimiter(options.rateLimit);
    this.metrics = {
      announces: { http: 0, udp: 0, ws: 0 },
      scrapes: { http: 0, udp: 0, ws: 0 },
      failures: new Map(),
      rateLimited: 0,
      completed: 0,
      startedAt: this.clock(),
    };
    if (options.allow) this.allowlist.addHex(options.allow, "option");
    if (options.allowFunction) this.allowlist.predicate = options.allowFunction;
    if (options.onWarning) this.on("warning", options.onWarning);
    this.allowlist.on("warning", (e) => this.emit("warning", e));
    this.sweepTimer = setInterval(() => this.sweep(), Math.min(this.interval * 250, 60_000));
    this.sweepTimer.unref();
  }

  private readonly storeLimits: { peerTtl: number; maxPeersPerSwarm: number; maxSwarms: number };
  private opened?: Promise<void>;

  /** The swarm store (for a `redis://` URL, there once `ready()` has run). */
  get store(): SwarmStore {
    if (this.swarmStore === undefined)
      throw new TrackerError("ERR_TRACKER_OPTION", "the store is opened by ready(); call it first");
    return this.swarmStore;
  }

  /** Opens the store (durable counts, API allowlist) and loads `allowPaths`; call once before serving. */
  async ready(): Promise<this> {
    this.opened ??= this.openStore();
    await this.opened;
    return this;
  }

  private async openStore(): Promise<void> {
    if (typeof this.options.store === "string") {
      const { RedisStore } = await import("./redis-store.js");
      const store = new RedisStore({ url: this.options.store, ...this.storeLimits });
      store.on("warning", (e: Error) => this.emit("warning", e));
      // Started while Redis was down: the hashes allowed through the API arrive once it is up.
      store.on("up", () => void this.loadApiAllowed());
      this.swarmStore = store;
    }
    await this.store.open?.();
    await this.loadApiAllowed();
    for (const p of this.options.allowPaths ?? []) await this.allowlist.addPath(p);
  }

  private async loadApiAllowed(): Promise<void> {
    try {
      this.allowlist.addHex(await this.store.allowed(), "api");
    } catch (error) {
      if ((error as TrackerError).code !== "ERR_TRACKER_STORE") throw error;
      this.emit("warning", new Error("tracker storage unavailable: API-allowed hashes not loaded yet"));
    }
  }

  /** Allows info hashes at run time (40- or 64-hex); kept by the store (durable with a db or Redis). */
  async allow(...hexes: string[]): Promise<void> {
    this.allowlist.addHex(hexes, "api");
    for (const h of hexes) await this.store.allow(h.trim().toLowerCase());
  }

  async disallow(...hexes: string[]): Promise<void> {
    for (const h of hexes) {
      this.allowlist.removeHex(h, "api");
      await this.store.disallow(h.trim().toLowerCase());
    }
  }

  /** Allows the v1 and v2 hashes of .torrent bytes as one swarm; returns the hex hashes. */
  allowTorrent(bytes: Uint8Array, source = "api-torrent"): string[] {
    return this.allowlist.addTorrent(torrentHashes(bytes), source).map(keyToHex);
  }

  /** The client address for a request from `remote`, believing X-Forwarded-For only from trusted proxies. */
  clientIp(remote: string, forwardedFor: string | string[] | undefined): string {
    if (forwardedFor === undefined || this.trustProxy.size === 0 || !this.trustProxy.has(remote))
      return remote;
    const list = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor).split(",");
    // Walk from the right: the rightmost entry was written by our proxy; skip further trusted proxies.
    for (let i = list.length - 1; i >= 0; i--) {
      const candidate = normalizeForwarded(list[i]!);
      if (candidate === undefined) return remote;
      if (!this.trustProxy.has(candidate)) return candidate;
    }
    return remote;
  }

  /** Takes one request from `ip`'s rate budget; false (and counted) when it is over. */
  take(ip: string): boolean {
    if (this.limiter === undefined || this.limiter.take(ip, this.clock())) return true;
    this.metrics.rateLimited++;
    return false;
  }

  /** Checks the rate limit; throws RequestError when over. */
  admit(ip: string): void {
    if (!this.take(ip)) throw new RequestError("rate limit exceeded, retry later");
  }

  /** The one allow rule: canonical swarm key of a requested hash, or undefined when it is not served. */
  lookup(infoHash: string): string | undefined {
    const key = this.allowlist.resolve(infoHash);
    return key ?? (this.open ? infoHash : undefined);
  }

  /** Canonical swarm key of an allowed hash; throws RequestError otherwise. */
  resolve(infoHash: string): string {
    const key = this.lookup(infoHash);
    if (key === undefined) throw new RequestError("info_hash is not served by this tracker");
    return key;
  }

  numwant(asked: number): number {
    if (asked < 0) return this.defaultNumwant;
    return Math.min(asked, this.maxNumwant);
  }

  announce(input: AnnounceInput, protocol: Protocol): AnnounceOutput | Promise<AnnounceOutput> {
    const swarm = this.resolve(input.infoHash);
    this.metrics.announces[protocol]++;
    const result = this.store.announce({
      swarm,
      peerId: input.peerId,
      addr: input.addr,
      seeder: input.left === 0,
      event: input.event,
      numwant: input.event === 3 ? 0 : this.numwant(input.numwant),
      now: Math.floor(this.clock() / 1000),
      withPeerIds: input.withPeerIds,
    });
    if (result instanceof Promise) return result.then((r) => this.finish(swarm, r));
    return this.finish(swarm, result);
  }

  /** Counts one finished download seen outside an announce to the store (a WebSocket peer's). */
  async countCompleted(swarm: string): Promise<void> {
    this.metrics.completed++;
    try {
      await this.store.completed(swarm);
    } catch (error) {
      this.emit("warning", error);
    }
  }

  /**
   * The WebSocket peers of a swarm in this process, for a store that does not hold them itself (the
   * in-memory store); a shared store counts every process's WebSocket peers in its own counts.
   */
  private localWs?: (swarm: string) => { seeders: number; peers: number };

  /** Called by the WebSocket tracker: its peers join the swarm's counts on every protocol. */
  countWebSocketPeers(counts: (swarm: string) => { seeders: number; peers: number }): void {
    if (this.store.signals === undefined) this.localWs = counts;
  }

  /** Adds this process's WebSocket peers to counts from a store that does not hold them. */
  private addWs<T extends { complete: number; incomplete: number }>(swarm: string, c: T): T {
    if (this.localWs === undefined) return c;
    const ws = this.localWs(swarm);
    c.complete += ws.seeders;
    c.incomplete += ws.peers - ws.seeders;
    return c;
  }

  /** A swarm's counts over every protocol. */
  counts(swarm: string): SwarmCounts | Promise<SwarmCounts> {
    const c = this.store.counts(swarm);
    return c instanceof Promise ? c.then((v) => this.addWs(swarm, v)) : this.addWs(swarm, c);
  }

  private finish(swarm: string, r: PeerList): AnnounceOutput {
    this.addWs(swarm, r);
    if (r.completed) this.metrics.completed++;
    if (!(this.store instanceof MemoryStore)) this.lastDownloaded.set(swarm, r.downloaded);
    const out = r as AnnounceOutput;
    out.interval = this.interval;
    out.minInterval = this.minInterval;
    return out;
  }

  /** Counts for each requested hash; hashes not allowed are left out. */
  async scrape(infoHashes: string[], protocol: Protocol): Promise<ScrapeEntry[]> {
    const swarms = this.scrapeSwarms(infoHashes, protocol);
    const out: ScrapeEntry[] = [];
    for (const [infoHash, swarm] of swarms) out.push({ infoHash, ...(await this.counts(swarm)) });
    return out;
  }

  /** Same as scrape, but synchronous when the store is (the UDP and HTTP fast paths use it). */
  scrapeSync(infoHashes: string[], protocol: Protocol): ScrapeEntry[] | undefined {
    if (!(this.store instanceof MemoryStore)) return undefined;
    const swarms = this.scrapeSwarms(infoHashes, protocol);
    const out: ScrapeEntry[] = [];
    for (const [infoHash, swarm] of swarms) out.push({ infoHash, ...(this.counts(swarm) as SwarmCounts) });
    return out;
  }

  private scrapeSwarms(infoHashes: string[], protocol: Protocol): [string, string][] {
    if (infoHashes.length > this.maxScrape)
      throw new RequestError(`too many info_hash values (most ${this.maxScrape})`);
    this.metrics.scrapes[protocol]++;
    const out: [string, string][] = [];
    for (const infoHash of infoHashes) {
      const swarm = this.lookup(infoHash);
      if (swarm !== undefined) out.push([infoHash, swarm]);
    }
    return out;
  }

  /** Counts a refused request by its reason (for /metrics). */
  fail(reason: string): void {
    const key = reason.replace(/ \(.*$/, "");
    this.metrics.failures.set(key, (this.metrics.failures.get(key) ?? 0) + 1);
  }

  /** Expires peers now (also runs on a timer). */
  sweep(): void | Promise<void> {
    const now = this.clock();
    this.limiter?.sweep(now);
    return this.swarmStore?.expire(Math.floor(now / 1000));
  }

  private readonly lastDownloaded = new Map<string, number>();
  private lastTotals: StoreTotals = { swarms: 0, peers: 0, seeders: 0, leechers: 0, peers6: 0 };

  /**
   * Completed count of a hash (hex), for stats: exact with the in-memory store; with a shared store the
   * last count seen in an announce or scrape answer of this process.
   */
  downloads(hex: string): number {
    const key = hexToKey(hex);
    const swarm = key && this.lookup(key);
    if (!swarm) return 0;
    const counts = this.store.counts(swarm);
    if (counts instanceof Promise) {
      counts.then(
        (c) => this.lastDownloaded.set(swarm, c.downloaded),
        () => undefined,
      );
      return this.lastDownloaded.get(swarm) ?? 0;
    }
    return counts.downloaded;
  }

  /** Store totals now (in-memory store) or as last read (a shared store; a fresh read is started). */
  totals(): StoreTotals {
    const t = this.store.available?.() === false ? undefined : this.store.totals();
    if (t instanceof Promise) {
      t.then(
        (v) => {
          this.lastTotals = v;
        },
        () => undefined,
      );
      return this.lastTotals;
    }
    if (t !== undefined) this.lastTotals = t;
    return this.lastTotals;
  }

  get rateLimitTracked(): number {
    return this.limiter?.tracked ?? 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    this.allowlist.close();
    await this.swarmStore?.close?.();
  }
}

function normalizeForwarded(entry: string): string | undefined {
  let text = entry.trim();
  // "[2001:db8::1]:1234" and "1.2.3.4:5678" forms some proxies write.
  if (text.startsWith("[")) text = text.slice(1, text.indexOf("]"));
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(text)) text = text.slice(0, text.indexOf(":"));
  if (text.startsWith("::ffff:") && text.includes(".")) text = text.slice(7);
  return isIP(text) !== 0 ? text : undefined;
}
