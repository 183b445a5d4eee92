// The swarm-aware origin's rule, with a hand-made swarm view and clock: each guarantee in its own test.
import {
  type OffloadOptions,
  OriginLedger,
  offloadPolicy,
  type SwarmCounts,
  waitBound,
} from "@seedpress/publish";
import type { TorrentMeta } from "@seedpress/torrent";
import { describe, expect, it } from "vitest";

const PIECE = 16_384;
const PIECES = 10;

/** A single-file torrent of 10 pieces (the last one short), as the ledger reads it. */
function release(): OriginLedger {
  const length = PIECE * (PIECES - 1) + 1000;
  const meta = {
    name: "r.bin",
    infoHash: "a".repeat(40),
    pieceLength: PIECE,
    pieceCount: PIECES,
    length,
    singleFile: true,
    files: [{ path: "r.bin", pathSegments: ["r.bin"], length, offset: 0, padding: false }],
  } as unknown as TorrentMeta;
  return new OriginLedger([
    { name: "r.bin", meta, torrent: new Uint8Array(), torrentPath: "r.bin.torrent", made: true },
  ]);
}

function setup(swarm: SwarmCounts | undefined, options: OffloadOptions = {}) {
  const ledger = release();
  const state = { now: 0, swarm };
  const policy = offloadPolicy(options, { ledger, swarm: () => state.swarm, clock: () => state.now });
  const ask = (piece: number, client = "10.0.0.1", pieces = 1) =>
    policy({
      path: "r.bin",
      start: piece * PIECE,
      end: Math.min((piece + pieces) * PIECE, PIECE * (PIECES - 1) + 1000) - 1,
      size: PIECE * (PIECES - 1) + 1000,
      client,
    });
  return { ledger, state, ask };
}

/** Other clients still downloading here (they asked for the last piece). */
function warm(ask: (piece: number, client: string) => unknown, n = 3): void {
  for (let k = 0; k < n; k++) ask(PIECES - 1, `other-${k}`);
}

// Ten leechers, no seeder: pieces exist in the swarm only through the clients the origin gave them to.
const crowd = { seeders: 0, leechers: 10, completed: 0 };
// A seeder is there: every piece exists in the swarm.
const seeded = { seeders: 3, leechers: 10, completed: 3 };

