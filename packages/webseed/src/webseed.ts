// The request handler every face of the package shares (standalone server, express router, your own
// node:http server): BEP 19 path → file under the root → preconditions → one exact range → pread → socket.
import { read, readSync, realpathSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { resolve } from "node:path";
import { BufferPool } from "./buffer-pool.js";
import { evaluatePreconditions, ifRangeAllows } from "./conditional.js";
import { WebseedError } from "./errors.js";
import { FileCache, type OpenFile } from "./file-cache.js";
import { Limiter, type LimitOptions } from "./limits.js";
import { inTurn } from "./one-in-flight.js";
import { parseRange } from "./range.js";
import { parseRequestPath } from "./url-path.js";

export interface WebseedOptions extends LimitOptions {
  /** The folder served. Nothing outside it (after resolving symlinks) is ever read. */
  root: string;
  /** Cache-Control for files; `no-transform` is always added. Default "public, max-age=3600". */
  cacheControl?: string;
  /** Paths whose content never changes (versioned names): Cache-Control gets a year and `immutable`. Default false. */
  immutable?: boolean | ((path: string) => boolean);
  /** CORS headers for browser clients such as WebTorrent. Default true. */
  cors?: boolean;
  /** Follow symlinks whose target stays inside the root. Default true. */
  followSymlinks?: boolean;
  /** How long (ms) an open file is trusted before its path is re-resolved and re-stat'ed. Default 1000. */
  statTtl?: number;
  /** Open files kept (LRU). Default 256. */
  maxOpenFiles?: number;
  /** Largest single read (bytes): bigger ranges stream in chunks of this size. Default 1 MiB. */
  chunkSize?: number;
  /**
   * Read ranges up to 64 KiB on the main thread (`readSync`) while they come from the page cache. When more
   * than ~10% of recent ones took over 1 ms (they went to the disk), small reads go to the thread pool for
   * 5 s, then inline reads are tried again. Default true; false always uses the thread pool.
   */
  inlineReads?: boolean;
  /** How a client is told apart for the per-client caps. Default: the socket's remote address. */
  clientKey?: (req: IncomingMessage) => string;
  /** Called once per request when the response ends (or the client goes away). */
  onRequest?: (log: RequestLog) => void;
  /** On 404, call `next()` (express) instead of answering. Default false; the express router sets it true. */
  fallthrough?: boolean;
}

export interface RequestLog {
  method: string;
  url: string;
  status: number;
  /** Body bytes handed to the socket. */
  bytes: number;
  client: string;
  /** Milliseconds from the request to the end of the response. */
  ms: number;
  /** Set when the connection closed before the response was complete. */
  aborted: boolean;
}

export interface FileStats {
  requests: number;
  bytes: number;
}

export interface WebseedStats {
  requests: number;
  bytes: number;
  /** Requests answered 503 by a connection or bandwidth cap. */
  shed: number;
  openConnections: number;
  /** Per served path ("/"-joined, relative to the root). */
  files: Record<string, FileStats>;
}

/** Size and mtime a path must keep; anything else means the file changed and is refused. */
export interface Pin {
  size: number;
  mtimeMs: number;
}

interface Track {
  sent: number;
}

export type NextFunction = (error?: unknown) => void;

export interface Webseed {
  /** Answers one request; with `next` and `fallthrough`, calls it for paths that are not served files. */
  handle(req: IncomingMessage, res: ServerResponse, next?: NextFunction): void;
  stats(): WebseedStats;
  /** Serve `path` only while it keeps this size and mtime (see checkTorrents). */
  pin(path: string, pin: Pin): void;
  /** Answer 404 for `path` from now on; `reason` shows in `refused()`. */
  refuse(path: string, reason: string): void;
  refused(): Map<string, string>;
  /** The root, resolved (symlinks and all). */
  readonly root: string;
  /** Closes every cached file descriptor. */
  close(): Promise<void>;
}

const EXPOSE = "Content-Range, Accept-Ranges, ETag, Content-Length, Last-Modified";
const CORS_HEADERS = ["Access-Control-Allow-Origin", "*", "Access-Control-Expose-Headers", EXPOSE];
const PREFLIGHT_HEADERS = [
  "Access-Control-Allow-Origin",
  "*",
  "Access-Control-Allow-Methods",
  "GET, HEAD, OPTIONS",
  "Access-Control-Allow-Headers",
  "Range, If-Range, Cache-Control, User-Agent, If-None-Match, If-Modified-Since",
  "Access-Control-Max-Age",
  "86400",
  "Allow",
  "GET, HEAD, OPTIONS",
  "Content-Length",
  "0",
];
const SMALL_READ = 64 * 1024;
const INLINE_SLOW_MS = 1;
const INLINE_BACKOFF_MS = 5000;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new WebseedError("ERR_WEBSEED_OPTION", `${name} must be a positive number, got ${value}`);
  }
  return value;
}

