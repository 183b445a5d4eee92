// Pacing instead of refusing: a token bucket that responses wait on, slice by slice, before they read the
// next bytes. A 503 for being over the rate strands libtorrent 2.0 clients (it never asks a web seed again
// once it has no peers); a response sent slowly never does. Waiters are served in turn (a response queues
// again after each slice), so connections share the rate fairly, and a waiting response holds no buffer.

/** One response waiting for credit. */
interface Waiter {
  bytes: number;
  go: () => void;
  /** False once the response is gone: it is skipped and charged nothing. */
  alive: () => boolean;
}

/** Smallest and largest slice a paced response reads at once (see Pacer.slice). */
export const MIN_SLICE = 16 * 1024;

export class Pacer {
  private tokens: number;
  private updated: number;
  private readonly queue: Waiter[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** Bytes per second. */
    readonly rate: number,
    /** Bytes that may go out at once after a quiet spell. */
    readonly capacity: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.tokens = capacity;
    this.updated = clock();
  }

  /**
   * Bytes a paced response should read at once: about 1/16 s of traffic, so that at a low rate a slice
   * does not leave in a burst, and at a high one waiters take turns often enough to share fairly.
   */
  slice(max: number): number {
    return Math.max(MIN_SLICE, Math.min(max, Math.floor(this.rate / 16)));
  }

  /** Waiting responses (for tests and stats). */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  /** True when the bucket is full and nobody waits: it may be forgotten. */
  idle(): boolean {
    this.refill();
    return this.waiting === 0 && this.tokens >= this.capacity;
  }

  /**
   * Calls `go` (synchronously when there is credit and nobody is ahead) once `bytes` may be sent, and
   * charges them then. The bucket may go into debt by one slice, so any slice goes out eventually.
   */
  wait(bytes: number, go: () => void, alive: () => boolean = () => true): void {
    this.refill();
    if (this.waiting === 0 && this.tokens > 0) {
      this.tokens -= bytes;
      go();
      return;
    }
    this.queue.push({ bytes, go, alive });
    this.schedule();
  }

  private refill(): void {
    const now = this.clock();
    const elapsed = (now - this.updated) / 1000;
    if (elapsed > 0) {
      this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.rate);
      this.updated = now;
    }
  }

  private schedule(): void {
    if (this.timer || this.waiting === 0) return;
    const ms = Math.max(1, Math.ceil((-this.tokens / this.rate) * 1000));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.release();
    }, ms);
    // Waiters of a closed server must not keep the process alive.
    this.timer.unref();
  }

  /** Hands credit to the waiters in arrival order while there is some. */
  private release(): void {
    this.refill();
    while (this.waiting > 0 && this.tokens > 0) {
      const waiter = this.queue[this.head++]!;
      if (!waiter.alive()) continue;
      this.tokens -= waiter.bytes;
      waiter.go();
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (this.waiting === 0) {
      this.queue.length = 0;
      this.head = 0;
    }
    this.schedule();
  }
}

/**
 * Waits on each pacer in turn (the narrowest first, so a response holds no credit of a shared pacer
 * while it still waits on its own), then calls `go`.
 */
export function paceThrough(
  pacers: readonly Pacer[],
  bytes: number,
  alive: () => boolean,
  go: () => void,
): void {
  const step = (i: number): void => {
    if (i === pacers.length) go();
    else pacers[i]!.wait(bytes, () => step(i + 1), alive);
  };
  step(0);
}
