// Load shedding: caps on open connections and on bandwidth, global and per client. Past a cap the
// request gets 503 with Retry-After (never 429): BitTorrent clients back off from a web seed on 503.
import type { Socket } from "node:net";
import { WebseedError } from "./errors.js";

export interface LimitOptions {
  maxConnections?: number;
  maxConnectionsPerClient?: number;
  /** Average bytes per second over all clients. */
  maxBytesPerSecond?: number;
  maxBytesPerSecondPerClient?: number;
  /** Seconds of traffic at the full rate that may be sent at once. Default 2. */
  burstSeconds?: number;
}

/** Throws ERR_WEBSEED_OPTION for a cap that is not a positive number. */
export function validateLimits(options: LimitOptions): void {
  for (const key of [
    "maxConnections",
    "maxConnectionsPerClient",
    "maxBytesPerSecond",
    "maxBytesPerSecondPerClient",
    "burstSeconds",
  ] as const) {
    const value = options[key];
    if (value !== undefined && (!Number.isFinite(value) || value <= 0)) {
      throw new WebseedError("ERR_WEBSEED_OPTION", `${key} must be a positive number, got ${value}`);
    }
  }
}

/** A token bucket that may go into debt by one request: a range larger than the burst still goes out. */
class Bucket {
  tokens: number;
  updated: number;
  constructor(
    readonly rate: number,
    readonly capacity: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updated = now;
  }

  refill(now: number): void {
    const elapsed = (now - this.updated) / 1000;
    if (elapsed > 0) {
      this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.rate);
      this.updated = now;
    }
  }

  /** Seconds until this bucket has credit again, 0 when it has credit now. */
  wait(): number {
    return this.tokens > 0 ? 0 : Math.max(1, Math.ceil(-this.tokens / this.rate));
  }
}

interface SocketState {
  client: string;
  /** This socket came in over a connection cap: every request on it is shed and the socket closed. */
  shed: boolean;
}

export class Limiter {
  private readonly options: LimitOptions;
  private readonly sockets = new WeakMap<Socket, SocketState>();
  private connections = 0;
  private readonly perClientConnections = new Map<string, number>();
  private readonly global?: Bucket;
  private readonly perClient = new Map<string, Bucket>();
  private lastSweep = 0;
  readonly active: boolean;

  constructor(options: LimitOptions) {
    this.options = options;
    const now = Date.now();
    const burst = options.burstSeconds ?? 2;
    if (options.maxBytesPerSecond) {
      this.global = new Bucket(options.maxBytesPerSecond, options.maxBytesPerSecond * burst, now);
    }
    this.active = Boolean(
      options.maxConnections ||
        options.maxConnectionsPerClient ||
        options.maxBytesPerSecond ||
        options.maxBytesPerSecondPerClient,
    );
  }

  /** Registers the socket on its first request; returns Retry-After seconds when the socket is over a cap. */
  admitSocket(socket: Socket, client: string): number {
    let state = this.sockets.get(socket);
    if (!state) {
      const { maxConnections, maxConnectionsPerClient } = this.options;
      const mine = this.perClientConnections.get(client) ?? 0;
      const shed =
        (maxConnections !== undefined && this.connections >= maxConnections) ||
        (maxConnectionsPerClient !== undefined && mine >= maxConnectionsPerClient);
      state = { client, shed };
      this.sockets.set(socket, state);
      if (!shed) {
        this.connections++;
        this.perClientConnections.set(client, mine + 1);
        socket.once("close", () => {
          this.connections--;
          const left = (this.perClientConnections.get(client) ?? 1) - 1;
          if (left <= 0) this.perClientConnections.delete(client);
          else this.perClientConnections.set(client, left);
        });
      }
    }
    return state.shed ? 1 : 0;
  }

  /** Charges `bytes` to the buckets; returns Retry-After seconds (and charges nothing) when one is in debt. */
  admitBytes(client: string, bytes: number, now: number): number {
    const global = this.global;
    let mine: Bucket | undefined;
    const rate = this.options.maxBytesPerSecondPerClient;
    if (rate) {
      mine = this.perClient.get(client);
      if (!mine) {
        this.sweep(now);
        mine = new Bucket(rate, rate * (this.options.burstSeconds ?? 2), now);
        this.perClient.set(client, mine);
      }
      mine.refill(now);
    }
    global?.refill(now);
    const wait = Math.max(global?.wait() ?? 0, mine?.wait() ?? 0);
    if (wait > 0) return wait;
    if (global) global.tokens -= bytes;
    if (mine) mine.tokens -= bytes;
    return 0;
  }

  get openConnections(): number {
    return this.connections;
  }

  /** Drops full buckets of clients that went quiet, so the map stays as small as the set of active clients. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 10_000) return;
    this.lastSweep = now;
    for (const [client, bucket] of this.perClient) {
      bucket.refill(now);
      if (bucket.tokens >= bucket.capacity) this.perClient.delete(client);
    }
  }
}