export function createWebseed(options: WebseedOptions): Webseed {
  if (!options || typeof options.root !== "string" || options.root === "") {
    throw new WebseedError("ERR_WEBSEED_OPTION", "root must be the path of a folder");
  }
  let rootReal: string;
  try {
    rootReal = realpathSync(resolve(options.root));
    if (!statSync(rootReal).isDirectory()) throw new Error("not a folder");
  } catch (error) {
    throw new WebseedError("ERR_WEBSEED_ROOT", `root ${options.root} is not a readable folder`, {
      cause: error,
    });
  }
  for (const key of [
    "maxConnections",
    "maxConnectionsPerClient",
    "maxBytesPerSecond",
    "maxBytesPerSecondPerClient",
    "burstSeconds",
  ] as const) {
    positive(key, options[key], 1);
  }
  const chunkSize = Math.floor(positive("chunkSize", options.chunkSize, 1024 * 1024));
  const statTtl = options.statTtl === undefined ? 1000 : Math.max(0, options.statTtl);
  const cache = new FileCache({
    rootReal,
    followSymlinks: options.followSymlinks ?? true,
    statTtl,
    maxOpenFiles: Math.floor(positive("maxOpenFiles", options.maxOpenFiles, 256)),
  });
  const limiter = new Limiter(options);
  const cors = options.cors ?? true;
  const corsHeaders = cors ? CORS_HEADERS : [];
  const baseCacheControl = options.cacheControl ?? "public, max-age=3600";
  const plainCacheControl = withNoTransform(baseCacheControl);
  const immutableCacheControl = "public, max-age=31536000, immutable, no-transform";
  const immutable = options.immutable ?? false;
  const cacheControlFor =
    typeof immutable === "function"
      ? (key: string) => (immutable(key) ? immutableCacheControl : plainCacheControl)
      : () => (immutable ? immutableCacheControl : plainCacheControl);
  const clientKey = options.clientKey ?? ((req: IncomingMessage) => req.socket.remoteAddress ?? "");
  const onRequest = options.onRequest;
  const fallthrough = options.fallthrough ?? false;
  const smallPool = new BufferPool(Math.min(SMALL_READ, chunkSize), 256);
  const largePool = new BufferPool(chunkSize, 32);

  const inlineReads = options.inlineReads ?? true;
  let inlineResumeAt = 0;
  /** Moving average (over ~32 reads) of the share of inline reads slower than INLINE_SLOW_MS. */
  let slowScore = 0;

  const pins = new Map<string, Pin>();
  const refusedPaths = new Map<string, string>();
  const files = new Map<string, FileStats>();
  let totalRequests = 0;
  let totalBytes = 0;
  let shedCount = 0;

  function fileStats(key: string): FileStats {
    let s = files.get(key);
    if (!s) {
      s = { requests: 0, bytes: 0 };
      files.set(key, s);
    }
    return s;
  }

  function simple(res: ServerResponse, status: number, text: string, extra: string[] = []): void {
    const body = `${text}\n`;
    res.writeHead(status, [
      ...extra,
      ...corsHeaders,
      "Content-Type",
      "text/plain; charset=utf-8",
      "Cache-Control",
      "no-store",
      "Content-Length",
      String(Buffer.byteLength(body)),
    ]);
    res.end(res.req?.method === "HEAD" ? undefined : body);
  }

  function shed(res: ServerResponse, seconds: number, closeConnection: boolean): void {
    shedCount++;
    const extra = ["Retry-After", String(seconds)];
    if (closeConnection) {
      extra.push("Connection", "close");
      res.shouldKeepAlive = false;
    }
    simple(res, 503, "Service Unavailable: over the web seed's capacity, retry later", extra);
  }

  function notFound(req: IncomingMessage, res: ServerResponse, next: NextFunction | undefined): void {
    if (next && fallthrough) next();
    else simple(res, 404, "Not Found");
    void req;
  }

  function handle(req: IncomingMessage, res: ServerResponse, next?: NextFunction): void {
    inTurn(req, res, () => handleNow(req, res, next));
  }

  function handleNow(req: IncomingMessage, res: ServerResponse, next?: NextFunction): void {
    const started = onRequest ? performance.now() : 0;
    const method = req.method ?? "GET";
    const client = limiter.active || onRequest ? clientKey(req) : "";
    totalRequests++;
    const track: Track = { sent: 0 };
    if (onRequest) {
      res.once("close", () => {
        onRequest({
          method,
          url: req.url ?? "",
          status: res.statusCode,
          bytes: track.sent,
          client,
          ms: performance.now() - started,
          aborted: !res.writableFinished,
        });
      });
    }
    if (method === "OPTIONS") {
      if (!cors) {
        res.writeHead(204, ["Allow", "GET, HEAD, OPTIONS", "Content-Length", "0"]);
      } else res.writeHead(204, PREFLIGHT_HEADERS);
      res.end();
      return;
    }
    const isHead = method === "HEAD";
    if (!isHead && method !== "GET") {
      simple(res, 405, "Method Not Allowed", ["Allow", "GET, HEAD, OPTIONS"]);
      return;
    }
    if (limiter.active) {
      const wait = limiter.admitSocket(req.socket, client);
      if (wait > 0) {
        shed(res, wait, true);
        return;
      }
    }
    const parsed = parseRequestPath(req.url ?? "/");
    if (!parsed.ok) {
      if (parsed.status === 404) notFound(req, res, next);
      else simple(res, 400, "Bad Request: unsafe or malformed path");
      return;
    }
    const key = parsed.key;
    if (refusedPaths.size > 0 && refusedPaths.has(key)) {
      simple(res, 404, "Not Found: this file changed since its torrent was made");
      return;
    }
    const now = Date.now();
    const cached = cache.peek(key, now);
    if (cached) {
      serveFile(req, res, cached, key, isHead, client, next, track);
      return;
    }
    cache.get(key, parsed.segments, now).then(
      (file) => {
        if (res.destroyed) return;
        if (!file) notFound(req, res, next);
        else serveFile(req, res, file, key, isHead, client, next, track);
      },
      (error) => {
        if (next) next(error);
        else simple(res, 500, "Internal Server Error");
      },
    );
  }

  function serveFile(
    req: IncomingMessage,
    res: ServerResponse,
    file: OpenFile,
    key: string,
    isHead: boolean,
    client: string,
    next: NextFunction | undefined,
    track: Track,
  ): void {
    const pin = pins.size > 0 ? pins.get(key) : undefined;
    if (pin && (pin.size !== file.size || pin.mtimeMs !== file.mtimeMs)) {
      const reason = `size or mtime changed (now ${file.size} bytes) since it was checked against its torrent`;
      refusedPaths.set(key, reason);
      cache.drop(key);
      simple(res, 404, "Not Found: this file changed since its torrent was made");
      return;
    }
    void next;
    const headers = req.headers;
    const mtimeSeconds = Math.floor(file.mtimeMs / 1000) * 1000;
    const cacheControl = cacheControlFor(key);
    const pre =
      headers["if-match"] === undefined &&
      headers["if-none-match"] === undefined &&
      headers["if-modified-since"] === undefined &&
      headers["if-unmodified-since"] === undefined
        ? "ok"
        : evaluatePreconditions(headers, file.etag, mtimeSeconds, true);
    if (pre === "not-modified") {
      res.writeHead(304, [
        ...corsHeaders,
        "ETag",
        file.etag,
        "Last-Modified",
        file.lastModified,
        "Cache-Control",
        cacheControl,
      ]);
      res.end();
      return;
    }
    if (pre === "failed") {
      simple(res, 412, "Precondition Failed", ["ETag", file.etag]);
      return;
    }
    const size = file.size;
    let start = 0;
    let end = size - 1;
    let status = 200;
    const rangeHeader = headers.range;
    // A 0-byte file ignores Range (RFC 9110 lets a server do so): WebTorrent asks empty files of a multi-file
    // torrent for "bytes=0-N" and fails the whole piece on the 416 the rule would otherwise give.
    if (
      rangeHeader !== undefined &&
      size > 0 &&
      ifRangeAllows(headers["if-range"] as string | undefined, file.etag, mtimeSeconds)
    ) {
      const range = parseRange(rangeHeader, size);
      if (range.kind === "unsatisfiable") {
        simple(res, 416, "Range Not Satisfiable", [
          "Content-Range",
          `bytes */${size}`,
          "Accept-Ranges",
          "bytes",
          "ETag",
          file.etag,
        ]);
        return;
      }
      if (range.kind === "range") {
        start = range.start;
        end = range.end;
        status = 206;
      }
    }
    const length = end - start + 1;
    if (limiter.active && !isHead) {
      const wait = limiter.admitBytes(client, length, Date.now());
      if (wait > 0) {
        shed(res, wait, false);
        return;
      }
    }
    // The headers that only depend on the file are built once per open file.
    let base = file.headers;
    if (base === undefined || base[base.length - 1] !== cacheControl) {
      base = [
        ...corsHeaders,
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
    const out =
      status === 206
        ? base.concat("Content-Length", String(length), "Content-Range", `bytes ${start}-${end}/${size}`)
        : base.concat("Content-Length", String(length));
    const stat = fileStats(key);
    stat.requests++;
    if (isHead || length === 0) {
      res.writeHead(status, out);
      res.end();
      return;
    }
    cache.acquire(file);
    if (length <= smallPool.size) readOnce(res, file, start, length, status, out, stat, track);
    else stream(res, file, start, length, status, out, stat, track);
  }

  function count(track: Track, stat: FileStats, n: number): void {
    track.sent += n;
    stat.bytes += n;
    totalBytes += n;
  }

  function readOnce(
    res: ServerResponse,
    file: OpenFile,
    start: number,
    length: number,
    status: number,
    out: string[],
    stat: FileStats,
    track: Track,
  ): void {
    const buffer = smallPool.take();
    if (inlineReads && Date.now() >= inlineResumeAt) {
      // From the page cache a 16 KiB pread takes microseconds, far less than a thread-pool round trip (two
      // context switches, which cost the most in a VM). See `inlineReads` for how disk reads are kept off.
      const t0 = performance.now();
      let n: number;
      try {
        n = readSync(file.fd, buffer, 0, length, start);
      } catch {
        n = -1;
      }
      const slow = performance.now() - t0 > INLINE_SLOW_MS ? 1 : 0;
      slowScore += (slow - slowScore) / 32;
      if (slowScore > 0.1) {
        inlineResumeAt = Date.now() + INLINE_BACKOFF_MS;
        slowScore = 0;
      }
      cache.release(file);
      if (n !== length) {
        smallPool.give(buffer);
        changedUnderUs(res, file);
        return;
      }
      res.writeHead(status, out);
      count(track, stat, n);
      res.end(buffer.subarray(0, n), () => smallPool.give(buffer));
      return;
    }
    read(file.fd, buffer, 0, length, start, (error, n) => {
      cache.release(file);
      if (res.destroyed) {
        smallPool.give(buffer);
        return;
      }
      if (error || n !== length) {
        smallPool.give(buffer);
        changedUnderUs(res, file);
        return;
      }
      res.writeHead(status, out);
      count(track, stat, n);
      res.end(buffer.subarray(0, n), () => smallPool.give(buffer));
    });
  }

  function stream(
    res: ServerResponse,
    file: OpenFile,
    start: number,
    length: number,
    status: number,
    out: string[],
    stat: FileStats,
    track: Track,
  ): void {
    let position = start;
    let remaining = length;
    let headersSent = false;
    let released = false;
    const release = () => {
      if (!released) {
        released = true;
        cache.release(file);
      }
    };
    res.once("close", release);
    const pump = (): void => {
      if (res.destroyed) {
        release();
        return;
      }
      const want = Math.min(remaining, chunkSize);
      const buffer = largePool.take();
      read(file.fd, buffer, 0, want, position, (error, n) => {
        if (res.destroyed) {
          largePool.give(buffer);
          release();
          return;
        }
        if (error || n !== want) {
          largePool.give(buffer);
          release();
          if (headersSent) res.destroy(new Error(`${file.key} shrank while being served`));
          else changedUnderUs(res, file);
          return;
        }
        if (!headersSent) {
          headersSent = true;
          res.writeHead(status, out);
        }
        position += n;
        remaining -= n;
        count(track, stat, n);
        const chunk = buffer.subarray(0, n);
        if (remaining === 0) {
          release();
          res.end(chunk, () => largePool.give(buffer));
          return;
        }
        if (res.write(chunk, () => largePool.give(buffer))) pump();
        else res.once("drain", pump);
      });
    };
    pump();
  }

  /** A read came back short: the file shrank or was replaced. Forget it and let the client retry. */
  function changedUnderUs(res: ServerResponse, file: OpenFile): void {
    cache.drop(file.key);
    shedCount--; // not load: don't count it as shedding
    shed(res, 1, false);
  }

  return {
    handle,
    root: rootReal,
    stats() {
      const out: Record<string, FileStats> = {};
      for (const [key, s] of files) out[key] = { ...s };
      return {
        requests: totalRequests,
        bytes: totalBytes,
        shed: shedCount,
        openConnections: limiter.openConnections,
        files: out,
      };
    },
    pin(path, pin) {
      pins.set(path, { ...pin });
    },
    refuse(path, reason) {
      refusedPaths.set(path, reason);
      cache.drop(path);
    },
    refused() {
      return new Map(refusedPaths);
    },
    close() {
      return cache.closeAll();
    },
  };
}

function withNoTransform(value: string): string {
  return /(^|,)\s*no-transform\s*(,|$)/i.test(value) ? value : `${value}, no-transform`;
}
