// The shapes of a mirror check's result: one report per mirror, each a list of coded problems.
import type { RedirectHop } from "./http-request.js";
import type { PieceReason } from "./piece-plan.js";
import type { WebSeedClient } from "./web-seed-url.js";

export interface FileUrlStatus {
  /** The file's path inside the torrent ("/"-joined, the torrent name first for multi-file). */
  path: string;
  url: string;
  status: number;
  clients: WebSeedClient[];
}

export interface BadPiece {
  /** v1/hybrid: the torrent's piece index; v2-only: the index within `files[0]`. */
  piece: number;
  files: string[];
  /** Which hashes failed: "v1" (SHA-1), "v2" (piece layer). */
  hashes: ("v1" | "v2")[];
  reasons: PieceReason[];
}

export interface StaleFile {
  path: string;
  url: string;
  expected: number;
  actual: number | null;
}

/** Lists in problems hold at most this many entries (`count` has them all): reports stay small. */
export const MAX_LISTED = 50;

export type MirrorProblem =
  | { kind: "unreachable"; url: string; message: string }
  | { kind: "timeout"; url: string; message: string }
  | { kind: "layout"; files: FileUrlStatus[]; count: number }
  | { kind: "stale"; files: StaleFile[]; count: number }
  | { kind: "wrong-bytes"; pieces: BadPiece[]; count: number }
  | { kind: "ignores-range"; url: string; status: number }
  | { kind: "bad-range"; url: string; message: string }
  | { kind: "http-error"; url: string; status: number }
  | { kind: "redirect"; hops: RedirectHop[]; count: number }
  | { kind: "no-cors"; url: string }
  | { kind: "client-url"; clients: WebSeedClient[]; files: FileUrlStatus[]; count: number }
  | { kind: "skipped"; message: string };

export type MirrorProblemKind = MirrorProblem["kind"];

/** Problems that make a client fail or waste bytes; the others are warnings. */
export const FAILING_KINDS: ReadonlySet<MirrorProblemKind> = new Set([
  "unreachable",
  "timeout",
  "layout",
  "stale",
  "wrong-bytes",
  "ignores-range",
  "bad-range",
  "http-error",
]);

export interface MirrorReport {
  /** The web seed as listed in the torrent or given. */
  url: string;
  source: "url-list" | "option";
  /** "ok": no problem; "warning": only warnings (redirects, no CORS, one client's URL); "failed". */
  status: "ok" | "warning" | "failed";
  problems: MirrorProblem[];
  files: { checked: number; ok: number };
  pieces: { checked: number; ok: number; skipped: number };
  /** Bytes of piece data fetched, and the time the range requests took. */
  bytes: number;
  seconds: number;
  /** Bytes per second over the range requests; null when none completed. */
  throughput: number | null;
  /** Whether `Access-Control-Allow-Origin` allowed our Origin on a file; null when not seen. */
  cors: boolean | null;
  /** `Accept-Ranges` of the first file, as sent. */
  acceptRanges: string | null;
}

export interface CheckMirrorsReport {
  /** True when no mirror failed (warnings allowed). */
  ok: boolean;
  name: string;
  /** The seed of the random piece choice: pass it as `seed` to fetch the same pieces again. */
  seed: number;
  /** The pieces fetched from every mirror, and why each was picked. */
  pieces: { piece: number; file?: string; reasons: PieceReason[] }[];
  mirrors: MirrorReport[];
}

export interface MirrorProgress {
  mirrorsDone: number;
  mirrorsTotal: number;
  /** Piece bytes fetched so far, over all mirrors. */
  bytes: number;
  /** Piece bytes that a full run fetches. */
  bytesTotal: number;
}

/** Keeps the first MAX_LISTED items and counts them all. */
export class Capped<T> {
  readonly items: T[] = [];
  count = 0;

  push(item: T): void {
    if (this.items.length < MAX_LISTED) this.items.push(item);
    this.count++;
  }
}
