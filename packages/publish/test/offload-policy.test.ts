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

/** Other clients still downloading here (they asked for the last piece, at full speed: the first asked it). */
function warm(ask: (piece: number, client: string) => unknown, n = 3): void {
  for (let k = 0; k < n; k++) ask(PIECES - 1, `other-${k}`);
}

// Ten leechers, no seeder: pieces exist in the swarm only through the clients the origin gave them to.
const crowd = { seeders: 0, leechers: 10, completed: 0 };
// A seeder is there: every piece exists in the swarm.
const seeded = { seeders: 3, leechers: 10, completed: 3 };

const FULL = { serve: true };
const SLOW = { serve: true, rate: 32 * 1024 };

describe("offloadPolicy", () => {
  it("a lone downloader is always served at full speed, however often it asks for the same pieces", () => {
    const { ask } = setup({ seeders: 0, leechers: 1, completed: 0 });
    for (let round = 0; round < 5; round++) for (let p = 0; p < PIECES; p++) expect(ask(p)).toEqual(FULL);
  });

  it("with no swarm view (no tracker) it serves at full speed", () => {
    const { ask } = setup(undefined);
    expect(ask(0)).toEqual(FULL);
    expect(ask(0)).toEqual(FULL);
  });

  it("in a crowd, each piece leaves the origin once at full speed; repeats go to the slow lane, never refused", () => {
    const { ask, ledger } = setup(crowd);
    warm(ask);
    // (the last piece is the warm-up's)
    const before = ledger.torrents[0]!.slowed;
    for (let p = 0; p < PIECES - 1; p++) expect(ask(p, "a")).toEqual(FULL);
    for (let p = 0; p < PIECES - 1; p++) expect(ask(p, "b")).toEqual(SLOW);
    expect(ledger.torrents[0]!.slowed - before).toBe(PIECES - 1);
  });

  it("slowRate sets the slow lane's rate", () => {
    const { ask } = setup(crowd, { slowRate: 5000 });
    warm(ask);
    ask(0, "a");
    expect(ask(0, "b")).toEqual({ serve: true, rate: 5000 });
  });

  it("a piece whose holder is gone (silent for liveWindow) is served at full speed again", () => {
    const { ask, state } = setup(crowd, { liveWindow: 12 });
    warm(ask);
    for (const name of ["b", "c", "d"]) ask(8, name); // all met at t = 0
    expect(ask(2, "a")).toEqual(FULL);
    state.now = 12_000; // a last asked at 0: still live
    expect(ask(2, "b")).toEqual(SLOW);
    state.now = 12_001;
    warm(ask); // the others are still downloading; only a is gone
    expect(ask(2, "c")).toEqual(FULL);
    expect(ask(2, "d")).toEqual(SLOW); // c holds it now
  });

  it("the holder of a piece asking for it again gets full speed (it evidently lacks it)", () => {
    const { ask } = setup(crowd);
    warm(ask);
    expect(ask(5, "a")).toEqual(FULL);
    expect(ask(5, "a")).toEqual(FULL);
    expect(ask(5, "b")).toEqual(SLOW);
    // b's slowed copy does not push a out: a asking again is still the holder.
    expect(ask(5, "a")).toEqual(FULL);
  });

  it("slows nothing while no other client still downloads here and no seeder is there", () => {
    // The tracker still lists ten leechers, but only a asks the origin: the rest may be leaving.
    const { ask } = setup(crowd);
    expect(ask(4, "a")).toEqual(FULL);
    expect(ask(4, "a")).toEqual(FULL);
    expect(ask(5, "a")).toEqual(FULL);
    // With minPeers 3, one other client downloading here is not enough either.
    const three = setup(crowd, { minPeers: 3 });
    expect(three.ask(4, "a")).toEqual(FULL);
    expect(three.ask(4, "b")).toEqual(FULL);
    expect(three.ask(4, "c")).toEqual(SLOW);
  });

  it("a swarm smaller than minPeers is served at full speed, a seeder or not", () => {
    const { ask } = setup({ seeders: 1, leechers: 0, completed: 1 });
    expect(ask(0, "a")).toEqual(FULL);
    const two = setup({ seeders: 1, leechers: 1, completed: 1 }, { minPeers: 3 });
    expect(two.ask(0, "a")).toEqual(FULL);
    expect(two.ask(0, "b")).toEqual(FULL);
  });

  it("a seeder in the tracker's count alone slows nothing (it may be a ghost that left without a word)", () => {
    const { ask } = setup(seeded);
    expect(ask(0, "a")).toEqual(FULL);
    expect(ask(9, "b")).toEqual(FULL);
  });

  it("a request that covers any piece not yet sent is served whole at full speed", () => {
    const { ask } = setup(crowd);
    warm(ask);
    ask(0, "a");
    expect(ask(0, "b", 2)).toEqual(FULL);
    expect(ask(1, "c")).toEqual(SLOW);
  });

  it("copies: 2 keeps two live holders per piece", () => {
    const { ask } = setup(crowd, { copies: 2 });
    warm(ask);
    expect(ask(3, "a")).toEqual(FULL);
    expect(ask(3, "b")).toEqual(FULL);
    expect(ask(3, "c")).toEqual(SLOW);
  });

  it("a client whose peers vanish gets full speed as soon as the tracker sees it alone", () => {
    const { ask, state } = setup(crowd);
    warm(ask);
    ask(4, "a");
    expect(ask(4, "b")).toEqual(SLOW);
    state.swarm = { seeders: 0, leechers: 1, completed: 3 };
    expect(ask(4, "b")).toEqual(FULL);
  });

  it("a client whose peers stop downloading here gets full speed within liveWindow, whatever the tracker says", () => {
    const { ask, state } = setup(crowd, { liveWindow: 10 });
    warm(ask);
    ask(4, "a");
    expect(ask(4, "b")).toEqual(SLOW);
    state.now = 10_001; // a and the warm-up clients have not asked for 10 s: gone
    expect(ask(4, "b")).toEqual(FULL);
  });

  it("no client spends more than maxSlow seconds in the slow lane; waitBound says so", () => {
    const { ask, state } = setup(crowd, { maxSlow: 20 });
    expect(waitBound({ maxSlow: 20 })).toBe(20);
    expect(waitBound()).toBe(60);
    ask(6, "holder");
    // A client slowed on every request (a request a second, its peers downloading all along) is slowed
    // 20 s in all, then served at full speed.
    const decisions: boolean[] = [];
    for (state.now = 0; state.now <= 25_000; state.now += 1000) {
      warm(ask);
      ask(0, "holder");
      decisions.push("rate" in ask(6, "x"));
    }
    expect(decisions.indexOf(false)).toBe(21);
    expect(decisions.slice(21).every((d) => !d)).toBe(true);
    // Another client has its own budget.
    expect(ask(6, "y")).toEqual(SLOW);
  });

  it("time between slowed requests further apart than liveWindow is not charged to the budget", () => {
    const { ask, state } = setup(crowd, { maxSlow: 20, liveWindow: 10 });
    for (state.now = 0; state.now <= 200_000; state.now += 15_000) {
      warm(ask);
      ask(6, "holder");
      expect(ask(6, "x")).toEqual(SLOW);
    }
  });

  it("a holder that stayed spreadTime after getting a piece has passed it on: the piece stays slowed after it leaves", () => {
    const { ask, state } = setup(crowd, { liveWindow: 5, spreadTime: 5 });
    warm(ask);
    expect(ask(3, "a")).toEqual(FULL);
    state.now = 5000;
    ask(0, "a"); // a still downloading 5 s after it got piece 3
    state.now = 20_000; // a has left
    warm(ask);
    expect(ask(3, "b")).toEqual(SLOW);
    // One that left at once did not pass it on.
    expect(ask(4, "c")).toEqual(FULL);
    state.now = 30_000;
    warm(ask);
    expect(ask(4, "d")).toEqual(FULL);
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
