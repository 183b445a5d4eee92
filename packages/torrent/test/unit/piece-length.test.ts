import { describe, expect, it } from "vitest";
import { autoPieceLength, checkPieceLength } from "../../src/piece-length.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

describe("piece length", () => {
  // The rule: the smallest power of two in [16 KiB, 16 MiB] giving at most 2,000 pieces.
  it.each([
    [1, 16 * KiB],
    [10 * MiB, 16 * KiB], // 640 pieces: clamped at the minimum
    [2000 * 16 * KiB, 16 * KiB], // exactly 2,000 pieces
    [2000 * 16 * KiB + 1, 32 * KiB], // 2,001 would be too many
    [700 * MiB, 512 * KiB], // a CD image: 1,400 pieces
    [1 * GiB, 1 * MiB], // 1,024 pieces
    [2 * GiB, 2 * MiB],
    [4.7 * GiB, 4 * MiB], // a DVD image: 1,204 pieces
    [25 * GiB, 16 * MiB], // 1,600 pieces
    [50 * GiB, 16 * MiB], // 3,200 pieces: clamped at the maximum
  ])("auto for %d bytes is %d", (total, expected) => {
    expect(autoPieceLength(total)).toBe(expected);
  });

  it("keeps auto between 1,000 and 2,000 pieces away from the clamps", () => {
    for (let total = 40 * MiB; total < 30 * GiB; total = Math.floor(total * 1.37)) {
      const pieces = Math.ceil(total / autoPieceLength(total));
      expect(pieces).toBeGreaterThan(1000);
      expect(pieces).toBeLessThanOrEqual(2000);
    }
  });

  it.each([16 * KiB, 1 * MiB, 64 * MiB])("accepts %d", (n) => expect(checkPieceLength(n)).toBe(n));
  it.each([0, 8 * KiB, 100000, 128 * MiB, 1.5, Number.NaN])("rejects %d", (n) => {
    expect(() => checkPieceLength(n)).toThrowError(
      expect.objectContaining({ code: "ERR_TORRENT_PIECE_LENGTH" }),
    );
  });
});
