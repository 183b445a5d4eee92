// The swarm-aware origin ("web-seed super-seeding", after BEP 16): while a torrent's swarm is small the
// origin serves freely; once other peers are there, each piece leaves the origin about `copies` times and
// repeat requests for it get 503 + Retry-After, so clients take it from the peers that already have it.
// A client is never stranded: one refused for `maxWait` seconds is served its next request.
import type { OriginLedger, TorrentLedger } from "./origin-ledger.js";

/** What the web seed asks before serving a range (its `policy` hook). */
export interface PolicyRequest {
  /** The web seed's path key ("/"-joined, relative to the root). */
  path: string;
  start: number;
  /** Inclusive. */
  end: number;
  /** Size of the file. */
  size: number;
  /** The client key (its IP address by default). */
  client: string;
}

export type PolicyDecision = { serve: true } | { serve: false; retryAfter: number };

export interface OffloadOptions {
  /** Swarms with fewer peers than this (seeders + leechers, the asker included) are served freely. Default 2. */
  minPeers?: number;
  /** Origin copies of a piece granted before repeat requests for it are shed. Default 1. */
  copies?: number;
  /** Seconds sent in Retry-After when a request is shed. Default 5. */
  retryAfter?: number;
  /** A client refused for this many seconds in a row is served its next request. Default 20. */
  maxWait?: number;
  /** Clients whose wait is remembered (least recently refused forgotten first). Default 10000. */
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
  return {
    minPeers: options.minPeers ?? 2,
    copies: options.copies ?? 1,
    retryAfter: options.retryAfter ?? 5,
    maxWait: options.maxWait ?? 20,
    maxClients: options.maxClients ?? 10_000,
  };
}

/** The longest a client waits for any piece no peer gives it: `maxWait` + one `retryAfter`, in seconds. */
export function waitBound(options: OffloadOptions = {}): number {
  const o = resolveOffload(options);
  return o.maxWait + o.retryAfter;
}

export function offloadPolicy(
  options: OffloadOptions,
  deps: PolicyDeps,
): (request: PolicyRequest) => PolicyDecision {
  const o = resolveOffload(options);
  const clock = deps.clock ?? Date.now;
  /** Client → time of its first refusal since it was last served. Insertion order = refusal order. */
  const waiting = new Map<string, number>();

  const admit = (request: PolicyRequest, grant: () => void): PolicyDecision => {
    waiting.delete(request.client);
    grant();
    return SERVE;
  };

  return (request) => {
    const at = deps.ledger.locate(request.path);
    if (!at) return SERVE;
    const grant = () => deps.ledger.grant(at, request.start, request.end);
    const swarm = deps.swarm(at.ledger);
    if (!swarm || swarm.seeders + swarm.leechers < o.minPeers) return admit(request, grant);
    const [first, last] = deps.ledger.pieces(at, request.start, request.end);
    for (let p = first; p <= last; p++) {
      const enough = o.copies * deps.ledger.pieceSize(at.ledger, p);
      if (at.ledger.grantedPerPiece[p]! < enough) return admit(request, grant);
    }
    const now = clock();
    const since = waiting.get(request.client);
    if (since !== undefined && now - since >= o.maxWait * 1000) return admit(request, grant);
    if (since === undefined) {
      if (waiting.size >= o.maxClients) waiting.delete(waiting.keys().next().value!);
      waiting.set(request.client, now);
    }
    at.ledger.shed++;
    return { serve: false, retryAfter: o.retryAfter };
  };
}
