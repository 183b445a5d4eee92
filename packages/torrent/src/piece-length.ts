// Piece length: the automatic rule and the checks on an explicit value.
import { TorrentError } from "./errors.js";

export const MIN_PIECE_LENGTH = 16 * 1024;
export const MAX_AUTO_PIECE_LENGTH = 16 * 1024 * 1024;
export const MAX_PIECE_LENGTH = 64 * 1024 * 1024;
/** The auto rule aims at (TARGET/2, TARGET] pieces. */
export const TARGET_PIECES = 2000;

/**
 * The smallest power of two from 16 KiB to 16 MiB that cuts `totalLength` into at most 2,000
 * pieces; so between 1,000 and 2,000 pieces except at the clamps (tiny inputs get 16 KiB,
 * inputs over ~32 GiB get 16 MiB and more pieces). Small enough that a peer can share soon,
 * large enough that the .torrent stays far below libtorrent's 10 MB load limit.
 */
export function autoPieceLength(totalLength: number): number {
  let length = MIN_PIECE_LENGTH;
  while (length < MAX_AUTO_PIECE_LENGTH && Math.ceil(totalLength / length) > TARGET_PIECES) length *= 2;
  return length;
}

export function checkPieceLength(value: unknown): number {
  const ok =
    typeof value === "number" &&
    Number.isInteger(value) &&
    value >= MIN_PIECE_LENGTH &&
    value <= MAX_PIECE_LENGTH &&
    (value & (value - 1)) === 0;
  if (!ok) {
    throw new TorrentError(
      "ERR_TORRENT_PIECE_LENGTH",
      `piece length ${String(value)} is not a power of two from 16 KiB (16384) to 64 MiB (67108864)`,
    );
  }
  return value;
}

export function resolvePieceLength(option: number | "auto" | undefined, totalLength: number): number {
  return option === undefined || option === "auto" ? autoPieceLength(totalLength) : checkPieceLength(option);
}
