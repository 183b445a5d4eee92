// The options of createWebseed, checked and given their defaults once, at start-up.
import { realpathSync, statSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { resolve } from "node:path";
import type { RequestLog } from "./context.js";
import { WebseedError } from "./errors.js";
import { type LimitOptions, validateLimits } from "./limits.js";

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
  /** Asked before serving bytes: may this range be served now? Default: always. */
  policy?: (request: PolicyRequest) => PolicyDecision | undefined;
}

export interface PolicyRequest {
  /** Served path, "/"-joined relative to root. */
  path: string;
  start: number;
  /** Inclusive. */
  end: number;
  /** File size. */
  size: number;
  client: string;
}

/**
 * `serve: true` sends the range; with `rate` (bytes per second) it goes out in a slow lane: this response
 * is paced at that rate from its first byte, on top of the bandwidth caps. `serve: false` answers 503 +
 * Retry-After (seconds).
 */
export type PolicyDecision = { serve: true; rate?: number } | { serve: false; retryAfter: number };

/** WebseedOptions resolved: every default filled in, every value checked. */
export interface Settings {
  rootReal: string;
  chunkSize: number;
  statTtl: number;
  maxOpenFiles: number;
  followSymlinks: boolean;
  cors: boolean;
  inlineReads: boolean;
  fallthrough: boolean;
  cacheControlFor: (key: string) => string;
  clientKey: (req: IncomingMessage) => string;
  onRequest: ((log: RequestLog) => void) | undefined;
  policy: WebseedOptions["policy"];
}

const IMMUTABLE = "public, max-age=31536000, immutable, no-transform";

export function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new WebseedError("ERR_WEBSEED_OPTION", `${name} must be a positive number, got ${value}`);
  }
  return value;
}

function realRoot(root: string): string {
  try {
    const real = realpathSync(resolve(root));
    if (!statSync(real).isDirectory()) throw new Error("not a folder");
    return real;
  } catch (error) {
    throw new WebseedError("ERR_WEBSEED_ROOT", `root ${root} is not a readable folder`, { cause: error });
  }
}

function withNoTransform(value: string): string {
  return /(^|,)\s*no-transform\s*(,|$)/i.test(value) ? value : `${value}, no-transform`;
}

function cacheControlFor(options: WebseedOptions): (key: string) => string {
  const plain = withNoTransform(options.cacheControl ?? "public, max-age=3600");
  const immutable = options.immutable ?? false;
  if (typeof immutable === "function") return (key) => (immutable(key) ? IMMUTABLE : plain);
  return immutable ? () => IMMUTABLE : () => plain;
}

export function resolveSettings(options: WebseedOptions): Settings {
  if (!options || typeof options.root !== "string" || options.root === "") {
    throw new WebseedError("ERR_WEBSEED_OPTION", "root must be the path of a folder");
  }
  const rootReal = realRoot(options.root);
  validateLimits(options);
  if (options.policy !== undefined && typeof options.policy !== "function") {
    throw new WebseedError("ERR_WEBSEED_OPTION", "policy must be a function");
  }
  return {
    rootReal,
    chunkSize: Math.floor(positive("chunkSize", options.chunkSize, 1024 * 1024)),
    statTtl: options.statTtl === undefined ? 1000 : Math.max(0, options.statTtl),
    maxOpenFiles: Math.floor(positive("maxOpenFiles", options.maxOpenFiles, 256)),
    followSymlinks: options.followSymlinks ?? true,
    cors: options.cors ?? true,
    inlineReads: options.inlineReads ?? true,
    fallthrough: options.fallthrough ?? false,
    cacheControlFor: cacheControlFor(options),
    clientKey: options.clientKey ?? ((req) => req.socket.remoteAddress ?? ""),
    onRequest: options.onRequest,
    policy: options.policy,
  };
}
