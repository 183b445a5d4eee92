// `seedpress serve <dir>`: a web seed for every file and release folder in <dir>, their .torrent files,
// and a plain index page with magnet links. The torrent logic lives in @seedpress/torrent and the HTTP
// rules in @seedpress/webseed; this file only wires them and prints.
import { readdir, readFile, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import {
  bdecode,
  bencode,
  createTorrent,
  parseTorrent,
  type TorrentMeta,
  toMagnet,
  writeTorrentFile,
} from "@seedpress/torrent";
import { trackerBeside } from "@seedpress/tracker";
import {
  checkTorrents,
  createWebseed,
  parseRequestPath,
  type ServedTorrent,
  type Webseed,
} from "@seedpress/webseed";
import { formatBytes, parseByteSize, parseCommandArgs } from "../args.js";
import { type Command, UsageError } from "../command.js";
import { createProgressBar } from "../progress.js";

/**
 * The tracker that runs beside the web seed. `startTrackerBeside` returns undefined until the tracker is
 * wired in; when it returns one, its announce URLs go into the torrents made here, its `handle` sees every
 * request first (e.g. /announce, /scrape), and `allow` is told each served torrent.
 */
export interface TrackerBeside {
  /** Announce URLs to write into torrents this command makes. */
  announce: string[];
  /** Answers the tracker's own HTTP paths; calls `next()` for anything else. */
  handle?: (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  /** Told each torrent served, so an allow-listing tracker can accept its info hashes. */
  allow?: (meta: TorrentMeta) => void;
  close(): Promise<void>;
}

export interface TrackerBesideContext {
  /** The HTTP server the web seed listens on (the tracker may share it, or open its own sockets). */
  server: Server;
  host: string;
  port: number;
  /** Public base URL of this server, ending in "/". */
  baseUrl: string;
  /** False with --no-tracker. */
  enabled: boolean;
  /** SQLite file for the tracker's completed counters (--tracker-db); in memory when absent. */
  db?: string;
}

/**
 * The tracker (packages/tracker) on the web seed's own port (HTTP announce/scrape, WebSocket) plus a UDP
 * socket, allow-listing exactly the torrents served. Wired here so @seedpress/webseed never imports it.
 */
export async function startTrackerBeside(context: TrackerBesideContext): Promise<TrackerBeside | undefined> {
  if (!context.enabled) return undefined;
  const options = { server: context.server, baseUrl: context.baseUrl, udpHost: context.host, db: context.db };
  // UDP on the same number as the HTTP port, so announce URLs written into .torrent files stay valid
  // across restarts; if that port is taken, no UDP rather than a URL that changes every run.
  try {
    return await trackerBeside({ ...options, udpPort: context.port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    return trackerBeside({ ...options, udpPort: false });
  }
}

interface Entry {
  /** Name in <dir>: a file or a release folder. */
  name: string;
  meta: TorrentMeta;
  /** The .torrent bytes served over HTTP (url-list made to include this server). */
  torrent: Uint8Array;
  torrentName: string;
  made: boolean;
}

const usage = `
Usage: seedpress serve <dir> [options]

Serves every file and folder in <dir> as a BEP 19 web seed, with a .torrent for each (found beside it
as <name>.torrent, or made and written there), and an index page with magnet links at /.

      --host HOST          address to listen on (default: 127.0.0.1)
      --port PORT          port (default: 8080; 0 lets the OS pick)
      --base-url URL       public URL of <dir>, written into the torrents' url-list
                           (default: http://HOST:PORT/)
      --verify             hash every piece of every file at start-up; refuse files that do not match
      --max-connections N  open connections over all clients; past it, 503 + Retry-After
      --max-client-connections N   per client (IP address)
      --max-rate SIZE      average bytes per second over all clients (e.g. 50MiB)
      --max-client-rate SIZE       per client
      --no-tracker         do not run the tracker beside the web seed (HTTP and WebSocket on
                           this port, UDP on a free port; it answers only for the torrents served)
      --tracker-db FILE    keep the tracker's completed counters in this SQLite file
      --verbose            log one line per request
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function encodePath(relative: string): string {
  return relative.split("/").map(encodeURIComponent).join("/");
}

function positiveInt(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) <= 0)
    throw new UsageError(`${what}: "${text}" is not a positive whole number`);
  return Number(text);
}

/** Adds `seed` to a torrent's url-list without touching its info dictionary (so the info hash stays). */
function withWebSeed(bytes: Uint8Array, meta: TorrentMeta, seed: string): Uint8Array {
  if (meta.urlList.includes(seed)) return bytes;
  try {
    const root = bdecode(bytes).value;
    if (!(root instanceof Map)) return bytes;
    root.set("url-list", [...[seed, ...meta.urlList].map((u) => new TextEncoder().encode(u))]);
    const out = bencode(root);
    const check = parseTorrent(out);
    return check.infoHash === meta.infoHash && check.infoHashV2 === meta.infoHashV2 ? out : bytes;
  } catch {
    return bytes;
  }
}

async function prepare(
  dir: string,
  baseUrl: string,
  announce: string[],
  log: (line: string) => void,
): Promise<Entry[]> {
  const names = (await readdir(dir)).filter((n) => !n.startsWith(".") && !n.endsWith(".torrent")).sort();
  const entries: Entry[] = [];
  for (const name of names) {
    const full = path.join(dir, name);
    const st = await stat(full).catch(() => undefined);
    if (!st || !(st.isFile() || st.isDirectory())) continue;
    const single = st.isFile();
    // BEP 19: single-file → the URL is the file; multi-file → URL + name/ + path, so the url-list is <dir>'s URL.
    const seed = single ? `${baseUrl}${encodeURIComponent(name)}` : baseUrl;
    const torrentName = `${name}.torrent`;
    const torrentPath = path.join(dir, torrentName);
    let bytes = await readFile(torrentPath).catch(() => undefined);
    let meta: TorrentMeta;
    let made = false;
    if (bytes) {
      try {
        meta = parseTorrent(bytes);
      } catch (error) {
        log(`skipping ${name}: ${torrentName} is not a valid torrent (${(error as Error).message})`);
        continue;
      }
      if (meta.singleFile !== single) {
        log(`skipping ${name}: ${torrentName} is a ${meta.singleFile ? "single" : "multi"}-file torrent`);
        continue;
      }
    } else {
      const bar = createProgressBar(`hashing ${name}`);
      let created: Awaited<ReturnType<typeof createTorrent>>;
      try {
        created = await createTorrent(full, {
          webSeeds: [seed],
          announce: announce.length > 0 ? announce : undefined,
          onProgress: (p) => bar.update(p.bytesDone, p.bytesTotal),
        });
      } catch (error) {
        bar.finish();
        const err = error as Error & { code?: string };
        log(`skipping ${name}: cannot make a torrent (${err.message})`);
        continue;
      } finally {
        bar.finish();
      }
      if (!single && created.name !== name) {
        log(`skipping ${name}: the torrent would be named "${created.name}"`);
        continue;
      }
      await writeTorrentFile(torrentPath, created.torrent);
      bytes = Buffer.from(created.torrent);
      meta = created;
      made = true;
    }
    const served = withWebSeed(bytes, meta, seed);
    if (served !== bytes) meta = parseTorrent(served);
    entries.push({ name, meta, torrent: served, torrentName, made });
  }
  return entries;
}

function indexPage(entries: Entry[], baseUrl: string): string {
  const rows = entries
    .map((e) => {
      const magnet = toMagnet(e.meta);
      const files = e.meta.files.filter((f) => !f.padding).length;
      const direct = e.meta.singleFile
        ? ` · <a href="${escapeHtml(encodePath(e.name))}">direct download</a>`
        : "";
      return `<li><strong>${escapeHtml(e.meta.name)}</strong> — ${escapeHtml(formatBytes(e.meta.length))}, ${files} file${files === 1 ? "" : "s"}<br>
<a href="${escapeHtml(encodePath(e.torrentName))}" type="application/x-bittorrent">.torrent</a> · <a href="${escapeHtml(magnet)}">magnet link</a>${direct}<br>
<code>${escapeHtml(e.meta.infoHash ?? e.meta.infoHashV2 ?? "")}</code></li>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Torrents at ${escapeHtml(baseUrl)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}li{margin:1rem 0}code{font-size:.8em;color:#555}</style>
</head><body>
<h1>Torrents</h1>
<p>Each download below works in any BitTorrent client; this server is its web seed, so it starts at once.</p>
<ul>
${rows || "<li>Nothing to serve yet.</li>"}
</ul>
</body></html>
`;
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Uint8Array,
  extra: string[] = [],
): void {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  res.writeHead(status, [
    "Content-Type",
    type,
    "Content-Length",
    String(bytes.length),
    "Access-Control-Allow-Origin",
    "*",
    "Cache-Control",
    "no-cache",
    ...extra,
  ]);
  res.end(res.req?.method === "HEAD" ? undefined : bytes);
}

export const serve: Command = {
  name: "serve",
  summary: "serve a folder as a web seed, with its .torrent files and an index page",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        host: { type: "string" },
        port: { type: "string" },
        "base-url": { type: "string" },
        verify: { type: "boolean" },
        "max-connections": { type: "string" },
        "max-client-connections": { type: "string" },
        "max-rate": { type: "string" },
        "max-client-rate": { type: "string" },
        "no-tracker": { type: "boolean" },
        "tracker-db": { type: "string" },
        verbose: { type: "boolean" },
      },
      { min: 1, max: 1, names: "one <dir>" },
    );
    const dir = path.resolve(positionals[0]!);
    const dirStat = await stat(dir).catch(() => undefined);
    if (!dirStat?.isDirectory()) throw new UsageError(`${positionals[0]}: no such folder`);
    const host = values.host ?? "127.0.0.1";
    const portText = values.port ?? "8080";
    if (!/^\d+$/.test(portText) || Number(portText) > 65535)
      throw new UsageError(`--port: "${portText}" is not a port`);
    let baseUrlOption = values["base-url"];
    if (baseUrlOption !== undefined) {
      if (!/^https?:\/\/[^\s/]+/i.test(baseUrlOption))
        throw new UsageError(`--base-url: "${baseUrlOption}" is not an http(s) URL`);
      if (!baseUrlOption.endsWith("/")) baseUrlOption += "/";
    }
    const verbose = values.verbose ?? false;
    const out = (line: string) => process.stdout.write(`${line}\n`);
    const warn = (line: string) => process.stderr.write(`seedpress serve: ${line}\n`);

    const webseed: Webseed = createWebseed({
      root: dir,
      fallthrough: true,
      maxConnections: positiveInt(values["max-connections"], "--max-connections"),
      maxConnectionsPerClient: positiveInt(values["max-client-connections"], "--max-client-connections"),
      maxBytesPerSecond: values["max-rate"] ? parseByteSize(values["max-rate"], "--max-rate") : undefined,
      maxBytesPerSecondPerClient: values["max-client-rate"]
        ? parseByteSize(values["max-client-rate"], "--max-client-rate")
        : undefined,
    });

    let entries: Entry[] | undefined;
    let tracker: TrackerBeside | undefined;
    const torrentsByName = new Map<string, Entry>();
    let index = "";
    const server = createServer((req, res) => {
      if (verbose) {
        const started = performance.now();
        res.once("close", () => {
          const aborted = res.writableFinished ? "" : " aborted";
          const ms = (performance.now() - started).toFixed(1);
          out(
            `${new Date().toISOString()} ${req.socket.remoteAddress} ${req.method} ${req.url} ${res.statusCode} ${ms}ms${aborted}`,
          );
        });
      }
      if (!entries) {
        send(res, 503, "text/plain; charset=utf-8", "starting: hashing files, retry shortly\n", [
          "Retry-After",
          "5",
        ]);
        return;
      }
      const url = (req.url ?? "/").split("?")[0]!;
      const method = req.method ?? "GET";
      const readOnly = method === "GET" || method === "HEAD";
      const own = () => {
        if (readOnly && url === "/") {
          send(res, 200, "text/html; charset=utf-8", index);
          return;
        }
        const parsed = readOnly && url.endsWith(".torrent") ? parseRequestPath(url) : undefined;
        const entry = parsed?.ok ? torrentsByName.get(parsed.key) : undefined;
        if (entry) {
          send(res, 200, "application/x-bittorrent", entry.torrent, [
            "Content-Disposition",
            `attachment; filename*=UTF-8''${encodeURIComponent(entry.torrentName)}`,
          ]);
          return;
        }
        webseed.handle(req, res, () => send(res, 404, "text/plain; charset=utf-8", "Not Found\n"));
      };
      if (tracker?.handle) tracker.handle(req, res, own);
      else own();
    });

    const address = await new Promise<AddressInfo>((resolve, reject) => {
      server.once("error", (error) =>
        reject(new UsageError(`cannot listen on ${host}:${portText}: ${error.message}`)),
      );
      server.listen(Number(portText), host, () => resolve(server.address() as AddressInfo));
    });
    const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
    const baseUrl = baseUrlOption ?? `http://${urlHost}:${address.port}/`;

    const stopped = new Promise<void>((resolve) => {
      const stop = () => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        server.close(() => resolve());
        server.closeAllConnections();
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });

    try {
      tracker = await startTrackerBeside({
        server,
        host,
        port: address.port,
        baseUrl,
        enabled: !values["no-tracker"],
        db: values["tracker-db"],
      });
      const prepared = await prepare(dir, baseUrl, tracker?.announce ?? [], warn);
      const served: ServedTorrent[] = prepared.map((e) => ({ torrent: e.meta, path: e.name }));
      const report = await checkTorrents(webseed, served, { verify: values.verify ?? false });
      for (const t of report.torrents) {
        for (const f of t.files)
          if (!f.ok) warn(`refusing ${f.path}: ${f.reason} does not match ${t.name}'s torrent`);
      }
      for (const e of prepared) {
        torrentsByName.set(e.torrentName, e);
        tracker?.allow?.(e.meta);
      }
      index = indexPage(prepared, baseUrl);
      entries = prepared;
      const listening = `http://${urlHost}:${address.port}/`;
      if (listening !== baseUrl) out(`listening on ${listening}`);
      out(`serving ${dir} at ${baseUrl} (${prepared.length} torrent${prepared.length === 1 ? "" : "s"})`);
      for (const e of prepared) {
        out(
          `  ${e.meta.name}  ${formatBytes(e.meta.length)}  ${baseUrl}${encodeURIComponent(e.torrentName)}${e.made ? "  (made now)" : ""}`,
        );
        out(`    ${toMagnet(e.meta)}`);
      }
      out("press Ctrl+C to stop");
    } catch (error) {
      server.close();
      server.closeAllConnections();
      await webseed.close();
      throw error;
    }

    await stopped;
    await tracker?.close();
    await webseed.close();
    const stats = webseed.stats();
    out(`stopped: ${stats.requests} requests, ${formatBytes(stats.bytes)} served`);
    return 0;
  },
};
