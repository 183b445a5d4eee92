// Per-torrent offload figures: what the origin sent, what the swarm delivered (completed downloads × size,
// as the tracker counts them), the ratio and the bytes saved; plus a short history for the chart.
import type { SwarmCounts } from "./offload-policy.js";
import type { OriginLedger, TorrentLedger } from "./origin-ledger.js";

export interface TorrentOffload {
  name: string;
  infoHash: string;
  length: number;
  /** Bytes the origin sent. */
  originBytes: number;
  /** originBytes ÷ length. */
  originCopies: number;
  /** Bytes delivered to clients that finished: completed × length. */
  deliveredBytes: number;
  /** Share of delivered bytes that did not come from the origin (0..1). */
  offload: number;
  /** deliveredBytes − originBytes, never below 0. */
  savedBytes: number;
  seeders: number;
  leechers: number;
  completed: number;
  /** Slices (up to 64 KiB each) the policy sent in a slow lane, and their bytes. */
  slowed: number;
  slowBytes: number;
  /** Pieces the origin sent at least once. */
  piecesSent: number;
  pieces: number;
}

export interface Sample {
  /** Seconds since the publisher started. */
  t: number;
  originBytes: number;
  deliveredBytes: number;
}

export function torrentOffload(ledger: TorrentLedger, swarm: SwarmCounts | undefined): TorrentOffload {
  const completed = swarm?.completed ?? 0;
  const delivered = completed * ledger.length;
  let piecesSent = 0;
  for (const b of ledger.sentPerPiece) if (b > 0) piecesSent++;
  return {
    name: ledger.name,
    infoHash: ledger.infoHash,
    length: ledger.length,
    originBytes: ledger.sent,
    originCopies: ledger.length > 0 ? ledger.sent / ledger.length : 0,
    deliveredBytes: delivered,
    offload: delivered > 0 ? Math.max(0, 1 - ledger.sent / delivered) : 0,
    savedBytes: Math.max(0, delivered - ledger.sent),
    seeders: swarm?.seeders ?? 0,
    leechers: swarm?.leechers ?? 0,
    completed,
    slowed: ledger.slowed,
    slowBytes: ledger.slowBytes,
    piecesSent,
    pieces: ledger.sentPerPiece.length,
  };
}

/** Keeps the last `size` samples per torrent (a ring, so memory stays flat however long it runs). */
export class OffloadHistory {
  private readonly samples = new Map<string, Sample[]>();
  constructor(private readonly size = 120) {}

  add(now: number, rows: TorrentOffload[]): void {
    for (const r of rows) {
      const list = this.samples.get(r.infoHash) ?? [];
      this.samples.set(r.infoHash, list);
      list.push({ t: now, originBytes: r.originBytes, deliveredBytes: r.deliveredBytes });
      if (list.length > this.size) list.shift();
    }
  }

  of(infoHash: string): Sample[] {
    return this.samples.get(infoHash) ?? [];
  }
}

export function offloadRows(
  ledger: OriginLedger,
  swarm: (infoHash: string) => SwarmCounts | undefined,
): TorrentOffload[] {
  return ledger.torrents.map((t) => torrentOffload(t, swarm(t.infoHash)));
}
