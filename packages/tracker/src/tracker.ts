// The protocol-independent tracker: allowlist, rate limit, swarm store, counters and metrics. The HTTP,
// UDP and WebSocket front ends parse their wire format into an AnnounceInput and format what comes back.
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { isIP } from "node:net";
import { Allowlist, hexToKey, keyToHex } from "./allowlist.js";
import { TrackerDb } from "./db.js";
import { RequestError, TrackerError } from "./errors.js";
import { RateLimiter, type RateLimitOptions } from "./rate-limit.js";
import { type AnnounceEvent, MemoryStore, type PeerList, type SwarmStore } from "./store.js";
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
  /** SQLite file for completed counters and API-allowed hashes. Default none (memory only). */
  db?: string;
  /** Where peers live. Default a MemoryStore. */
  store?: SwarmStore;
  /** Sent as `tracker id` in HTTP answers. Default 8 random hex chars. */
  trackerId?: string;
  /** Most info hashes in one scrape. Default 100. */
  maxScrape?: number;
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
  udpConnects: number;
  udpBadPackets: number;
  wsConnections: number;
  wsRelayedOffers: number;
  wsRelayedAnswers: number;
  wsRejectedAnswers: number;
  completed: number;
  startedAt: number;
}

export class Tracker extends EventEmitter {
  readonly allowlist = new Allowlist();
  readonly store: SwarmStore;
  readonly interval: number;
  readonly minInterval: number;
  readonly trackerId: string;
  readonly trustProxy: ReadonlySet<string>;
  readonly open: boolean;
  readonly clock: () => number;
  readonly metrics: TrackerMetrics;
  private readonly defaultNumwant: number;
  private readonly maxNumwant: number;
  private readonly maxScrape: number;
  private readonly limiter?: RateLimiter;
  private readonly counters = new Map<string, number>();
  private readonly db?: TrackerDb;
  private readonly options: TrackerOptions;
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
    this.trackerId = options.trackerId ?? randomBytes(4).toString("hex");
    this.trustProxy = new Set(options.trustProxy ?? []);
    this.store =
      options.store ??
      new MemoryStore({
        peerTtl: this.interval * 2,
        maxPeersPerSwarm: positive("maxPeersPerSwarm", options.maxPeersPerSwarm, 100_000),
        maxSwarms: positive("maxSwarms", options.maxSwarms, 100_000),
      });
    if (options.rateLimit !== false) this.limiter = new RateLimiter(options.rateLimit);
    this.metrics = {
      announces: { http: 0, udp: 0, ws: 0 },
      scrapes: { http: 0, udp: 0, ws: 0 },
      failures: new Map(),
      rateLimited: 0,
      udpConnects: 0,
      udpBadPackets: 0,
      wsConnections: 0,
      wsRelayedOffers: 0,
      wsRelayedAnswers: 0,
      wsRejectedAnswers: 0,
      completed: 0,
      startedAt: this.clock(),
    };
    if (options.allow) this.allowlist.addHex(options.allow, "option");
    if (options.allowFunction) this.allowlist.predicate = options.allowFunction;
    if (options.db) {
      this.db = new TrackerDb(options.db);
      for (const [k, v] of this.db.counters()) this.counters.set(k, v);
      this.allowlist.addHex(this.db.allowed(), "api");
    }
    this.allowlist.on("warning", (e) => this.emit("warning", e));
    this.sweepTimer = setInterval(() => this.sweep(), Math.min(this.interval * 250, 60_000));
    this.sweepTimer.unref();
  }

  /** Loads `allowPaths`; call once before serving (startTracker does). */
  async ready(): Promise<this> {
    for (const p of this.options.allowPaths ?? []) await this.allowlist.addPath(p);
    return this;
  }

  /** Allows info hashes at run time (40- or 64-hex); persisted when a db is set. */
  allow(...hexes: string[]): void {
    this.allowlist.addHex(hexes, "api");
    for (const h of hexes) this.db?.allow(h.trim().toLowerCase());
  }

  disallow(...hexes: string[]): void {
    for (const h of hexes) {
      this.allowlist.removeHex(h, "api");
      this.db?.disallow(h.trim().toLowerCase());
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

  /** Canonical swarm key of an allowed hash; throws RequestError otherwise. */
  resolve(infoHash: string): string {
    if (this.open) return this.allowlist.resolve(infoHash) ?? infoHash;
    const key = this.allowlist.resolve(infoHash);
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

  /** Counts one finished download of a swarm (in memory, and in SQLite when there is a db). */
  countCompleted(swarm: string): void {
    this.counters.set(swarm, (this.counters.get(swarm) ?? 0) + 1);
    this.metrics.completed++;
    try {
      this.db?.completed(swarm);
    } catch (error) {
      this.emit("warning", error);
    }
  }

  private finish(swarm: string, r: PeerList): AnnounceOutput {
    if (r.completed) this.countCompleted(swarm);
    const out = r as AnnounceOutput;
    out.downloaded = this.counters.get(swarm) ?? 0;
    out.interval = this.interval;
    out.minInterval = this.minInterval;
    return out;
  }

  /** Counts for each requested hash; hashes not allowed are left out. */
  async scrape(infoHashes: string[], protocol: Protocol): Promise<ScrapeEntry[]> {
    if (infoHashes.length > this.maxScrape)
      throw new RequestError(`too many info_hash values (most ${this.maxScrape})`);
    this.metrics.scrapes[protocol]++;
    const out: ScrapeEntry[] = [];
    for (const infoHash of infoHashes) {
      const swarm = this.open
        ? (this.allowlist.resolve(infoHash) ?? infoHash)
        : this.allowlist.resolve(infoHash);
      if (swarm === undefined) continue;
      const counts = await this.store.counts(swarm);
      out.push({
        infoHash,
        complete: counts?.complete ?? 0,
        incomplete: counts?.incomplete ?? 0,
        downloaded: this.counters.get(swarm) ?? 0,
      });
    }
    return out;
  }

  /** Same as scrape, but synchronous when the store is (the UDP and HTTP fast paths use it). */
  scrapeSync(infoHashes: string[], protocol: Protocol): ScrapeEntry[] | undefined {
    if (infoHashes.length > this.maxScrape)
      throw new RequestError(`too many info_hash values (most ${this.maxScrape})`);
    const out: ScrapeEntry[] = [];
    for (const infoHash of infoHashes) {
      const swarm = this.open
        ? (this.allowlist.resolve(infoHash) ?? infoHash)
        : this.allowlist.resolve(infoHash);
      if (swarm === undefined) continue;
      const counts = this.store.counts(swarm);
      if (counts instanceof Promise) return undefined;
      out.push({
        infoHash,
        complete: counts?.complete ?? 0,
        incomplete: counts?.incomplete ?? 0,
        downloaded: this.counters.get(swarm) ?? 0,
      });
    }
    this.metrics.scrapes[protocol]++;
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
    return this.store.expire(Math.floor(now / 1000));
  }

  /** Completed count of a hash (hex), for tests and stats. */
  downloads(hex: string): number {
    const key = hexToKey(hex);
    const swarm = key && this.allowlist.resolve(key);
    return (swarm && this.counters.get(swarm)) || 0;
  }

  countersByHex(): Map<string, number> {
    return new Map([...this.counters].map(([k, v]) => [keyToHex(k), v]));
  }

  get rateLimitTracked(): number {
    return this.limiter?.tracked ?? 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    this.allowlist.close();
    await this.store.close?.();
    this.db?.close();
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
