// What the origin has sent and promised, per torrent and per piece. `granted` counts bytes the policy let
// through (in flight included, so a burst of askers for a new piece is not all served); `sent` counts bytes
// that reached the socket (the /stats and /metrics figures).
import type { PublishedTorrent } from "./torrents.js";

export interface TorrentLedger {
  name: string;
  infoHash: string;
  /** Bytes of the release (pad files not counted). */
  length: number;
  pieceLength: number;
  /** Bytes of the piece space (files and pads). */
  spaceLength: number;
  /** Bytes handed to sockets for this torrent. */
  sent: number;
  /** Bytes per piece handed to sockets. */
  sentPerPiece: Float64Array;
  /** Bytes per piece the policy let through. */
  grantedPerPiece: Float64Array;
  /** Slices (up to 64 KiB each) the policy sent in a slow lane, and their bytes. */
  slowed: number;
  slowBytes: number;
}

interface Located {
  ledger: TorrentLedger;
  /** Offset of the file in the torrent's piece space. */
  offset: number;
}

function emptyLedger(t: PublishedTorrent): TorrentLedger {
  const pieces = Math.max(1, t.meta.pieceCount);
  return {
    name: t.name,
    infoHash: t.meta.infoHash ?? t.meta.infoHashV2 ?? "",
    length: t.meta.length,
    pieceLength: t.meta.pieceLength,
    spaceLength: Math.max(0, ...t.meta.files.map((f) => f.offset + f.length)),
    sent: 0,
    sentPerPiece: new Float64Array(pieces),
    grantedPerPiece: new Float64Array(pieces),
    slowed: 0,
    slowBytes: 0,
  };
}

export class OriginLedger {
  readonly torrents: TorrentLedger[] = [];
  private readonly byPath = new Map<string, Located>();

  constructor(published: PublishedTorrent[]) {
    for (const t of published) {
      const ledger = emptyLedger(t);
      this.torrents.push(ledger);
      for (const f of t.meta.files) {
        if (f.padding) continue;
        // The web seed's path key: the file itself (single-file), or name/path (multi-file).
        const key = t.meta.singleFile ? t.name : `${t.name}/${f.path}`;
        this.byPath.set(key, { ledger, offset: f.offset });
      }
    }
  }

  locate(path: string): Located | undefined {
    return this.byPath.get(path);
  }

  /** Pieces [first, last] that bytes start..end (inclusive) of a file cover. */
  pieces(at: Located, start: number, end: number): [number, number] {
    const max = at.ledger.sentPerPiece.length - 1;
    const first = Math.min(max, Math.floor((at.offset + start) / at.ledger.pieceLength));
    const last = Math.min(max, Math.floor((at.offset + Math.max(start, end)) / at.ledger.pieceLength));
    return [first, last];
  }

  grant(at: Located, start: number, end: number): void {
    spread(at, start, end - start + 1, at.ledger.grantedPerPiece);
  }

  /** Bytes `bytes` sent from `start` of `path` (from the web seed's request log). */
  record(path: string, start: number, bytes: number): void {
    const at = this.byPath.get(path);
    if (!at || bytes <= 0) return;
    at.ledger.sent += bytes;
    spread(at, start, bytes, at.ledger.sentPerPiece);
  }
}

/** Adds `bytes` from file position `start` to the pieces they fall in. */
function spread(at: Located, start: number, bytes: number, perPiece: Float64Array): void {
  const size = at.ledger.pieceLength;
  let pos = at.offset + start;
  let left = bytes;
  while (left > 0) {
    const piece = Math.min(perPiece.length - 1, Math.floor(pos / size));
    const take = piece === perPiece.length - 1 ? left : Math.min(left, (piece + 1) * size - pos);
    perPiece[piece]! += take;
    pos += take;
    left -= take;
  }
}
