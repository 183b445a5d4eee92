// From an open file to a reply: pins, preconditions (304/412), the Range header (206/416), the policy (503
// or a slow lane) and the bandwidth caps (pacing), then the headers; the bytes themselves are ByteReader's job.

import type { Answers } from "./answers.js";
import { evaluatePreconditions, ifRangeAllows } from "./conditional.js";
import type { RequestContext } from "./context.js";
import type { FileCache, OpenFile } from "./file-cache.js";
import type { Limiter } from "./limits.js";
import type { PolicyDecision, Settings } from "./options.js";
import type { Pacer } from "./pacer.js";
import type { Pins } from "./pins.js";
import { laneRate, POLICY_SLICE, PolicyLane } from "./policy-lane.js";
import { parseRange } from "./range.js";
import { ByteReader, type ByteSink, type Reply } from "./read-bytes.js";
import type { Counters } from "./stats.js";

export interface SenderParts {
  settings: Settings;
  answers: Answers;
  cache: FileCache;
  limiter: Limiter;
  pins: Pins;
  counters: Counters;
}

type Span = { start: number; end: number; status: 200 | 206 };

const CHANGED = "Not Found: this file changed since its torrent was made";

export class FileSender implements ByteSink {
  private readonly reader: ByteReader;

  constructor(private readonly parts: SenderParts) {
    const { settings } = parts;
    this.reader = new ByteReader(settings.chunkSize, settings.inlineReads, parts.cache, this);
  }

  send(ctx: RequestContext, file: OpenFile): void {
    const { answers, pins, cache } = this.parts;
    if (!pins.holds(file.key, file)) {
      cache.drop(file.key);
      answers.text(ctx.res, 404, CHANGED);
      return;
    }
    if (!this.preconditionsPass(ctx, file)) return;
    const span = this.span(ctx, file);
    if (!span) return;
    const length = span.end - span.start + 1;
    const admitted = ctx.isHead || length === 0 ? { pacers: [] } : this.admitted(ctx, file, span);
    if (!admitted) return;
    const headers = this.headers(file, span, length);
    const stat = this.parts.counters.file(file.key);
    stat.requests++;
    if (ctx.isHead || length === 0) {
      ctx.res.writeHead(span.status, headers);
      ctx.res.end();
      return;
    }
    ctx.start = span.start;
    ctx.end = span.end;
    const { pacers, lane } = admitted;
    this.reader.send(ctx, {
      file,
      start: span.start,
      length,
      status: span.status,
      headers,
      stat,
      pacers,
      lane,
    });
  }

  count(ctx: RequestContext, reply: Reply, n: number): void {
    ctx.sent += n;
    reply.stat.bytes += n;
    this.parts.counters.bytes += n;
  }

  /** A short read: the file shrank or was replaced. Forget it and let the client retry (not load: not shed). */
  changed(ctx: RequestContext, file: OpenFile): void {
    this.parts.cache.drop(file.key);
    this.parts.answers.retryLater(ctx.res, 1, "the file changed while being read");
  }

  /** RFC 9110 §13.2.2; false when a 304 or 412 has been sent. */
  private preconditionsPass(ctx: RequestContext, file: OpenFile): boolean {
    const headers = ctx.req.headers;
    if (
      headers["if-match"] === undefined &&
      headers["if-none-match"] === undefined &&
      headers["if-modified-since"] === undefined &&
      headers["if-unmodified-since"] === undefined
    ) {
      return true;
    }
    const pre = evaluatePreconditions(headers, file.etag, mtimeSeconds(file), true);
    if (pre === "not-modified") {
      ctx.res.writeHead(304, [
        ...this.parts.answers.corsHeaders,
        "ETag",
        file.etag,
        "Last-Modified",
        file.lastModified,
        "Cache-Control",
        this.parts.settings.cacheControlFor(file.key),
      ]);
      ctx.res.end();
      return false;
    }
    if (pre === "failed") {
      this.parts.answers.text(ctx.res, 412, "Precondition Failed", ["ETag", file.etag]);
      return false;
    }
    return true;
  }

