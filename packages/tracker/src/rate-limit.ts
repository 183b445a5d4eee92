// Per-IP token buckets for announces and scrapes. The table is bounded: idle, full buckets are swept,
// and past `maxTracked` addresses a fresh address is let through rather than letting the table grow.
export interface RateLimitOptions {
  /** Requests an address may make at once. Default 60. */
  burst?: number;
  /** Refill rate in requests per second. Default 5. */
  perSecond?: number;
  /** Addresses tracked at most. Default 200000. */
  maxTracked?: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly burst: number;
  private readonly perMs: number;
  private readonly maxTracked: number;

  constructor(options: RateLimitOptions = {}) {
    this.burst = options.burst ?? 60;
    this.perMs = (options.perSecond ?? 5) / 1000;
    this.maxTracked = options.maxTracked ?? 200_000;
  }

  /** Takes one token for `ip` at time `now` (ms); false when the address is over its rate. */
  take(ip: string, now: number): boolean {
    const bucket = this.buckets.get(ip);
    if (bucket === undefined) {
      if (this.buckets.size < this.maxTracked) this.buckets.set(ip, { tokens: this.burst - 1, at: now });
      return true;
    }
    const tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    if (tokens < 1) {
      bucket.tokens = tokens;
      return false;
    }
    bucket.tokens = tokens - 1;
    return true;
  }

  /** Forgets addresses whose bucket has refilled. */
  sweep(now: number): void {
    for (const [ip, b] of this.buckets) {
      if (b.tokens + (now - b.at) * this.perMs >= this.burst) this.buckets.delete(ip);
    }
  }

  get tracked(): number {
    return this.buckets.size;
  }
}
