// What the web seed does not serve lands here (its `fallback` hook): the index page, the .torrent files,
// the offload pages, then the tracker's announce and scrape. The request path is cut from the URL once.
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseRequestPath } from "@seedpress/webseed";
import { send } from "./respond.js";
import type { PublishedTorrent } from "./torrents.js";

export interface RouteState {
  /** False while torrents are being made. */
  ready: boolean;
  index: string;
  /** Torrent path under the root ("/"-joined, decoded) → torrent. */
  torrents: Map<string, PublishedTorrent>;
  statsHtml(): string;
  statsJson(): string;
  metrics(): Promise<string>;
  /** The tracker's handler, if it runs. */
  tracker?: (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
}

const HTML = "text/html; charset=utf-8";

function page(state: RouteState, path: string, res: ServerResponse): boolean {
  if (path === "/") {
    if (state.ready) send(res, 200, HTML, state.index);
    else
      send(res, 503, "text/plain; charset=utf-8", "starting: hashing files, retry shortly\n", [
        "Retry-After",
        "5",
      ]);
    return true;
  }
  if (path === "/stats") send(res, 200, HTML, state.statsHtml());
  else if (path === "/stats.json") send(res, 200, "application/json", state.statsJson());
  else if (path === "/metrics")
    state.metrics().then(
      (text) => send(res, 200, "text/plain; version=0.0.4; charset=utf-8", text),
      () => send(res, 500, "text/plain; charset=utf-8", "metrics unavailable\n"),
    );
  else return false;
  return true;
}

function torrentFile(state: RouteState, path: string, res: ServerResponse): boolean {
  if (!path.endsWith(".torrent")) return false;
  // `.torrents/x.torrent` is a dot path the web seed never serves (see torrents.ts); decode it by hand.
  const parsed = parseRequestPath(path.replace(/^\/\.torrents\//, "/"));
  const key = parsed.ok ? (path.startsWith("/.torrents/") ? `.torrents/${parsed.key}` : parsed.key) : "";
  const torrent = state.torrents.get(key);
  if (!torrent) return false;
  const filename = encodeURIComponent(torrent.torrentPath.split("/").pop()!);
  send(res, 200, "application/x-bittorrent", torrent.torrent, [
    "Content-Disposition",
    `attachment; filename*=UTF-8''${filename}`,
  ]);
  return true;
}

export function createFallback(state: RouteState) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const url = req.url ?? "/";
    const cut = url.search(/[?#]/);
    const path = cut === -1 ? url : url.slice(0, cut);
    const readOnly = req.method === "GET" || req.method === "HEAD";
    if (readOnly && (page(state, path, res) || torrentFile(state, path, res))) return;
    if (state.tracker) state.tracker(req, res, next);
    else next();
  };
}
