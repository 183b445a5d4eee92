// Load shedding and pacing: caps on open connections (past one, 503 with Retry-After, never 429:
// BitTorrent clients back off from a web seed on 503), bandwidth caps, global and per client, that pace
// responses instead of refusing them (see pacer.ts), and the timeouts that close connections which send
// nothing.
import type { Server } from "node:http";
import type { Socket } from "node:net";
import { WebseedError } from "./errors.js";
import { Pacer } from "./pacer.js";

export interface LimitOptions {
  /** Open connections over all clients (counted from accept when attached). Default 1024; Infinity: none. */
  maxConnections?: number;
  /** Open connections per client. Default 64; Infinity: none. */
  maxConnectionsPerClient?: number;
  /** Average bytes per second over all clients; responses past it are sent slowly (paced), never refused. */
  maxBytesPerSecond?: number;
  /** The same, per client. */
  maxBytesPerSecondPerClient?: number;
  /** Seconds of traffic at the full rate that may be sent at once. Default 2. */
  burstSeconds?: number;
  /** Milliseconds a connection may take to send a complete request head (the first and every later one). Default 15000. */
  headersTimeout?: number;
  /** Milliseconds a connection may go without any traffic either way, in the middle of a response too. Default 60000. */
  idleTimeout?: number;
}

export const DEFAULT_MAX_CONNECTIONS = 1024;
export const DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 64;
const DEFAULT_HEADERS_TIMEOUT = 15_000;
const DEFAULT_IDLE_TIMEOUT = 60_000;
/** A connection refused at accept is closed this long after its 503, whatever the client does. */
const REFUSED_LINGER_MS = 2000;

/** Throws ERR_WEBSEED_OPTION for a cap or timeout that is not a positive number. */
export function validateLimits(options: LimitOptions): void {
  for (const key of [
    "maxConnections",
    "maxConnectionsPerClient",
    "maxBytesPerSecond",
    "maxBytesPerSecondPerClient",
    "burstSeconds",
    "headersTimeout",
    "idleTimeout",
  ] as const) {
    const value = options[key];
    const unlimited = value === Number.POSITIVE_INFINITY && key.startsWith("maxConnections");
    if (value !== undefined && !unlimited && (!Number.isFinite(value) || value <= 0)) {
      throw new WebseedError("ERR_WEBSEED_OPTION", `${key} must be a positive number, got ${value}`);
    }
  }
}

interface SocketState {
  /** Every request on it is shed and the socket closed. */
  shed: boolean;
  /** The client it is counted under per client, once it is. */
  client?: string;
  /** Closes it if no request head arrives in time (set at accept, cleared by the first request). */
  timer?: NodeJS.Timeout;
}

export interface LimiterHooks {
  /** Whether the per-client key is the remote address, known at accept (no custom clientKey). */
  keyedByAddress: boolean;
  /** Raw bytes of the 503 a connection refused at accept gets. */
  refusal: string;
  /** Called for each connection shed at accept. */
  onShed(): void;
}

export class Limiter {
  private readonly options: LimitOptions;
  private readonly sockets = new WeakMap<Socket, SocketState>();
  private readonly servers = new WeakSet<Server>();
  private connections = 0;
  private readonly perClientConnections = new Map<string, number>();
  private readonly global?: Pacer;
  private readonly perClient = new Map<string, Pacer>();
  private readonly maxConnections: number;
  private readonly maxPerClient: number;
  private lastSweep = 0;

  constructor(
    options: LimitOptions,
    private readonly hooks: LimiterHooks,
  ) {
    this.options = options;
    this.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    this.maxPerClient = options.maxConnectionsPerClient ?? DEFAULT_MAX_CONNECTIONS_PER_CLIENT;
    const burst = options.burstSeconds ?? 2;
    if (options.maxBytesPerSecond) {
      this.global = new Pacer(options.maxBytesPerSecond, options.maxBytesPerSecond * burst);
    }
  }

