// Hashes a piece as its bytes stream in — SHA-1 over everything (pad zeros included), and for v2
// the SHA-256 of each 16 KiB block of file bytes — so no piece is ever held in memory.
import { createHash, type Hash, hash } from "node:crypto";
import { MERKLE_BLOCK_SIZE, merkleRoot } from "@seedpress/torrent";
import type { PlannedPiece } from "./piece-plan.js";

const ZEROS = new Uint8Array(MERKLE_BLOCK_SIZE);

export interface PieceVerdict {
  /** Undefined when the torrent has no hash of that kind for the piece. */
  v1?: boolean;
  v2?: boolean;
}

export class PieceVerifier {
  private readonly sha1: Hash | undefined;
  private readonly leaves: Uint8Array | undefined;
  private leafCount = 0;
  private readonly block = Buffer.alloc(MERKLE_BLOCK_SIZE);
  private blockFill = 0;

  constructor(private readonly plan: PlannedPiece) {
    this.sha1 = plan.sha1 ? createHash("sha1") : undefined;
    this.leaves = plan.v2 ? new Uint8Array(plan.v2.width * 32) : undefined;
  }

  /** Bytes of a real file, in order. */
  update(bytes: Uint8Array): void {
    this.sha1?.update(bytes);
    if (!this.leaves) return;
    let at = 0;
    while (at < bytes.length) {
      const take = Math.min(MERKLE_BLOCK_SIZE - this.blockFill, bytes.length - at);
      this.block.set(bytes.subarray(at, at + take), this.blockFill);
      this.blockFill += take;
      at += take;
      if (this.blockFill === MERKLE_BLOCK_SIZE) this.flushBlock();
    }
  }

  /** A pad file's share of the piece: zeros for SHA-1, nothing for v2 (pads are outside every file tree). */
  pad(length: number): void {
    for (let left = length; left > 0; left -= ZEROS.length) {
      this.sha1?.update(ZEROS.subarray(0, Math.min(left, ZEROS.length)));
    }
  }

  digest(): PieceVerdict {
    const verdict: PieceVerdict = {};
    if (this.sha1 && this.plan.sha1) verdict.v1 = Buffer.from(this.sha1.digest()).equals(this.plan.sha1);
    if (this.leaves && this.plan.v2) {
      if (this.blockFill > 0) this.flushBlock();
      const used = this.leaves.subarray(0, this.leafCount * 32);
      verdict.v2 =
        this.leafCount <= this.plan.v2.width &&
        Buffer.from(merkleRoot(used, this.plan.v2.width)).equals(this.plan.v2.root);
    }
    return verdict;
  }

  private flushBlock(): void {
    // A file's last block is hashed as it is (BEP 52), not padded to 16 KiB.
    const leaf = hash("sha256", this.block.subarray(0, this.blockFill), "buffer");
    if (this.leafCount < this.plan.v2!.width) this.leaves!.set(leaf, this.leafCount * 32);
    this.leafCount++;
    this.blockFill = 0;
  }
}
