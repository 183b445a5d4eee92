// The options of checkMirrors, their defaults, and the checks that turn bad values into coded errors.
import { VERSION } from "@seedpress/torrent";
import { MirrorsError } from "./errors.js";
import type { CheckMirrorsReport, MirrorProgress } from "./report.js";
import { WEB_SEED_CLIENTS, type WebSeedClient } from "./web-seed-url.js";

export interface CheckMirrorsOptions {
  /** Extra mirrors (web seed URLs, BEP 19 form) to check besides the torrent's `url-list`. */
  mirrors?: string[];
  /** Check the torrent's own `url-list`. Default true. */
  urlList?: boolean;
  /** Pieces fetched from each mirror: a count (the last piece, one spanning two files and one before
   * a pad file are always among them) or "all". Default 8. */
  pieces?: number | "all";
  /** Mirrors checked at once; each mirror gets one request at a time. Default 8. */
  concurrency?: number;
  /** Milliseconds allowed for one request, headers and body. Default 30000. */
  timeout?: number;
  /** Redirects followed per request. Default 5. */
  maxRedirects?: number;
  /** The Origin sent to test CORS (browser clients such as WebTorrent need it). Default "https://example.org". */
  origin?: string;
  /** Clients whose URLs are checked (HEAD); pieces are always fetched under libtorrent's. Default all three. */
  clients?: WebSeedClient[];
  /** User-Agent header. Default "seedpress/<version>". */
  userAgent?: string;
  /** Seed for the random piece choice, to repeat a run exactly. Default: a random seed. */
  seed?: number;
  signal?: AbortSignal;
  /** Called as mirrors finish and bytes arrive. */
  onProgress?: (progress: MirrorProgress) => void;
  /** Called with each mirror's report as soon as it is done (reports also come back together). */
  onMirror?: (report: CheckMirrorsReport["mirrors"][number]) => void;
}

export type ResolvedOptions = Required<
  Omit<CheckMirrorsOptions, "signal" | "onProgress" | "onMirror" | "seed" | "mirrors">
> &
  Pick<CheckMirrorsOptions, "signal" | "onProgress" | "onMirror"> & { seed: number; mirrors: string[] };

export function resolveOptions(options: CheckMirrorsOptions): ResolvedOptions {
  const pieces = options.pieces ?? 8;
  if (pieces !== "all" && !(Number.isInteger(pieces) && pieces >= 1))
    throw new MirrorsError("ERR_MIRRORS_OPTION", `pieces: ${pieces} is not a count of at least 1 or "all"`);
  return {
    mirrors: options.mirrors ?? [],
    urlList: options.urlList ?? true,
    pieces,
    concurrency: positive(options.concurrency ?? 8, "concurrency", 1024),
    timeout: positive(options.timeout ?? 30_000, "timeout", 24 * 3600_000),
    maxRedirects: positive(options.maxRedirects ?? 5, "maxRedirects", 50, 0),
    origin: options.origin ?? "https://example.org",
    clients: checkClients(options.clients ?? [...WEB_SEED_CLIENTS]),
    userAgent: options.userAgent ?? `seedpress/${VERSION}`,
    seed: options.seed ?? Math.floor(Math.random() * 2 ** 32),
    signal: options.signal,
    onProgress: options.onProgress,
    onMirror: options.onMirror,
  };
}

function checkClients(clients: WebSeedClient[]): WebSeedClient[] {
  for (const client of clients) {
    if (!WEB_SEED_CLIENTS.includes(client))
      throw new MirrorsError(
        "ERR_MIRRORS_OPTION",
        `clients: "${client}" is not one of ${WEB_SEED_CLIENTS.join(", ")}`,
      );
  }
  return clients;
}

function positive(value: number, name: string, max: number, min = 1): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new MirrorsError(
      "ERR_MIRRORS_OPTION",
      `${name}: ${value} is not a whole number from ${min} to ${max}`,
    );
  return value;
}

/** mulberry32: a small seeded generator, so a run's piece choice can be repeated. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