  /**
   * Counts the server's connections from accept, so half-open ones count toward the caps; refuses those over
   * a cap at once; closes a connection that sends no request head within `headersTimeout`, or no traffic
   * within `idleTimeout`. Node's own headersTimeout covers every later request on the connection.
   */
  attach(server: Server): void {
    if (this.servers.has(server)) return;
    this.servers.add(server);
    const headersTimeout = this.options.headersTimeout ?? DEFAULT_HEADERS_TIMEOUT;
    server.headersTimeout = headersTimeout;
    server.requestTimeout = headersTimeout * 2;
    server.timeout = this.options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT;
    server.on("connection", (socket: Socket) => this.accept(socket, headersTimeout));
  }

  private accept(socket: Socket, headersTimeout: number): void {
    const client = this.hooks.keyedByAddress ? (socket.remoteAddress ?? "") : undefined;
    if (this.over(client)) {
      this.sockets.set(socket, { shed: true });
      this.hooks.onShed();
      // Read nothing more from it (Node's parser stops with the socket), answer, and close it soon even if
      // the client never reads the answer or closes its side.
      socket.pause();
      socket.end(this.hooks.refusal);
      setTimeout(() => socket.destroy(), REFUSED_LINGER_MS).unref();
      return;
    }
    const state = this.count(socket, client);
    state.timer = setTimeout(() => socket.destroy(), headersTimeout).unref();
  }

  /** Whether one more connection (of `client`, when known) is over a cap. */
  private over(client: string | undefined): boolean {
    if (this.connections >= this.maxConnections) return true;
    return client !== undefined && (this.perClientConnections.get(client) ?? 0) >= this.maxPerClient;
  }

  private count(socket: Socket, client: string | undefined): SocketState {
    const state: SocketState = { shed: false };
    this.sockets.set(socket, state);
    this.connections++;
    if (client !== undefined) this.countClient(state, client);
    socket.once("close", () => {
      if (state.timer) clearTimeout(state.timer);
      this.connections--;
      if (state.client === undefined) return;
      const left = (this.perClientConnections.get(state.client) ?? 1) - 1;
      if (left <= 0) this.perClientConnections.delete(state.client);
      else this.perClientConnections.set(state.client, left);
    });
    return state;
  }

  private countClient(state: SocketState, client: string): void {
    state.client = client;
    this.perClientConnections.set(client, (this.perClientConnections.get(client) ?? 0) + 1);
  }

  /**
   * On each request: returns Retry-After seconds when its connection is over a cap. A connection of a
   * server that was not attached is counted here, on its first request.
   */
  admitSocket(socket: Socket, client: string): number {
    let state = this.sockets.get(socket);
    if (!state) {
      if (this.over(client)) {
        this.sockets.set(socket, { shed: true });
        return 1;
      }
      state = this.count(socket, client);
    }
    if (state.timer) {
      clearTimeout(state.timer);
      state.timer = undefined;
    }
    if (!state.shed && state.client === undefined) {
      // Counted at accept, but its client key (say a proxy's X-Forwarded-For) is known only now.
      if ((this.perClientConnections.get(client) ?? 0) >= this.maxPerClient) state.shed = true;
      else this.countClient(state, client);
    }
    return state.shed ? 1 : 0;
  }

  /** The bandwidth caps' pacers a response of `client` waits on, narrowest first. Empty: no cap. */
  pacers(client: string): Pacer[] {
    const out: Pacer[] = [];
    const rate = this.options.maxBytesPerSecondPerClient;
    if (rate) {
      let mine = this.perClient.get(client);
      if (!mine) {
        this.sweep(Date.now());
        mine = new Pacer(rate, rate * (this.options.burstSeconds ?? 2));
        this.perClient.set(client, mine);
      }
      out.push(mine);
    }
    if (this.global) out.push(this.global);
    return out;
  }

  get openConnections(): number {
    return this.connections;
  }

  /** Drops idle pacers of clients that went quiet, so the maps stay as small as the set of active clients. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 10_000) return;
    this.lastSweep = now;
    for (const [client, pacer] of this.perClient) if (pacer.idle()) this.perClient.delete(client);
  }
}
