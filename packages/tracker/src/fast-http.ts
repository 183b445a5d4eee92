// The HTTP fast path. node:http spends most of an announce building request and response objects and
// headers; an announce is one short GET with a tiny answer. This server reads keep-alive GET /announce
// and /scrape requests straight off the socket and writes each answer (headers + body) with one write.
// Anything else, or anything unusual (a body, an upgrade, a huge header, another method or path), is
// handed with its bytes to the regular node:http server, which then owns that connection.
//
// Memory per connection is bounded whatever the client does: no further request is read while more than
// MAX_UNSENT bytes of answers wait in the socket (reading resumes on 'drain'), at most MAX_QUEUED answers
// of an async store wait in line, an address over its rate limit gets one refusal and the connection is
// closed (nothing is queued for it), a request head must arrive whole within `headersTimeoutMs`, and an
// idle keep-alive connection is closed after `idleTimeoutMs`.
import type { Server as HttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import { announceBody, scrapeBody } from "./http.js";
import { failure } from "./http-response.js";
import { normalizeIp } from "./ip.js";
import type { Tracker } from "./tracker.js";

export interface FastServerOptions {
  /** A request head must be complete within this many ms of its first byte (or of connecting). Default 10000. */
  headersTimeoutMs?: number;
  /** A keep-alive connection with no request in flight is closed after this many ms. Default 30000. */
  idleTimeoutMs?: number;
  /** Open connections at most; more are closed at once by the kernel listener. Default 8192. */
  maxConnections?: number;
}

const MAX_HEAD = 16_384;
/** Unsent answer bytes a connection may hold before we stop reading its requests. */
export const MAX_UNSENT = 65_536;
/** Answers of an async store waiting in order on one connection before we stop reading. */
const MAX_QUEUED = 32;
const CRLFCRLF = Buffer.from("\r\n\r\n");
const LFLF = Buffer.from("\n\n");
const GET_ANNOUNCE = Buffer.from("GET /announce?");
const GET_SCRAPE = Buffer.from("GET /scrape?");
const BASE = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nCache-Control: no-store\r\n";
const HEAD_1_1 = `${BASE}Content-Length: `;
const HEAD_1_0_KEEP = `${BASE}Connection: keep-alive\r\nContent-Length: `;
const HEAD_CLOSE = `${BASE}Connection: close\r\nContent-Length: `;
const RATE_LIMITED = failure("rate limit exceeded, retry later");

function startsWith(data: Buffer, at: number, prefix: Buffer): boolean {
  if (data.length - at < prefix.length) return false;
  return data.compare(prefix, 0, prefix.length, at, at + prefix.length) === 0;
}

function isPrefixOfOne(data: Buffer, at: number): boolean {
  const left = data.length - at;
  const rest = data.subarray(at);
  return (
    left < GET_ANNOUNCE.length &&
    (GET_ANNOUNCE.subarray(0, left).equals(rest) || GET_SCRAPE.subarray(0, left).equals(rest))
  );
}

interface Head {
  /** Index of the request's CRLFCRLF. */
  end: number;
  url: string;
  version: "HTTP/1.1" | "HTTP/1.0";
  keepAlive: boolean;
  forwarded?: string;
}

/** Parses one complete head at data[at..end]; undefined when it is something node:http must judge. */
export function parseHead(data: Buffer, at: number, end: number, trustProxy: boolean): Head | undefined {
  const lineEnd = data.indexOf(13, at);
  const space = data.lastIndexOf(32, lineEnd);
  if (space <= at + 4) return undefined;
  const version = data.toString("latin1", space + 1, lineEnd);
  if (version !== "HTTP/1.1" && version !== "HTTP/1.0") return undefined;
  const head: Head = {
    end,
    url: data.toString("latin1", at + 4, space),
    version,
    keepAlive: version === "HTTP/1.1",
  };
  // Header names that change what we do; everything else is ignored, as a tracker may.
  for (let line = lineEnd + 2; line < end; ) {
    let next = data.indexOf(13, line);
    if (next === -1 || next > end) next = end;
    const c = data[line]! | 0x20;
    if (c === 0x63 || c === 0x74 || c === 0x75 || c === 0x78) {
      const colon = data.indexOf(58, line);
      if (colon !== -1 && colon < next) {
        const name = data.toString("latin1", line, colon).toLowerCase();
        if (name === "connection") {
          const v = data
            .toString("latin1", colon + 1, next)
            .trim()
            .toLowerCase();
          if (v === "close") head.keepAlive = false;
          else if (v === "keep-alive") head.keepAlive = true;
        } else if (name === "content-length" || name === "transfer-encoding" || name === "upgrade") {
          return undefined;
        } else if (name === "x-forwarded-for" && trustProxy) {
          const v = data.toString("latin1", colon + 1, next);
          head.forwarded = head.forwarded === undefined ? v : `${head.forwarded},${v}`;
        }
      }
    }
    line = next + 2;
  }
  return head;
}

/** A net.Server answering announces itself and passing every other connection to `fallback`. */
export function createFastServer(
  tracker: Tracker,
  fallback: HttpServer,
  options: FastServerOptions = {},
): Server {
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const idleTimeout = options.idleTimeoutMs ?? 30_000;
  const server = createServer(
    { noDelay: true },
    (socket) => new FastConnection(tracker, fallback, socket, headersTimeout, idleTimeout),
  );
  server.maxConnections = options.maxConnections ?? 8192;
  return server;
}

/** One client connection on the fast path: a small state machine over the bytes read so far. */
class FastConnection {
  private pending: Buffer | undefined;
  /** Answers of an async store must leave in request order: a chain, and its length. */
  private queue: Promise<void> | undefined;
  private queued = 0;
  private headTimer: NodeJS.Timeout | undefined;
  /** When the head now awaited began (its first byte, or the connection); 0 while none is awaited. */
  private headSince = 0;
  private done = false;
  private readonly remote: string;
  private readonly trustProxy: boolean;

  constructor(
    private readonly tracker: Tracker,
    private readonly fallback: HttpServer,
    private readonly socket: Socket,
    private readonly headersTimeout: number,
    idleTimeout: number,
  ) {
    this.remote = normalizeIp(socket.remoteAddress ?? "");
    this.trustProxy = tracker.trustProxy.size > 0;
    socket.setTimeout(idleTimeout, () => socket.destroy());
    socket.on("error", () => socket.destroy());
    socket.on("close", () => clearTimeout(this.headTimer));
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("drain", () => this.resume());
    this.awaitHead(); // a connection that never sends a whole head is a slowloris
  }

  /**
   * Starts the head deadline if none runs. One timer per connection, armed only while a head is
   * awaited; answering a request just clears `headSince` (no timer work per request).
   */
  private awaitHead(): void {
    if (this.headSince !== 0) return;
    this.headSince = Date.now();
    if (this.headTimer === undefined) {
      this.headTimer = setTimeout(() => this.checkHead(), this.headersTimeout);
      this.headTimer.unref();
    } else this.headTimer.refresh();
  }

  private checkHead(): void {
    if (this.headSince === 0) return;
    const left = this.headSince + this.headersTimeout - Date.now();
    if (left <= 0) this.socket.destroy();
    else {
      this.headTimer = setTimeout(() => this.checkHead(), left);
      this.headTimer.unref();
    }
  }

  private onData(chunk: Buffer): void {
    const data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    this.run(data);
  }

  /** The socket flushed: read on, starting with what was left unread. */
  private resume(): void {
    if (this.done || this.blocked()) return;
    const data = this.pending;
    this.pending = undefined;
    this.socket.resume();
    if (data) this.run(data);
  }

  private blocked(): boolean {
    return this.socket.writableLength > MAX_UNSENT || this.queued >= MAX_QUEUED;
  }

  private run(data: Buffer): void {
    let at = 0;
    while (at < data.length && !this.done) {
      if (this.blocked()) {
        // Back-pressure: keep the rest unread (bounded by one read) until the client takes its answers.
        this.socket.pause();
        this.pending = data.subarray(at);
        return;
      }
      const next = this.step(data, at);
      if (next === -1) return;
      at = next;
    }
  }

  /** Answers the request at data[at]; returns where the next starts, or -1 when waiting or handed over. */
  private step(data: Buffer, at: number): number {
    const isAnnounce = startsWith(data, at, GET_ANNOUNCE);
    if (!isAnnounce && !startsWith(data, at, GET_SCRAPE)) {
      if (isPrefixOfOne(data, at)) return this.wait(data, at);
      this.handOver(data.subarray(at));
      return -1;
    }
    const end = data.indexOf(CRLFCRLF, at);
    if (end === -1) {
      // Bare-LF line ends (or an oversized head) are node:http's to judge, not ours to wait on.
      if (data.length - at > MAX_HEAD || data.indexOf(LFLF, at) !== -1) {
        this.handOver(data.subarray(at)); // node:http answers 431 or 400 and closes
        return -1;
      }
      return this.wait(data, at);
    }
    const head = parseHead(data, at, end, this.trustProxy);
    if (head === undefined) {
      this.handOver(data.subarray(at));
      return -1;
    }
    this.answer(head, isAnnounce);
    this.headSince = 0;
    return end + 4;
  }

  private wait(data: Buffer, at: number): number {
    this.pending = data.subarray(at);
    this.awaitHead();
    return -1;
  }

  private answer(head: Head, isAnnounce: boolean): void {
    const tracker = this.tracker;
    const ip = this.trustProxy ? tracker.clientIp(this.remote, head.forwarded) : this.remote;
    if (!tracker.take(ip)) {
      // Over the limit: one refusal, then the connection goes; nothing more is read or queued for it.
      tracker.fail("rate limit exceeded");
      this.finish(RATE_LIMITED, HEAD_CLOSE, false);
      this.socket.once("finish", () => this.socket.destroy());
      return;
    }
    const q = head.url.indexOf("?");
    const body = isAnnounce
      ? announceBody(tracker, head.url, q, ip, true)
      : scrapeBody(tracker, head.url, q, ip, true);
    const h = !head.keepAlive ? HEAD_CLOSE : head.version === "HTTP/1.0" ? HEAD_1_0_KEEP : HEAD_1_1;
    if (!(body instanceof Promise) && this.queue === undefined) {
      this.finish(body, h, head.keepAlive);
      return;
    }
    this.queued++;
    const prev = this.queue ?? Promise.resolve();
    const mine = prev
      .then(() => body)
      .then((b) => {
        this.queued--;
        if (this.queue === mine) this.queue = undefined;
        if (!this.socket.destroyed) this.finish(b, h, head.keepAlive);
        if (!this.done) this.resume();
      });
    this.queue = mine;
  }

  private finish(body: Buffer, head: string, keepAlive: boolean): void {
    const text = `${head}${body.length}\r\n\r\n`;
    const out = Buffer.allocUnsafe(text.length + body.length);
    out.write(text, 0, "latin1");
    body.copy(out, text.length);
    this.socket.write(out);
    if (!keepAlive) {
      this.done = true;
      this.pending = undefined;
      this.socket.end();
    }
  }

  private handOver(rest: Buffer): void {
    const socket = this.socket;
    this.done = true;
    this.headSince = 0;
    clearTimeout(this.headTimer);
    if (this.queue !== undefined) {
      // Answers still owed go out first, so node:http's answer keeps its place in the pipeline.
      socket.pause();
      const queue = this.queue;
      this.queue = undefined;
      void queue.then(() => this.handOver(rest));
      return;
    }
    socket.removeAllListeners("data");
    socket.removeAllListeners("drain");
    socket.removeAllListeners("timeout");
    socket.setTimeout(0);
    socket.pause();
    if (rest.length > 0) socket.unshift(rest);
    this.fallback.emit("connection", socket);
    socket.resume();
  }
}
