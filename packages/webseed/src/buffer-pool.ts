// Reusable read buffers: a buffer goes back to the pool only after the socket has taken its bytes, so the
// hot path allocates nothing and the pool never grows past `keep` idle buffers.

export class BufferPool {
  private readonly free: Buffer[] = [];
  constructor(
    readonly size: number,
    private readonly keep: number,
  ) {}

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }

  give(buffer: Buffer): void {
    if (this.free.length < this.keep) this.free.push(buffer);
  }
}
