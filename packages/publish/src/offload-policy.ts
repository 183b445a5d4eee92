// The swarm-aware origin ("web-seed super-seeding", after BEP 16): while a torrent's swarm is small the
// origin serves at full speed; once other peers are there, each piece leaves the origin at full speed about
// `copies` times, and repeat requests for it go out in the asker's slow lane (paced at `slowRate`), so the
// client's piece picker, which sizes a web seed's queue by its measured rate, takes those pieces from peers.
// Nothing is refused: libtorrent 2.0 never asks a web seed again after a 503 once it has no peer, so a
// refusal could strand a client; a slow answer cannot.
import type { PolicyDecision, PolicyRequest } from "@seedpress/webseed";
import type { OriginLedger, TorrentLedger } from "./origin-ledger.js";

export type { PolicyDecision, PolicyRequest };

export interface OffloadOptions {
  /**
   * Swarms with fewer peers than this (seeders + leechers, the asker included) are served at full speed,
   * and so is a client while fewer than this many clients, itself included, still download from the
   * origin (and no seeder is in the swarm): its peers may be leaving. Default 2: a lone client.
   */
  minPeers?: number;
  /** Live holders a piece needs (clients the origin gave it to, still around) before repeats are slowed. Default 1. */
  copies?: number;
  /** Bytes per second of the slow lane, where repeat requests go. Default 32 KiB/s. */
  slowRate?: number;
  /**
   * Seconds a client may spend in the slow lane in all (per torrent); after that it is served at full
   * speed whatever the swarm looks like. The bound on what the policy can cost one client. Default 60.
   */
  maxSlow?: number;
  /**
   * A holder counts as live while it asked the origin anything in the last this many seconds. A client
   * still downloading keeps asking: libtorrent always has a request at the web seed, and the web seed asks
   * the policy again every 64 KiB of a response (at the slow rate, every 2 s at most). Default 5.
   */
  liveWindow?: number;
  /**
   * A holder that stayed this many seconds after the origin gave it a piece has passed it on (peers ask
   * first for the pieces fewest have), so the piece counts as in the swarm after the holder leaves. Default 5.
   */
  spreadTime?: number;
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

const FULL: PolicyDecision = { serve: true };

export function resolveOffload(options: OffloadOptions = {}): Required<OffloadOptions> {
  return {
    minPeers: options.minPeers ?? 2,
    copies: options.copies ?? 1,
    slowRate: options.slowRate ?? 32 * 1024,
    maxSlow: options.maxSlow ?? 60,
    liveWindow: options.liveWindow ?? 5,
    spreadTime: options.spreadTime ?? 5,
    maxClients: options.maxClients ?? 10_000,
  };
}

/**
 * The most the policy can delay one client, in seconds: it spends at most `maxSlow` in the slow lane, where
 * it still receives `slowRate` bytes per second; then everything is full speed.
 */
export function waitBound(options: OffloadOptions = {}): number {
  return resolveOffload(options).maxSlow;
}

interface Client {
  id: number;
  /** When it first asked the origin for this torrent. */
  firstSeen: number;
  lastSeen: number;
  /** Milliseconds spent in the slow lane so far (between slowed requests less than liveWindow apart). */
  slowMs: number;
  /** When it was last slowed, or -1. */
  slowedAt: number;
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
      c = { id: this.nextId++, firstSeen: now, lastSeen: now, slowMs: 0, slowedAt: -1 };
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

  /** True when client `id` is live, or was still asking `spreadMs` after `since` (it had time to pass a piece on). */
  passedOn(id: number, since: number, now: number, windowMs: number, spreadMs: number): boolean {
    const c = this.byId.get(id);
    return c !== undefined && (now - c.lastSeen <= windowMs || c.lastSeen - since >= spreadMs);
  }

