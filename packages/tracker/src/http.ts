// HTTP front end: one request handler shared by the standalone node:http server (the fast path) and
// the express 5 router (for embedding). It answers /announce, /scrape, /stats, /stats.json, /metrics.
import type { IncomingMessage, ServerResponse } from "node:http";
import { RequestError } from "./errors.js";
import { parseAnnounce, parseScrape } from "./http-query.js";
import { announceCompact, announceDict, failure, scrapeAnswer } from "./http-response.js";
import { normalizeIp, writeIpv4, writeIpv6 } from "./ip.js";
import { metricsText, statsHtml, trackerStats } from "./stats.js";
import type { AnnounceOutput, Tracker } from "./tracker.js";

export interface HttpHandlerOptions {
  /** Serve /stats, /stats.json and /metrics. Default true. */
  stats?: boolean;
  /** Extra peer count for stats (the WebSocket side). */
  wsPeers?: () => number;
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

/**
 * A `(req, res, next?)` handler. `next` is called for paths it does not serve (express); without `next`
 * those get a 404.
 */
export function createHttpHandler(tracker: Tracker, options: HttpHandlerOptions = {}) {
  const withStats = options.stats ?? true;
  const trackerId = tracker.trackerId;

  const refuse = (res: ServerResponse, error: unknown) => {
    if (error instanceof RequestError) {
      tracker.fail(error.reason);
      send(res, 200, TEXT, failure(error.reason));
    } else {
      tracker.emit("warning", error);
      tracker.fail("internal error");
      send(res, 500, TEXT, failure("internal tracker error"));
    }
  };

  const answer = (res: ServerResponse, r: AnnounceOutput, compact: boolean, noPeerId: boolean) => {
    send(res, 200, TEXT, compact ? announceCompact(r, trackerId) : announceDict(r, trackerId, noPeerId));
  };

  return function handle(req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): void {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    if (path === "/announce") {
      try {
        const ip = tracker.clientIp(
          normalizeIp(req.socket.remoteAddress ?? ""),
          req.headers["x-forwarded-for"],
        );
        tracker.admit(ip);
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
        if (r instanceof Promise) {
          r.then(
            (out) => answer(res, out, a.compact, a.noPeerId),
            (e) => refuse(res, e),
          );
        } else answer(res, r, a.compact, a.noPeerId);
      } catch (error) {
        refuse(res, error);
      }
      return;
    }
    if (path === "/scrape") {
      try {
        const ip = tracker.clientIp(
          normalizeIp(req.socket.remoteAddress ?? ""),
          req.headers["x-forwarded-for"],
        );
        tracker.admit(ip);
        const hashes = parseScrape(url, q);
        const sync = tracker.scrapeSync(hashes, "http");
        if (sync) send(res, 200, TEXT, scrapeAnswer(sync));
        else
          tracker.scrape(hashes, "http").then(
            (entries) => send(res, 200, TEXT, scrapeAnswer(entries)),
            (e) => refuse(res, e),
          );
      } catch (error) {
        refuse(res, error);
      }
      return;
    }
    if (withStats && (path === "/stats" || path === "/stats.json" || path === "/metrics")) {
      const s = trackerStats(tracker, options.wsPeers?.() ?? 0);
      const accept = req.headers.accept ?? "";
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
