// The swarm-aware origin ("web-seed super-seeding", after BEP 16): while a torrent's swarm is small the
// origin serves freely; once other peers are there, each piece leaves the origin about `copies` times and
// repeat requests for it get 503 + Retry-After, so clients take it from the peers that already have it.
// A client is never stranded: one refused for `maxWait` seconds is served its next request.
import type { PolicyDecision, PolicyRequest } from "@seedpress/webseed";
import type { OriginLedger, TorrentLedger } from "./origin-ledger.js";

export type { PolicyDecision, PolicyRequest };

export interface OffloadOptions {
  /**
   * Swarms with fewer peers than this (seeders + leechers, the asker included) are served freely: a client
   * refused with few peers may be left with none (libtorrent 2.0 then never asks the web seed again). Default 3.
   */
  minPeers?: number;
  /** Live holders a piece needs (clients the origin gave it to, still around) before repeats are shed. Default 1. */
  copies?: number;
  /** Seconds sent in Retry-After when a request is shed. Default 5. */
  retryAfter?: number;
  /**
   * A client refused this many seconds ago is served its next request. Default 25: libtorrent 2.0 comes
   * back ~30 s after a 503 whatever Retry-After says, so each of its refusals is followed by a served request.
   */
  maxWait?: number;
  /**
   * A holder counts as live while it asked the origin anything in the last this many seconds (a client
   * still downloading asks again at the latest ~30 s after a refusal). Default 35.
   */
  liveWindow?: number;
  /**
   * Refusal episodes (refused requests until the next served one) one client may have for one torrent,
   * after which it is always served. Default 1: libtorrent 2.0.8 comes back ~30 s after
   * a first refusal while it has peers, but gave up on a web seed that refused it again (and on one that
   * refused it while it had no peer) in every run here.
   */
  maxRefusals?: number;
  /**
   * Seconds before the asker's arrival within which other arrivals count as its peers-to-be (see the
   * refusal rule). Default 10.
   */
  youngWindow?: number;
  /** Clients remembered (the least recently seen forgotten first). Default 10000. */
  maxClients?: number;
}

export interface SwarmCounts {
  seeders: number;
  leechers: number;
  completed: number;
}

export interface PolicyDeps {
  ledger: OriginLedger;
  /** The tracker's view of a torrent's swarm; undefined when unknown (then the origin serves). */
  swarm: (ledger: TorrentLedger) => SwarmCounts | undefined;
  /** Milliseconds. Default Date.now. */
  clock?: () => number;
}

const SERVE: PolicyDecision = { serve: true };

export function resolveOffload(options: OffloadOptions = {}): Required<OffloadOptions> {
  const retryAfter = options.retryAfter ?? 5;
  return {
    minPeers: options.minPeers ?? 3,
    copies: options.copies ?? 1,
    retryAfter,
    maxWait: options.maxWait ?? 25,
    liveWindow: options.liveWindow ?? 35,
    maxRefusals: options.maxRefusals ?? 1,
    youngWindow: options.youngWindow ?? 10,
    maxClients: options.maxClients ?? 10_000,
  };
}

/** The longest a client waits for any piece no peer gives it: `maxWait` + one `retryAfter`, in seconds. */
export function waitBound(options: OffloadOptions = {}): number {
  const o = resolveOffload(options);
  return o.maxWait + o.retryAfter;
}

interface Client {
  id: number;
  /** When it first asked the origin for this torrent. */
  firstSeen: number;
  lastSeen: number;
  /** Time of its first refusal since it was last served, or -1. */
  refusedSince: number;
  /** Refusal episodes (runs of refused requests until it is served again). */
  refusals: number;
}

/** Clients by key, least recently seen first (a Map keeps insertion order; re-inserted when seen). */
class Clients {
  private readonly byKey = new Map<string, Client>();
  private readonly byId = new Map<number, Client>();
  /** Clients in the order they first asked (firstSeen never decreases along it). */
  private arrivals: Client[] = [];
  private nextId = 1;
  constructor(private readonly max: number) {}

