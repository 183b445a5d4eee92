// The hub: folder → torrents → one HTTP server (the web seed, with the index, .torrent files, offload pages
// and tracker behind its fallback hook) + the tracker's UDP socket. It wires the stages; they do the work.
import { realpath, stat } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { metricsText, trackerStats } from "@seedpress/tracker";
import {
  checkTorrents,
  createWebseedServer,
  type RequestLog,
  type WebseedServer,
  type WebseedServerOptions,
} from "@seedpress/webseed";
import { PublishError } from "./errors.js";
import { indexPage } from "./index-page.js";
import { listEntries } from "./list-entries.js";
import {
  offloadPolicy,
  type PolicyDecision,
  type PolicyRequest,
  type SwarmCounts,
} from "./offload-policy.js";
import { OffloadHistory, offloadRows, type TorrentOffload } from "./offload-stats.js";
import { type PublisherOptions, type ResolvedOptions, resolveOptions } from "./options.js";
import { OriginLedger } from "./origin-ledger.js";
import { createFallback, type RouteState } from "./routes.js";
import { offloadMetrics, statsPage } from "./stats-page.js";
import { swarmView } from "./swarm-view.js";
import { type PublishedTorrent, publishEntry } from "./torrents.js";
import { chooseTorrentsDir, type TorrentsDir } from "./torrents-dir.js";
import { type RunningBeside, startBeside } from "./tracker-beside.js";

export interface Publisher {
  /** The one HTTP server (web seed, pages, tracker). */
  readonly server: Server;
  /** The address it listens on, as a URL ending in "/". */
  readonly listeningUrl: string;
  /** The public base URL written into torrents, ending in "/". */
  readonly baseUrl: string;
  /** The root, resolved. */
  readonly root: string;
  /** Where .torrent files are kept. */
  readonly torrentsDir: TorrentsDir;
  readonly torrents: PublishedTorrent[];
  /** Announce URLs written into new torrents (empty without the tracker). */
  readonly announce: string[];
  /** Offload figures per torrent, as /stats.json shows them. */
  offload(): TorrentOffload[];
  /** Requests and bytes the web seed served. */
  webseedStats(): { requests: number; bytes: number };
  close(): Promise<void>;
}

interface Running {
  seed: WebseedServer;
  beside?: RunningBeside;
  timer?: NodeJS.Timeout;
}

async function rootOf(given: string): Promise<string> {
  const real = await realpath(given).catch(() => undefined);
  const st = real === undefined ? undefined : await stat(real).catch(() => undefined);
  if (real === undefined || !st?.isDirectory())
    throw new PublishError("ERR_PUBLISH_ROOT", `${given}: no such folder`);
  return real;
}

async function listen(seed: WebseedServer, o: ResolvedOptions): Promise<AddressInfo> {
  try {
    return await seed.listen(o.port, o.host);
  } catch (error) {
    throw new PublishError("ERR_PUBLISH_LISTEN", (error as Error).message, { cause: error });
  }
}

async function publishAll(o: ResolvedOptions, context: Parameters<typeof publishEntry>[0]) {
  const listing = await listEntries(context.rootReal);
  for (const s of listing.skipped) o.emit({ type: "skipped", ...s });
  const torrents: PublishedTorrent[] = [];
  for (const entry of listing.entries) {
    const t = await publishEntry(context, entry);
    if (t) torrents.push(t);
  }
  return torrents;
}

async function check(seed: WebseedServer, torrents: PublishedTorrent[], o: ResolvedOptions): Promise<void> {
  const served = torrents.map((t) => ({ torrent: t.meta, path: t.name }));
  const report = await checkTorrents(seed.webseed, served, { verify: o.verify });
  for (const t of report.torrents)
    for (const f of t.files)
      if (!f.ok)
        o.emit({ type: "refused", path: f.path, reason: `${f.reason} does not match ${t.name}'s torrent` });
}

async function stop(running: Running): Promise<void> {
  clearInterval(running.timer);
  running.seed.server.closeAllConnections();
  await Promise.allSettled([running.beside?.beside.close(), running.seed.close()]);
}

/** /stats, /stats.json and /metrics over the offload rows, with a 5 s history for the chart. */
function wirePages(state: RouteState, rows: () => TorrentOffload[], beside?: RunningBeside): NodeJS.Timeout {
  const history = new OffloadHistory();
  const started = Date.now();
  state.statsHtml = () => statsPage(rows(), (h) => history.of(h));
  state.statsJson = () => JSON.stringify({ torrents: rows() }, null, 2);
  state.metrics = async () =>
    offloadMetrics(rows()) + (beside ? metricsText(await trackerStats(beside.beside.tracker)) : "");
  return setInterval(() => history.add((Date.now() - started) / 1000, rows()), 5000).unref();
}

export async function createPublisher(options: PublisherOptions): Promise<Publisher> {
  const o = resolveOptions(options);
  const rootReal = await rootOf(o.root);
  const torrentsDir = await chooseTorrentsDir(rootReal, o.torrentsDir, o.cacheDir);
  const state: RouteState = {
    ready: false,
    index: "",
    torrents: new Map(),
    statsHtml: () => "",
    statsJson: () => "[]",
    metrics: async () => "",
  };
  let ledger = new OriginLedger([]);
  let policy: ((r: PolicyRequest) => PolicyDecision) | undefined;
  const onRequest = (log: RequestLog) => {
    if (log.path !== undefined && log.start !== undefined) ledger.record(log.path, log.start, log.bytes);
    o.emit({ type: "request", log });
  };
  // `policy` is the web seed's hook (may this range be served now?); it is asked only once torrents exist.
  const seedOptions: WebseedServerOptions = {
    root: rootReal,
    ...o.limits,
    onRequest,
    fallback: createFallback(state),
    policy: (r) => policy?.(r),
  };
  const running: Running = { seed: createWebseedServer(seedOptions) };
  try {
    const address = await listen(running.seed, o);
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    const listeningUrl = `http://${host}:${address.port}/`;
    const baseUrl = o.baseUrl ?? new URL(listeningUrl);
    if (o.tracker) {
      running.beside = await startBeside({
        server: running.seed.server,
        host: o.host,
        httpPort: address.port,
        baseUrl,
        publicBase: o.baseUrl !== undefined,
        udpPort: o.udpPort,
        publicUdpPort: o.publicUdpPort,
        db: o.trackerDb,
        emit: o.emit,
      });
      state.tracker = running.beside.beside.handle;
    }
    const announce = running.beside?.announce ?? [];
    const torrents = await publishAll(o, { rootReal, torrentsDir, baseUrl, announce, emit: o.emit });
    await check(running.seed, torrents, o);
    for (const t of torrents) running.beside?.beside.allow(t.meta);
    const view = running.beside ? swarmView(running.beside.beside.tracker) : () => undefined;
    ledger = new OriginLedger(torrents);
    if (o.offload) policy = offloadPolicy(o.offload, { ledger, swarm: (l) => view(l.infoHash) });
    const rows = () => offloadRows(ledger, view);
    running.timer = wirePages(state, rows, running.beside);
    for (const t of torrents) state.torrents.set(t.torrentPath, t);
    state.index = indexPage(torrents, baseUrl.href);
    state.ready = true;
    return {
      server: running.seed.server,
      listeningUrl,
      baseUrl: baseUrl.href,
      root: rootReal,
      torrentsDir,
      torrents,
      announce,
      offload: rows,
      webseedStats: () => running.seed.webseed.stats(),
      close: () => stop(running),
    };
  } catch (error) {
    await stop(running);
    throw error;
  }
}

export type { SwarmCounts };
