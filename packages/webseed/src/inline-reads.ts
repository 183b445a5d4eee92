// Decides whether a small read may run on the main thread (readSync). From the page cache a 16 KiB pread
// takes microseconds, far less than a thread-pool round trip (two context switches, which cost the most in
// a VM); a run of slow ones means the file went to the disk, and the event loop must not wait on that.

const SLOW_MS = 1;
const BACKOFF_MS = 5000;

export class InlineReads {
  private resumeAt = 0;
  /** Moving average (over ~32 reads) of the share of inline reads slower than SLOW_MS. */
  private slowScore = 0;

  constructor(private readonly enabled: boolean) {}

  allowed(now: number): boolean {
    return this.enabled && now >= this.resumeAt;
  }

  /** Records how long an inline read took; after too many slow ones, reads go to the thread pool for 5 s. */
  record(ms: number): void {
    const slow = ms > SLOW_MS ? 1 : 0;
    this.slowScore += (slow - this.slowScore) / 32;
    if (this.slowScore > 0.1) {
      this.resumeAt = Date.now() + BACKOFF_MS;
      this.slowScore = 0;
    }
  }
}
