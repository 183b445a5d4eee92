// The pacer behind the bandwidth caps and the policy's slow lane: credit is handed out in turn, never
// beyond rate × time + the burst + one slice of debt, and a response that left is skipped and not charged.
// Fake timers and a fake clock: these are counts of bytes at given instants, not timings.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MIN_SLICE, Pacer, paceThrough } from "../src/pacer.js";

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

const clock = () => Date.now();

/** A response that asks for `slice` bytes again each time it gets them, until it has `total`. */
function reader(pacer: Pacer, slice: number, total: number, alive = () => true) {
  const r = { got: 0 };
  const next = (): void => {
    if (r.got >= total) return;
    pacer.wait(
      slice,
      () => {
        r.got += slice;
        next();
      },
      alive,
    );
  };
  next();
  return r;
}

describe("Pacer", () => {
  it("sends the burst at once, then no more than rate × elapsed time (+ one slice of debt)", () => {
    const pacer = new Pacer(100_000, 50_000, clock);
    const r = reader(pacer, 10_000, 10_000_000);
    // The burst goes out at once, and nothing more until credit comes back.
    expect(r.got).toBe(50_000);
    let elapsed = 0;
    for (const seconds of [1, 2, 5, 10]) {
      vi.advanceTimersByTime((seconds - elapsed) * 1000);
      elapsed = seconds;
      expect(r.got).toBeLessThanOrEqual(50_000 + 100_000 * seconds + 10_000);
      expect(r.got).toBeGreaterThanOrEqual(50_000 + 100_000 * seconds - 10_000);
    }
  });

  it("shares the rate between responses in turn", () => {
    const pacer = new Pacer(100_000, 0.001, clock);
    const a = reader(pacer, 10_000, 10_000_000);
    const b = reader(pacer, 10_000, 10_000_000);
    const c = reader(pacer, 10_000, 10_000_000);
    vi.advanceTimersByTime(30_000);
    const all = a.got + b.got + c.got;
    expect(all).toBeGreaterThan(2_900_000);
    expect(all).toBeLessThanOrEqual(3_000_000 + 30_000);
    for (const r of [a, b, c]) {
      expect(Math.abs(r.got - all / 3)).toBeLessThanOrEqual(10_000);
    }
  });

  it("skips a response that went away, without charging it", () => {
    const pacer = new Pacer(100_000, 0.001, clock);
    let gone = false;
    const leaver = reader(pacer, 10_000, 10_000_000, () => !gone);
    const stayer = reader(pacer, 10_000, 10_000_000);
    vi.advanceTimersByTime(1000);
    gone = true;
    const left = leaver.got;
    const before = stayer.got;
    vi.advanceTimersByTime(10_000);
    expect(leaver.got).toBe(left);
    // The stayer now has the whole rate.
    expect(stayer.got - before).toBeGreaterThanOrEqual(990_000);
    expect(pacer.waiting).toBe(1);
  });

  it("is idle (forgettable) only when full and nobody waits", () => {
    const pacer = new Pacer(100_000, 100_000, clock);
    expect(pacer.idle()).toBe(true);
    const r = reader(pacer, 60_000, 120_000);
    expect(r.got).toBe(120_000);
    expect(pacer.idle()).toBe(false);
    vi.setSystemTime(3000);
    expect(pacer.idle()).toBe(true);
  });

  it("slices about 1/16 s of traffic, at least MIN_SLICE, at most the chunk size", () => {
    expect(new Pacer(1_600_000, 1).slice(1 << 20)).toBe(100_000);
    expect(new Pacer(1000, 1).slice(1 << 20)).toBe(MIN_SLICE);
    expect(new Pacer(1e9, 1).slice(1 << 20)).toBe(1 << 20);
  });

  it("paceThrough waits on the narrowest pacer first and charges each", () => {
    const lane = new Pacer(10_000, 0.001, clock);
    const global = new Pacer(1_000_000, 1_000_000, clock);
    let got = 0;
    const next = (): void =>
      paceThrough(
        [lane, global],
        1000,
        () => true,
        () => {
          got += 1000;
          if (got < 1_000_000) next();
        },
      );
    next();
    vi.advanceTimersByTime(10_000);
    // The lane holds it to ~10 kB/s; the global pacer was charged the same bytes.
    expect(got).toBeGreaterThanOrEqual(99_000);
    expect(got).toBeLessThanOrEqual(102_000);
    expect(global.idle()).toBe(false);
  });
});
