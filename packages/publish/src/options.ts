// The publisher's options, checked once: a bad value is a coded error naming the option, and the base URL
// is parsed here and nowhere else.
import type { RequestLog } from "@seedpress/webseed";
import { PublishError } from "./errors.js";
import type { OffloadOptions } from "./offload-policy.js";

export interface PublisherLimits {
  /** Open connections over all clients; past it, 503 + Retry-After. Default: the web seed's. */
  maxConnections?: number;
  /** Open connections per client (IP address). */
  maxConnectionsPerClient?: number;
  /** Average bytes per second over all clients. */
  maxBytesPerSecond?: number;
  /** Average bytes per second per client. */
  maxBytesPerSecondPerClient?: number;
}

export interface PublisherOptions {
  /** The folder published: every file and folder at its top becomes one torrent. */
  root: string;
  /** Address to listen on. Default "127.0.0.1". */
  host?: string;
  /** HTTP port; 0 lets the OS pick. Default 8080. */
  port?: number;
  /** Public URL of the root, written into the torrents' url-list and announce URLs. Default the listening URL. */
  baseUrl?: string;
  /** Where .torrent files are read and written. Default the root when writable, else a cache folder. */
  torrentsDir?: string;
  /** Base of the cache folder used for a read-only root. Default `$XDG_CACHE_HOME/seedpress` or `~/.cache/seedpress`. */
  cacheDir?: string;
  /** Hash every piece at start-up and refuse files that do not match. Default false. */
  verify?: boolean;
  /** Run the tracker beside the web seed on the same port (HTTP, WebSocket) plus UDP. Default true. */
  tracker?: boolean;
  /** SQLite file for the tracker's completed counters. Default none (memory). */
  trackerDb?: string;
  /**
   * Local UDP port of the tracker; 0 any free port, false none. Default: the HTTP port's number when
   * free, else no UDP.
   */
  udpPort?: number | false;
  /**
   * UDP port written into announce URLs (what clients reach, e.g. through NAT). Default the bound UDP
   * port, except with `baseUrl` set: then UDP is left out of new torrents, since the public port is unknown.
   */
  publicUdpPort?: number;
  /** The swarm-aware origin (see offload-policy.ts): true for the defaults. Default false. */
  offload?: boolean | OffloadOptions;
  limits?: PublisherLimits;
  /** Progress and notes for a front end to draw; the library never prints. */
  onEvent?: (event: PublishEvent) => void;
}

export type PublishEvent =
  | { type: "hashing"; name: string; bytesDone: number; bytesTotal: number }
  | { type: "hashed"; name: string }
  | { type: "made"; name: string; file: string }
  | { type: "reconciled"; name: string; file: string; changes: string[] }
  | { type: "skipped"; name: string; reason: string }
  | { type: "refused"; path: string; reason: string }
  | { type: "note"; message: string }
  | { type: "request"; log: RequestLog };

export interface ResolvedOptions {
  root: string;
  host: string;
  port: number;
  /** Parsed --base-url, ending in "/", or undefined (then made from the listening address). */
  baseUrl?: URL;
  torrentsDir?: string;
  cacheDir?: string;
  verify: boolean;
  tracker: boolean;
  trackerDb?: string;
  udpPort?: number | false;
  publicUdpPort?: number;
  offload: OffloadOptions | false;
  limits: PublisherLimits;
  emit: (event: PublishEvent) => void;
}

function port(name: string, value: number | undefined, allowZero: boolean): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1) || value > 65535)
    throw new PublishError("ERR_PUBLISH_OPTION", `${name}: ${value} is not a port`);
  return value;
}

/** Parses the public base URL once; it must be http(s) and ends in "/" afterwards. */
export function parseBaseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PublishError("ERR_PUBLISH_OPTION", `baseUrl: "${text}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new PublishError("ERR_PUBLISH_OPTION", `baseUrl: "${text}" is not an http(s) URL`);
  if (url.search || url.hash || url.username || url.password)
    throw new PublishError(
      "ERR_PUBLISH_OPTION",
      `baseUrl: "${text}" must not carry a query, fragment or user`,
    );
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url;
}

function limits(given: PublisherLimits = {}): PublisherLimits {
  for (const [key, value] of Object.entries(given)) {
    if (value !== undefined && (!Number.isFinite(value) || value <= 0))
      throw new PublishError("ERR_PUBLISH_OPTION", `limits.${key}: ${value} is not a positive number`);
  }
  return given;
}

export function resolveOptions(options: PublisherOptions): ResolvedOptions {
  if (!options || typeof options.root !== "string" || options.root === "")
    throw new PublishError("ERR_PUBLISH_OPTION", "root must be the path of a folder");
  const udpPort = options.udpPort === false ? false : port("udpPort", options.udpPort, true);
  return {
    root: options.root,
    host: options.host ?? "127.0.0.1",
    port: port("port", options.port, true) ?? 8080,
    baseUrl: options.baseUrl === undefined ? undefined : parseBaseUrl(options.baseUrl),
    torrentsDir: options.torrentsDir,
    cacheDir: options.cacheDir,
    verify: options.verify ?? false,
    tracker: options.tracker ?? true,
    trackerDb: options.trackerDb,
    udpPort,
    publicUdpPort: port("publicUdpPort", options.publicUdpPort, false),
    offload: options.offload === true ? {} : (options.offload ?? false),
    limits: limits(options.limits),
    emit: options.onEvent ?? (() => {}),
  };
}