  /** The bytes to send, or undefined when a 416 has been sent. */
  private span(ctx: RequestContext, file: OpenFile): Span | undefined {
    const size = file.size;
    const whole: Span = { start: 0, end: size - 1, status: 200 };
    const header = ctx.req.headers.range;
    // A 0-byte file ignores Range (RFC 9110 lets a server do so): WebTorrent asks empty files of a multi-file
    // torrent for "bytes=0-N" and fails the whole piece on the 416 the rule would otherwise give.
    if (header === undefined || size === 0) return whole;
    const ifRange = ctx.req.headers["if-range"] as string | undefined;
    if (!ifRangeAllows(ifRange, file.etag, mtimeSeconds(file))) return whole;
    const range = parseRange(header, size);
    if (range.kind === "none") return whole;
    if (range.kind === "range") return { start: range.start, end: range.end, status: 206 };
    this.parts.answers.text(ctx.res, 416, "Range Not Satisfiable", [
      "Content-Range",
      `bytes */${size}`,
      "Accept-Ranges",
      "bytes",
      "ETag",
      file.etag,
    ]);
    return undefined;
  }

  /**
   * Asks the policy about the first bytes: undefined when it refused (a 503 has been sent, counted as
   * `deferred`); otherwise the bandwidth caps' pacers and, with a policy, its lane for the rest.
   */
  private admitted(
    ctx: RequestContext,
    file: OpenFile,
    span: Span,
  ): { pacers: Pacer[]; lane?: PolicyLane } | undefined {
    const { settings, limiter, answers, counters } = this.parts;
    const pacers = limiter.pacers(ctx.client);
    const policy = settings.policy;
    if (!policy) return { pacers };
    const ask = (start: number, end: number) =>
      policy({ path: file.key, start, end, size: file.size, client: ctx.client });
    const firstEnd = Math.min(span.end, span.start + POLICY_SLICE - 1);
    let decision: PolicyDecision | undefined;
    try {
      decision = ask(span.start, firstEnd);
    } catch (error) {
      if (ctx.next) ctx.next(error);
      else answers.text(ctx.res, 500, "Internal Server Error");
      return undefined;
    }
    if (decision && decision.serve === false) {
      counters.deferred++;
      answers.retryLater(ctx.res, retryAfterSeconds(decision.retryAfter), "fetch this from peers");
      return undefined;
    }
    // A range the first answer covers at full speed needs no lane (and may take the one-read path).
    if (firstEnd === span.end && laneRate(decision) === undefined) return { pacers };
    return { pacers, lane: new PolicyLane(ask, decision, firstEnd, () => counters.slowed++) };
  }

  /** The headers that depend only on the file are built once per open file. */
  private headers(file: OpenFile, span: Span, length: number): string[] {
    const cacheControl = this.parts.settings.cacheControlFor(file.key);
    let base = file.headers;
    if (base === undefined || base[base.length - 1] !== cacheControl) {
      base = [
        ...this.parts.answers.corsHeaders,
        "Accept-Ranges",
        "bytes",
        "Content-Type",
        file.contentType,
        "ETag",
        file.etag,
        "Last-Modified",
        file.lastModified,
        "Cache-Control",
        cacheControl,
      ];
      file.headers = base;
    }
    const range = `bytes ${span.start}-${span.end}/${file.size}`;
    return span.status === 206
      ? base.concat("Content-Length", String(length), "Content-Range", range)
      : base.concat("Content-Length", String(length));
  }
}

function mtimeSeconds(file: OpenFile): number {
  return Math.floor(file.mtimeMs / 1000) * 1000;
}

/** Whole seconds, at least 1: Retry-After takes a non-negative integer, and 0 would invite a hot loop. */
function retryAfterSeconds(value: number): number {
  return Number.isFinite(value) && value > 1 ? Math.ceil(value) : 1;
}
