// BEP 52 merkle trees: SHA-256 over 16 KiB blocks, missing leaves are 32 zero bytes, and a
// missing subtree is the hash of an all-zero subtree of the same height (not zeros).
import { hash } from "node:crypto";

export const BLOCK_SIZE = 16 * 1024;
const ZERO_LEAF = new Uint8Array(32);

/** zeroHashes[h] = root of a subtree of 2^h zero leaves. */
const zeroHashes: Uint8Array[] = [ZERO_LEAF];
export function zeroSubtreeRoot(height: number): Uint8Array {
  while (zeroHashes.length <= height) {
    const below = zeroHashes[zeroHashes.length - 1]!;
    zeroHashes.push(sha256Pair(below, below));
  }
  return zeroHashes[height]!;
}

const pairScratch = Buffer.alloc(64);
export function sha256Pair(left: Uint8Array, right: Uint8Array): Uint8Array {
  pairScratch.set(left, 0);
  pairScratch.set(right, 32);
  return hash("sha256", pairScratch, "buffer");
}

export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * Root of a tree whose bottom layer is `nodes` (32-byte hashes, contiguous) padded to `width`
 * (a power of two) with the root of a zero subtree of height `padHeight`.
 */
export function merkleRoot(nodes: Uint8Array, width: number, padHeight = 0): Uint8Array {
  let count = nodes.length / 32;
  if (count > width) throw new RangeError(`${count} nodes do not fit a tree of width ${width}`);
  let level = nodes;
  let height = padHeight;
  while (width > 1) {
    const pad = zeroSubtreeRoot(height);
    const nextCount = Math.ceil(count / 2);
    const next = new Uint8Array(Math.max(nextCount, 1) * 32);
    for (let i = 0; i < nextCount; i++) {
      const left = level.subarray(i * 64, i * 64 + 32);
      const right = 2 * i + 1 < count ? level.subarray(i * 64 + 32, i * 64 + 64) : pad;
      next.set(sha256Pair(left, right), i * 32);
    }
    if (nextCount === 0) next.set(sha256Pair(pad, pad), 0);
    level = next;
    count = Math.max(nextCount, 1);
    width /= 2;
    height++;
  }
  return level.subarray(0, 32);
}
