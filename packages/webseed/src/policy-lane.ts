// The policy's say over a response while it is sent: asked before the first bytes (where it may still
// refuse) and again before each later slice of up to POLICY_SLICE bytes, so a long range (libtorrent asks
// a web seed for up to a whole file at once) goes fast over the pieces the policy wants out and slowly over
// the rest, and speeds up the moment the policy's view changes (a holder left, the client's peers vanished).
import type { PolicyDecision } from "./options.js";
import { Pacer } from "./pacer.js";

/** Bytes one policy answer covers. */
export const POLICY_SLICE = 64 * 1024;

/** Asks the policy about bytes start..end (inclusive) of the response's file. */
export type AskPolicy = (start: number, end: number) => PolicyDecision | undefined;

/** A slow-lane rate from a decision: a positive finite `rate` of a `serve: true`, else none (full speed). */
export function laneRate(decision: PolicyDecision | undefined): number | undefined {
  if (decision?.serve !== true) return undefined;
  const rate = decision.rate;
  return rate !== undefined && Number.isFinite(rate) && rate > 0 ? rate : undefined;
}

export class PolicyLane {
  private pacer: Pacer | undefined;
  /** Last byte the current answer covers. */
  private until: number;

  constructor(
    private readonly ask: AskPolicy,
    first: PolicyDecision | undefined,
    firstEnd: number,
    private readonly onSlowed: () => void,
  ) {
    this.until = firstEnd;
    this.pacer = this.pacerFor(laneRate(first));
  }

  /**
   * The slow-lane pacer for the bytes from `position` (undefined: full speed) and the last byte that answer
   * covers. Past the last answer's range the policy is asked again; a refusal or an error there cannot be a
   * 503 any more (the head is sent) and means full speed.
   */
  at(position: number, end: number): { pacer: Pacer | undefined; until: number } {
    if (position > this.until) {
      this.until = Math.min(end, position + POLICY_SLICE - 1);
      let decision: PolicyDecision | undefined;
      try {
        decision = this.ask(position, this.until);
      } catch {
        decision = undefined;
      }
      this.pacer = this.pacerFor(laneRate(decision));
    }
    return { pacer: this.pacer, until: this.until };
  }

  /** Keeps the pacer while the rate stays, so its debt carries over from one answer to the next. */
  private pacerFor(rate: number | undefined): Pacer | undefined {
    if (rate === undefined) return undefined;
    this.onSlowed();
    return this.pacer?.rate === rate ? this.pacer : new Pacer(rate, 1);
  }
}