  /**
   * True when at least `wanted` other clients are still live (downloading from the origin): they are the
   * asker's peers. Walks the arrivals from the newest (the likeliest to be live); stops once it knows.
   */
  othersLive(client: Client, wanted: number, now: number, windowMs: number): boolean {
    let found = 0;
    for (let k = this.arrivals.length - 1; k >= 0 && found < wanted; k--) {
      const c = this.arrivals[k]!;
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
  /** When each holder got it (milliseconds). */
  heldSince: Float64Array;
}

export function offloadPolicy(
  options: OffloadOptions,
  deps: PolicyDeps,
): (request: PolicyRequest) => PolicyDecision {
  const o = resolveOffload(options);
  const clock = deps.clock ?? Date.now;
  const lane: PolicyDecision = { serve: true, rate: o.slowRate };
  const liveMs = o.liveWindow * 1000;
  const spreadMs = o.spreadTime * 1000;
  const states = new Map<TorrentLedger, TorrentState>();
  const stateOf = (ledger: TorrentLedger): TorrentState => {
    let state = states.get(ledger);
    if (!state) {
      state = {
        clients: new Clients(o.maxClients),
        holders: new Int32Array(ledger.grantedPerPiece.length * o.copies),
        heldSince: new Float64Array(ledger.grantedPerPiece.length * o.copies),
      };
      states.set(ledger, state);
    }
    return state;
  };

  return (request) => {
    const at = deps.ledger.locate(request.path);
    if (!at) return FULL;
    const now = clock();
    const state = stateOf(at.ledger);
    const client = state.clients.see(request.client, now);
    const [first, last] = deps.ledger.pieces(at, request.start, request.end);
    deps.ledger.grant(at, request.start, request.end);
    const slowed = toSlowLane(state, deps.swarm(at.ledger), client, first, last, now);
    // Whatever the answer, the asker will soon hold these pieces; a slowed one takes only a free slot.
    for (let p = first; p <= last; p++) hold(state, p, client.id, now, !slowed);
    if (!slowed) return FULL;
    at.ledger.slowed++;
    at.ledger.slowBytes += request.end - request.start + 1;
    chargeSlow(client, now);
    return lane;
  };

  function toSlowLane(
    { clients, holders, heldSince }: TorrentState,
    swarm: SwarmCounts | undefined,
    c: Client,
    from: number,
    to: number,
    now: number,
  ): boolean {
    if (!swarm || swarm.seeders + swarm.leechers < o.minPeers) return false;
    if (c.slowMs >= o.maxSlow * 1000) return false;
    // The tracker's seeder count is not trusted to mean "every piece is there": a client that left without
    // its `stopped` announce stays a seeder there for two announce intervals, and slowing every piece
    // for such a ghost stalled whole crowds. The asker's peers are the clients still downloading here,
    // and a piece is in the swarm while enough of its holders are live or stayed long enough to pass it
    // on; a holder asking again for its own piece evidently lacks it (an aborted or partial response).
    if (!clients.othersLive(c, o.minPeers - 1, now, liveMs)) return false;
    for (let p = from; p <= to; p++) {
      let held = 0;
      for (let k = p * o.copies; k < (p + 1) * o.copies; k++) {
        const id = holders[k]!;
        if (id !== c.id && clients.passedOn(id, heldSince[k]!, now, liveMs, spreadMs)) held++;
      }
      if (held < o.copies) return false;
    }
    return true;
  }

  /** Charges the time since the client's last slowed request (if recent) to its slow-lane budget. */
  function chargeSlow(client: Client, now: number): void {
    if (client.slowedAt >= 0 && now - client.slowedAt <= liveMs) client.slowMs += now - client.slowedAt;
    client.slowedAt = now;
  }

  /** The asker takes the slot of a holder of piece `p` that is gone, or (`evict`) slot 0. */
  function hold(
    { clients, holders, heldSince }: TorrentState,
    p: number,
    id: number,
    now: number,
    evict: boolean,
  ): void {
    let slot = evict ? p * o.copies : -1;
    for (let k = p * o.copies; k < (p + 1) * o.copies; k++) {
      if (holders[k] === id) return;
      if (!clients.passedOn(holders[k]!, heldSince[k]!, now, liveMs, spreadMs)) {
        slot = k;
        break;
      }
    }
    if (slot >= 0) {
      holders[slot] = id;
      heldSince[slot] = now;
    }
  }
}
