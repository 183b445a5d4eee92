// The serving of bytes: one exact range of an open file onto the response, with back-pressure, from pooled
// buffers. Small ranges go out in one read and one `res.end` (headers and body in one writev); larger ones,
// and paced ones, stream in chunks (a paced response waits for credit before each read, holding no buffer).
import { read, readSync } from "node:fs";
import { BufferPool, type Loan } from "./buffer-pool.js";
import type { RequestContext } from "./context.js";
import type { FileCache, OpenFile } from "./file-cache.js";
import { InlineReads } from "./inline-reads.js";
import { type Pacer, paceThrough } from "./pacer.js";
import type { PolicyLane } from "./policy-lane.js";
import type { FileStats } from "./stats.js";

const SMALL_READ = 64 * 1024;
/**
 * Bytes of large (chunkSize) buffers out at once over all responses. A slow reader holds its chunk until
 * the kernel takes it; past this budget streams use 64 KiB buffers, so 1,000 slow readers cost ~64 MiB
 * instead of 1,000 chunks.
 */
const LARGE_BUDGET = 32 * 1024 * 1024;

/** What one response needs besides its context: the file, the range, the status line and headers. */
export interface Reply {
  file: OpenFile;
  start: number;
  length: number;
  status: number;
  headers: string[];
  stat: FileStats;
  /** The bandwidth caps' pacers to wait on before each read (per client, global); empty: none. */
  pacers: readonly Pacer[];
  /** The policy's say over each slice (a slow lane or full speed), when there is a policy. */
  lane?: PolicyLane;
}

export interface ByteSink {
  /** Counts `n` body bytes of `reply` handed to the socket. */
  count(ctx: RequestContext, reply: Reply, n: number): void;
  /** A read came back short: the file shrank or was replaced under us. */
  changed(ctx: RequestContext, file: OpenFile): void;
}

export class ByteReader {
  private readonly small: BufferPool;
  private readonly large: BufferPool;
  private readonly inline: InlineReads;

  constructor(
    chunkSize: number,
    inlineReads: boolean,
    private readonly cache: FileCache,
    private readonly sink: ByteSink,
  ) {
    this.small = new BufferPool(Math.min(SMALL_READ, chunkSize), 256);
    this.large = new BufferPool(chunkSize, 32, Math.max(1, Math.floor(LARGE_BUDGET / chunkSize)));
    this.inline = new InlineReads(inlineReads);
  }

  /** Sends `reply`; the file is acquired here and released once no read uses its fd. */
  send(ctx: RequestContext, reply: Reply): void {
    this.cache.acquire(reply.file);
    if (reply.length <= this.small.size && reply.pacers.length === 0 && !reply.lane)
      this.readOnce(ctx, reply);
    else this.stream(ctx, reply);
  }

  private readOnce(ctx: RequestContext, reply: Reply): void {
    const { file, start, length } = reply;
    const buffer = this.small.take();
    if (this.inline.allowed(Date.now())) {
      const t0 = performance.now();
      let n: number;
      try {
        n = readSync(file.fd, buffer, 0, length, start);
      } catch {
        n = -1;
      }
      this.inline.record(performance.now() - t0);
      this.cache.release(file);
      this.finishOnce(ctx, reply, buffer, n);
      return;
    }
    read(file.fd, buffer, 0, length, start, (error, n) => {
      this.cache.release(file);
      if (ctx.res.destroyed) this.small.give(buffer);
      else this.finishOnce(ctx, reply, buffer, error ? -1 : n);
    });
  }

  private finishOnce(ctx: RequestContext, reply: Reply, buffer: Buffer, n: number): void {
    if (n !== reply.length) {
      this.small.give(buffer);
      this.sink.changed(ctx, reply.file);
      return;
    }
    ctx.res.writeHead(reply.status, reply.headers);
    this.sink.count(ctx, reply, n);
    ctx.res.end(buffer.subarray(0, n), () => this.small.give(buffer));
  }

  /** A buffer for the next chunk: a large one while the budget lasts (and it is needed), else a small one. */
  private loan(want: number): Loan {
    const large = want > this.small.size ? this.large.lend() : undefined;
    if (large) return large;
    const buffer = this.small.take();
    let out = true;
    return {
      buffer,
      back: (reuse = true) => {
        if (out && reuse) this.small.give(buffer);
        out = false;
      },
    };
  }

  private stream(ctx: RequestContext, reply: Reply): void {
    const { res } = ctx;
    const { file } = reply;
    let position = reply.start;
    let remaining = reply.length;
    let headersSent = false;
    let released = false;
    const out = new Set<Loan>();
    res.once("close", () => {
      // Normally every write callback has run by now; any that has not ends its loan without reuse.
      for (const loan of out) loan.back(false);
      if (!released) {
        released = true;
        this.cache.release(file);
      }
    });
    const release = () => {
      if (!released) {
        released = true;
        this.cache.release(file);
      }
    };
    // Paced responses read one slice at a time, the narrowest pacer's (see Pacer.slice).
    const slice = reply.pacers.reduce((m, p) => Math.min(m, p.slice(this.large.size)), this.large.size);
    const alive = () => !res.destroyed;
    const pump = (): void => {
      if (res.destroyed) {
        release();
        return;
      }
      let size = Math.min(remaining, slice);
      let pacers = reply.pacers;
      if (reply.lane) {
        const lane = reply.lane.at(position, reply.start + reply.length - 1);
        size = Math.min(size, lane.until - position + 1);
        if (lane.pacer) {
          size = Math.min(size, lane.pacer.slice(this.large.size));
          pacers = [lane.pacer, ...pacers];
        }
      }
      if (pacers.length === 0) readChunk(size);
      else paceThrough(pacers, size, alive, () => (res.destroyed ? release() : readChunk(size)));
    };
    const readChunk = (size: number): void => {
      const loan = this.loan(size);
      const { buffer } = loan;
      const want = Math.min(size, buffer.length);
      read(file.fd, buffer, 0, want, position, (error, n) => {
        if (res.destroyed || error || n !== want) {
          loan.back();
          release();
          if (res.destroyed) return;
          if (headersSent) res.destroy(new Error(`${file.key} shrank while being served`));
          else this.sink.changed(ctx, file);
          return;
        }
        if (!headersSent) {
          headersSent = true;
          res.writeHead(reply.status, reply.headers);
        }
        position += n;
        remaining -= n;
        this.sink.count(ctx, reply, n);
        out.add(loan);
        const sent = () => {
          out.delete(loan);
          loan.back();
        };
        const chunk = buffer.subarray(0, n);
        if (remaining === 0) {
          release();
          res.end(chunk, sent);
          return;
        }
        if (res.write(chunk, sent)) pump();
        else res.once("drain", pump);
      });
    };
    pump();
  }
}