describe("offloadPolicy", () => {
  it("a lone downloader is always served, however often it asks for the same pieces", () => {
    const { ask } = setup({ seeders: 0, leechers: 1, completed: 0 });
    for (let round = 0; round < 5; round++)
      for (let p = 0; p < PIECES; p++) expect(ask(p)).toEqual({ serve: true });
  });

  it("with no swarm view (no tracker) it serves", () => {
    const { ask } = setup(undefined);
    expect(ask(0)).toEqual({ serve: true });
    expect(ask(0)).toEqual({ serve: true });
  });

  it("in a crowd, each piece leaves the origin once; repeats get 503 + Retry-After", () => {
    const { ask, ledger } = setup(crowd);
    warm(ask);
    // (the last piece is the warm-up's)
    const before = ledger.torrents[0]!.shed;
    for (let p = 0; p < PIECES - 1; p++) expect(ask(p, "a")).toEqual({ serve: true });
    for (let p = 0; p < PIECES - 1; p++) expect(ask(p, "b")).toEqual({ serve: false, retryAfter: 5 });
    expect(ledger.torrents[0]!.shed - before).toBe(PIECES - 1);
  });

  it("a piece whose holder is gone (silent for liveWindow) is served again", () => {
    const { ask, state } = setup(crowd, { liveWindow: 12 });
    warm(ask);
    for (const name of ["b", "c", "d"]) ask(8, name); // all met at t = 0
    expect(ask(2, "a").serve).toBe(true);
    state.now = 12_000; // a last asked at 0: still live
    expect(ask(2, "b").serve).toBe(false);
    state.now = 12_001;
    warm(ask); // the others are still downloading; only a is gone
    expect(ask(2, "c").serve).toBe(true);
    expect(ask(2, "d").serve).toBe(false); // c holds it now
  });

  it("the holder of a piece asking for it again is served (it evidently lacks it)", () => {
    const { ask } = setup(crowd);
    warm(ask);
    expect(ask(5, "a").serve).toBe(true);
    expect(ask(5, "a").serve).toBe(true);
    expect(ask(5, "b").serve).toBe(false);
  });

  it("refuses nothing while fewer than minPeers clients are still downloading here", () => {
    // The tracker still lists ten leechers, but only two clients ask the origin: the rest may be leaving.
    const { ask } = setup(crowd);
    expect(ask(4, "a").serve).toBe(true);
    expect(ask(4, "b").serve).toBe(true);
  });

  it("a swarm of two is still served freely (default minPeers 3)", () => {
    const { ask } = setup({ seeders: 1, leechers: 1, completed: 1 });
    expect(ask(0, "a").serve).toBe(true);
    expect(ask(0, "b").serve).toBe(true);
  });

  it("with a seeder in the swarm, repeats and new pieces alike go to the peers", () => {
    const { ask } = setup(seeded);
    warm(ask);
    expect(ask(0, "a")).toEqual({ serve: false, retryAfter: 5 });
    expect(ask(9, "b").serve).toBe(false);
  });

  it("a request that covers any piece not yet sent is served whole", () => {
    const { ask } = setup(crowd);
    warm(ask);
    ask(0, "a");
    expect(ask(0, "b", 2)).toEqual({ serve: true });
    expect(ask(1, "c").serve).toBe(false);
  });

  it("copies: 2 keeps two live holders per piece", () => {
    const { ask } = setup(crowd, { copies: 2 });
    warm(ask);
    expect(ask(3, "a").serve).toBe(true);
    expect(ask(3, "b").serve).toBe(true);
    expect(ask(3, "c").serve).toBe(false);
  });

  it("a client whose peers vanish is served again as soon as the tracker sees it alone", () => {
    const { ask, state } = setup(crowd);
    warm(ask);
    ask(4, "a");
    expect(ask(4, "b").serve).toBe(false);
    state.swarm = { seeders: 0, leechers: 1, completed: 3 };
    expect(ask(4, "b")).toEqual({ serve: true });
  });

  it("no client waits more than maxWait + retryAfter for a piece no peer gives it", () => {
    const { ask, state } = setup(seeded, { maxWait: 20, retryAfter: 5, maxRefusals: 10 });
    warm(ask);
    expect(waitBound({ maxWait: 20, retryAfter: 5 })).toBe(25);
    expect(waitBound()).toBe(30);
    // The stranded client retries after every Retry-After; the first retry at or past maxWait is served.
    const decisions: boolean[] = [];
    for (state.now = 0; state.now <= 25_000; state.now += 5_000) decisions.push(ask(6, "stranded").serve);
    expect(decisions).toEqual([false, false, false, false, true, false]);
  });

  it("refuses one client in one episode only (maxRefusals 1), then always serves it", () => {
    const { ask, state } = setup(seeded, { maxWait: 20 });
    warm(ask);
    expect(ask(1, "x").serve).toBe(false);
    expect(ask(2, "x").serve).toBe(false); // the same episode (parallel requests)
    state.now = 20_000;
    expect(ask(1, "x").serve).toBe(true);
    expect(ask(3, "x").serve).toBe(true); // a new episode would be its second: served
    const two = setup(seeded, { maxWait: 20, maxRefusals: 2 });
    warm(two.ask);
    two.ask(1, "y");
    two.state.now = 20_000;
    two.ask(1, "y");
    expect(two.ask(3, "y").serve).toBe(false);
  });

  it("refuses no client that would be left without recent arrivals still downloading", () => {
    // The last arrivals of a crowd are served: those before them may finish and leave within the ~30 s a
    // refused libtorrent client takes to come back, and without peers it never comes back.
    const { ask, state } = setup(seeded);
    warm(ask);
    state.now = 10_001; // the warm-up clients arrived more than youngWindow (10 s) before it
    warm(ask);
    expect(ask(0, "late").serve).toBe(true);
    const early = setup(seeded);
    warm(early.ask);
    early.state.now = 10_000; // within youngWindow of their arrival: they count
    warm(early.ask);
    expect(early.ask(0, "late").serve).toBe(false);
  });
});

describe("OriginLedger", () => {
  it("spreads sent bytes over the pieces they cover", () => {
    const ledger = release();
    ledger.record("r.bin", PIECE - 100, 300);
    const t = ledger.torrents[0]!;
    expect(t.sent).toBe(300);
    expect([...t.sentPerPiece.slice(0, 3)]).toEqual([100, 200, 0]);
    ledger.record("other.bin", 0, 999);
    expect(t.sent).toBe(300);
  });
});
