// HTTP front end: one request handler shared by the standalone node:http server (the fast path) and
// the express 5 router (for embedding). It answers /announce, /scrape, /stats, /stats.json, /metrics.
import type { IncomingMessage, ServerResponse } from "node:http";
import { RequestError } from "./errors.js";
import { parseAnnounce, parseScrape } from "./http-query.js";
import { announceCompact, announceDict, failure, scrapeAnswer } from "./http-response.js";
import { normalizeIp, writeIpv4, writeIpv6 } from "./ip.js";
import { metricsText, type StatsParts, statsHtml, trackerStats } from "./stats.js";
import type { AnnounceOutput, Tracker } from "./tracker.js";

export interface HttpHandlerOptions {
  /** Serve /stats, /stats.json and /metrics. Default true. */
  stats?: boolean;
  /** The UDP and WebSocket front ends whose counters /stats and /metrics show (filled in as they start). */
  parts?: StatsParts;
}

const TEXT = "text/plain";

function send(res: ServerResponse, status: number, type: string, body: Buffer | string): void {
  const length = typeof body === "string" ? Buffer.byteLength(body) : body.length;
  res.writeHead(status, [
    "Content-Type",
    type,
    "Content-Length",
    String(length),
    "Cache-Control",
    "no-store",
  ]);
  res.end(body);
}

/** The compact (6 or 18 byte) address of ip:port; undefined when ip is neither family. */
export function compactAddress(ip: string, port: number): Buffer | undefined {
  if (ip.includes(":")) {
    const out = Buffer.allocUnsafe(18);
    if (!writeIpv6(ip, out, 0)) return undefined;
    out[16] = port >> 8;
    out[17] = port & 0xff;
    return out;
  }
  const out = Buffer.allocUnsafe(6);
  if (!writeIpv4(ip, out, 0)) return undefined;
  out[4] = port >> 8;
  out[5] = port & 0xff;
  return out;
}

/** Body of an /announce answer (a bencoded failure for bad requests); a Promise only for async stores. */
export function announceBody(
  tracker: Tracker,
  url: string,
  q: number,
  ip: string,
  admitted = false,
): Buffer | Promise<Buffer> {
  try {
    if (!admitted) tracker.admit(ip);
    const a = parseAnnounce(url, q);
    const addr = compactAddress(ip, a.port);
    if (addr === undefined) throw new RequestError("cannot tell the client's address");
    const r = tracker.announce(
      {
        infoHash: a.infoHash,
        peerId: a.peerId,
        ip,
        addr,
        left: a.left,
        event: a.event,
        numwant: a.numwant,
        withPeerIds: !a.compact && !a.noPeerId,
      },
      "http",
    );
    const format = (out: AnnounceOutput) =>
      a.compact ? announceCompact(out, tracker.trackerId) : announceDict(out, tracker.trackerId, a.noPeerId);
    if (r instanceof Promise) return r.then(format, (e) => refusal(tracker, e));
    return format(r);
  } catch (error) {
    return refusal(tracker, error);
  }
}

/** Body of a /scrape answer (a bencoded failure for bad requests). */
export function scrapeBody(
  tracker: Tracker,
  url: string,
  q: number,
  ip: string,
  admitted = false,
): Buffer | Promise<Buffer> {
  try {
    if (!admitted) tracker.admit(ip);
    const hashes = parseScrape(url, q);
    const sync = tracker.scrapeSync(hashes, "http");
    if (sync) return scrapeAnswer(sync);
    return tracker.scrape(hashes, "http").then(scrapeAnswer, (e) => refusal(tracker, e));
  } catch (error) {
    return refusal(tracker, error);
  }
}

function refusal(tracker: Tracker, error: unknown): Buffer {
  if (error instanceof RequestError) {
    tracker.fail(error.reason);
    return failure(error.reason);
  }
  // Clients only read the bencoded body; a tracker bug still gets a well-formed answer.
  tracker.emit("warning", error);
  tracker.fail("internal error");
  return failure("internal tracker error");
}

/**
 * A `(req, res, next?)` handler. `next` is called for paths it does not serve (express); without `next`
 * those get a 404.
 */
export function createHttpHandler(tracker: Tracker, options: HttpHandlerOptions = {}) {
  const withStats = options.stats ?? true;
  const reply = (res: ServerResponse, body: Buffer | Promise<Buffer>) => {
    if (body instanceof Promise) body.then((b) => send(res, 200, TEXT, b));
    else send(res, 200, TEXT, body);
  };

  return function handle(req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): void {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    if (path === "/announce" || path === "/scrape") {
      const ip = tracker.clientIp(
        normalizeIp(req.socket.remoteAddress ?? ""),
        req.headers["x-forwarded-for"],
      );
      reply(res, path === "/announce" ? announceBody(tracker, url, q, ip) : scrapeBody(tracker, url, q, ip));
      return;
    }
    if (withStats && (path === "/stats" || path === "/stats.json" || path === "/metrics")) {
      const accept = req.headers.accept ?? "";
      const s = trackerStats(tracker, options.parts);
      if (path === "/metrics") send(res, 200, "text/plain; version=0.0.4; charset=utf-8", metricsText(s));
      else if (
        path === "/stats.json" ||
        (accept.includes("application/json") && !accept.includes("text/html"))
      ) {
        send(res, 200, "application/json; charset=utf-8", JSON.stringify(s));
      } else send(res, 200, "text/html; charset=utf-8", statsHtml(s));
      return;
    }
    if (next) {
      next();
      return;
    }
    send(res, 404, TEXT, "not found\n");
  };
}
