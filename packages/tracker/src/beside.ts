// The tracker embedded in another HTTP server (what `seedpress serve` uses): announce and scrape on the
// host server's own paths, WebSocket upgrades on it too, plus its own UDP socket.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { assembleTracker } from "./assemble.js";
import type { Tracker, TrackerOptions } from "./tracker.js";

export interface TrackerBesideOptions extends TrackerOptions {
  /** The host HTTP server; /announce, /scrape, /stats, /metrics are answered through `handle`. */
  server: Server;
  /** Public base URL of the host server, ending in "/" (announce URLs are made from it). */
  baseUrl: string;
  /** Address for the UDP socket. Default the base URL's host when it is an IP, else "127.0.0.1". */
  udpHost?: string;
  /** UDP port (0 = any free port), or false for none. Default 0. */
  udpPort?: number | false;
  /** Answer WebSocket (WebTorrent) upgrades on the host server. Default true. */
  ws?: boolean;
  /** Also answer /stats, /stats.json and /metrics (they shadow files of those names). Default true. */
  stats?: boolean;
}

export interface TrackerBeside {
  tracker: Tracker;
  /** Announce URLs to write into torrents: HTTP (via the host server), UDP, WebSocket. */
  announce: string[];
  /** Answers the tracker's paths; calls `next()` for anything else. */
  handle(req: IncomingMessage, res: ServerResponse, next: () => void): void;
  /** Allows a torrent's v1 and v2 info hashes (lowercase hex) as one swarm. */
  allow(meta: { infoHash?: string; infoHashV2?: string }): void;
  close(): Promise<void>;
}

export async function trackerBeside(options: TrackerBesideOptions): Promise<TrackerBeside> {
  const base = new URL(options.baseUrl);
  const bare = base.hostname.replace(/^\[|\]$/g, "");
  const udpHost = options.udpHost ?? (/^[\d.]+$|:/.test(bare) ? bare : "127.0.0.1");
  const assembled = await assembleTracker(options, {
    udp: options.udpPort === false ? false : { port: options.udpPort ?? 0, hosts: [udpHost] },
    ws: options.ws === false ? false : {},
    stats: options.stats,
  });
  const { tracker, ws } = assembled;
  const announce = [new URL("announce", base).href];
  if (assembled.udpPort !== undefined) announce.push(`udp://${base.hostname}:${assembled.udpPort}`);
  if (ws) {
    options.server.on("upgrade", (req, socket, head) => ws.handleUpgrade(req, socket, head));
    announce.push(`${base.protocol === "https:" ? "wss:" : "ws:"}//${base.host}${base.pathname}`);
  }
  return {
    tracker,
    announce,
    handle: (req, res, next) => assembled.handle(req, res, next),
    allow(meta) {
      const v1 = meta.infoHash?.toLowerCase();
      const v2 = meta.infoHashV2?.toLowerCase().slice(0, 40);
      if (v1 || v2) tracker.allowlist.addTorrent({ v1, v2Truncated: v2 }, "beside");
    },
    close: () => assembled.close(),
  };
}