  see(key: string, now: number): Client {
    let c = this.byKey.get(key);
    if (c) this.byKey.delete(key);
    else {
      c = { id: this.nextId++, firstSeen: now, lastSeen: now, refusedSince: -1, refusals: 0 };
      this.byId.set(c.id, c);
      this.arrivals.push(c);
      // Forgotten clients leave the arrival list in bulk, so it stays within twice the cap.
      if (this.arrivals.length > 2 * this.max)
        this.arrivals = this.arrivals.filter((a) => this.byId.has(a.id));
      if (this.byKey.size >= this.max) {
        const [oldKey, old] = this.byKey.entries().next().value!;
        this.byKey.delete(oldKey);
        this.byId.delete(old.id);
      }
    }
    c.lastSeen = now;
    this.byKey.set(key, c);
    return c;
  }

  live(id: number, now: number, windowMs: number): boolean {
    const c = this.byId.get(id);
    return c !== undefined && now - c.lastSeen <= windowMs;
  }

  /**
   * True when at least `wanted` other clients that first asked at most `youngMs` before `client` (or
   * after it) are still live: recent arrivals are still downloading, so they will most likely be there
   * when it comes back for what it was refused. Walks the arrivals from the newest; stops once it knows.
   */
  youngLive(client: Client, wanted: number, now: number, windowMs: number, youngMs: number): boolean {
    let found = 0;
    const since = client.firstSeen - youngMs;
    for (let k = this.arrivals.length - 1; k >= 0 && found < wanted; k--) {
      const c = this.arrivals[k]!;
      if (c.firstSeen < since) break;
      if (c !== client && this.byId.has(c.id) && now - c.lastSeen <= windowMs) found++;
    }
    return found >= wanted;
  }
}

/** What the policy remembers of one torrent. */
interface TorrentState {
  clients: Clients;
  /** Per piece: ids of the last `copies` clients the origin gave it to (0: none). */
  holders: Int32Array;
}

export function offloadPolicy(
  options: OffloadOptions,
  deps: PolicyDeps,
): (request: PolicyRequest) => PolicyDecision {
  const o = resolveOffload(options);
  const clock = deps.clock ?? Date.now;
  const states = new Map<TorrentLedger, TorrentState>();
  const stateOf = (ledger: TorrentLedger): TorrentState => {
    let state = states.get(ledger);
    if (!state) {
      state = {
        clients: new Clients(o.maxClients),
        holders: new Int32Array(ledger.grantedPerPiece.length * o.copies),
      };
      states.set(ledger, state);
    }
    return state;
  };

  return (request) => {
    const at = deps.ledger.locate(request.path);
    if (!at) return SERVE;
    const now = clock();
    const { clients, holders: h } = stateOf(at.ledger);
    const client = clients.see(request.client, now);
    const [first, last] = deps.ledger.pieces(at, request.start, request.end);
    const liveMs = o.liveWindow * 1000;
    const serve = (): PolicyDecision => {
      client.refusedSince = -1;
      deps.ledger.grant(at, request.start, request.end);
      for (let p = first; p <= last; p++) {
        // This client replaces the holder that is gone (or the oldest).
        let slot = p * o.copies;
        for (let k = 0; k < o.copies; k++)
          if (!clients.live(h[p * o.copies + k]!, now, liveMs)) {
            slot = p * o.copies + k;
            break;
          }
        h[slot] = client.id;
      }
      return SERVE;
    };
    const swarm = deps.swarm(at.ledger);
    if (!swarm || swarm.seeders + swarm.leechers < o.minPeers) return serve();
    // Refuse only while at least minPeers clients that joined around or after the asker still download
    // here (they will be around when it comes back): a client refused and then left without peers is
    // stranded, libtorrent 2.0 never asks that web seed again.
    if (!clients.youngLive(client, o.minPeers, now, liveMs, o.youngWindow * 1000)) return serve();
    // A seeder has every piece; otherwise a piece is in the swarm while enough of its holders are live.
    // A holder asking again for its own piece evidently lacks it (an aborted or partial response).
    if (swarm.seeders === 0) {
      for (let p = first; p <= last; p++) {
        let live = 0;
        for (let k = 0; k < o.copies; k++) {
          const id = h[p * o.copies + k]!;
          if (id !== client.id && clients.live(id, now, liveMs)) live++;
        }
        if (live < o.copies) return serve();
      }
    }
    if (client.refusedSince >= 0 && now - client.refusedSince >= o.maxWait * 1000) return serve();
    if (client.refusedSince < 0 && client.refusals >= o.maxRefusals) return serve();
    if (client.refusedSince < 0) {
      client.refusedSince = now;
      client.refusals++;
    }
    at.ledger.shed++;
    return { serve: false, retryAfter: o.retryAfter };
  };
}
