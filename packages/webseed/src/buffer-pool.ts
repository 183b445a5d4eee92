// Reusable read buffers: a buffer goes back to the pool only after the socket has taken its bytes, so the
// hot path allocates nothing and the pool never grows past `keep` idle buffers. With `max`, no more than
// that many are lent at once (`lend` answers undefined), which bounds the memory slow readers can pin.

/** A lent buffer. `back()` returns it for reuse; `back(false)` only ends the loan (the socket may still hold it). */
export interface Loan {
  buffer: Buffer;
  back(reuse?: boolean): void;
}

export class BufferPool {
  private readonly free: Buffer[] = [];
  private lent = 0;
  constructor(
    readonly size: number,
    private readonly keep: number,
    private readonly max = Number.POSITIVE_INFINITY,
  ) {}

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }

  give(buffer: Buffer): void {
    if (this.free.length < this.keep) this.free.push(buffer);
  }

  /** A counted buffer, or undefined when `max` are out. */
  lend(): Loan | undefined {
    if (this.lent >= this.max) return undefined;
    this.lent++;
    const buffer = this.take();
    let out = true;
    return {
      buffer,
      back: (reuse = true) => {
        if (!out) return;
        out = false;
        this.lent--;
        if (reuse) this.give(buffer);
      },
    };
  }
}
