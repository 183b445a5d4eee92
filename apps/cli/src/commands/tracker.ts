// `seedpress tracker`: runs @seedpress/tracker standalone (HTTP + UDP, optional WebSocket) until stopped,
// in one process or, with --workers and a shared --store, in several sharing the ports (node:cluster).
import cluster from "node:cluster";
import { randomBytes } from "node:crypto";
import { homedir } from "node:os";
import { join } from "node:path";
import { type RunningTracker, startTracker } from "@seedpress/tracker";
import { parseCommandArgs, parseCount, parsePort } from "../args.js";
import { type Command, UsageError } from "../command.js";
import { printJson } from "../output.js";

/** Control characters (from file names) shown escaped, never sent to the terminal raw. */
function printable(text: string): string {
  let out = "";
  for (const c of text) {
    const code = c.charCodeAt(0);
    out += code < 0x20 || (code >= 0x7f && code <= 0x9f) ? `\\x${code.toString(16).padStart(2, "0")}` : c;
  }
  return out;
}

function workerCount(text: string | undefined, store: string | undefined): number {
  const n = parseCount(text, "--workers", { max: 256, unit: "number of processes" }) ?? 1;
  if (n > 1 && store === undefined)
    throw new UsageError(
      "--workers needs --store redis://HOST:PORT/DB: each process's in-memory store would see only its own peers",
    );
  return n;
}

/** Where completed counts are kept when --db is not given: the user's state folder (XDG). */
export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME || join(homedir(), ".local", "state");
  return join(state, "seedpress", "tracker.db");
}

const options = {
  host: { type: "string" },
  "http-port": { type: "string" },
  "udp-port": { type: "string" },
  ws: { type: "boolean" },
  allow: { type: "string", multiple: true },
  db: { type: "string" },
  store: { type: "string" },
  workers: { type: "string" },
  open: { type: "boolean" },
  interval: { type: "string" },
  "trust-proxy": { type: "string", multiple: true },
  "rate-limit": { type: "string" },
  json: { type: "boolean" },
} as const;

/** "60:5" (burst, per second) or "off". */
function rateLimit(text: string | undefined): { burst: number; perSecond: number } | false | undefined {
  if (text === undefined) return undefined;
  if (text === "off") return false;
  const m = /^(\d+):(\d+(?:\.\d+)?)$/.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[2]) <= 0)
    throw new UsageError(`--rate-limit: "${text}" is not BURST:PER_SECOND (e.g. 60:5) or off`);
  return { burst: Number(m[1]), perSecond: Number(m[2]) };
}

type Values = ReturnType<typeof parseCommandArgs<typeof options>>["values"];

async function dbPath(values: Values): Promise<string | undefined> {
  if (values.store !== undefined) {
    if (values.db !== undefined) throw new UsageError("--db and --store: the shared store keeps the counts");
    if (!/^rediss?:\/\//.test(values.store))
      throw new UsageError(`--store: "${values.store}" is not a redis:// or rediss:// URL`);
    return undefined;
  }
  if (values.db === "off") return undefined;
  if (values.db !== undefined) return values.db;
  const file = defaultDbPath();
  const { mkdir } = await import("node:fs/promises");
  await mkdir(join(file, ".."), { recursive: true });
  return file;
}

async function start(values: Values, quiet: boolean): Promise<RunningTracker> {
  const httpPort = parsePort(values["http-port"], "--http-port", 6969, { off: true });
  const udpPort = parsePort(values["udp-port"], "--udp-port", 6969, { off: true });
  if (httpPort === false && udpPort === false)
    throw new UsageError("--http-port off and --udp-port off: nothing to serve");
  if (values.ws && httpPort === false) throw new UsageError("--ws needs the HTTP port");
  const interval = parseCount(values.interval, "--interval", { unit: "number of seconds" });
  return startTracker({
    host: values.host ?? "127.0.0.1",
    httpPort,
    udpPort,
    ws: values.ws ?? false,
    allowPaths: values.allow ?? [],
    db: await dbPath(values),
    store: values.store,
    open: values.open ?? false,
    interval,
    minInterval: interval === undefined ? undefined : Math.max(1, Math.min(300, Math.floor(interval / 2))),
    trustProxy: values["trust-proxy"],
    rateLimit: rateLimit(values["rate-limit"]),
    udpSecret: process.env.SEEDPRESS_TRACKER_UDP_SECRET,
    // From the first scan of --allow on: a broken .torrent in a watched folder is worth a line.
    onWarning: (error: Error) => {
      if (!quiet || !/^redis /.test(error.message))
        process.stderr.write(`seedpress tracker: warning: ${printable(error.message)}\n`);
    },
  });
}

function report(running: RunningTracker, values: Values, workers: number): void {
  const t = running.tracker;
  const storage = t.store.describe?.() ?? "custom store";
  const allowed = t.allowlist.size;
  if (values.json) {
    printJson({
      httpUrl: running.httpUrl,
      udpUrl: running.udpUrl,
      wsUrl: running.wsUrl,
      torrentsAllowed: allowed,
      open: t.open,
      storage,
      workers,
    });
  } else {
    for (const url of running.announceUrls) process.stdout.write(`announce: ${url}\n`);
    if (running.httpUrl) process.stdout.write(`stats:    ${running.httpUrl.replace(/announce$/, "stats")}\n`);
    process.stdout.write(`allowed:  ${t.open ? "any info hash (--open)" : `${allowed} info hash(es)`}\n`);
    process.stdout.write(`counts:   ${storage}\n`);
    if (workers > 1) process.stdout.write(`workers:  ${workers} processes sharing the ports\n`);
  }
  if (!t.open && allowed === 0) {
    process.stderr.write(
      "seedpress tracker: warning: nothing allowed yet; every announce is refused (use --allow or --open)\n",
    );
  }
}

function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}

/** The primary of --workers N: forks the workers, prints what the first one reports, restarts crashes. */
async function runPrimary(values: Values, workers: number): Promise<number> {
  let stopping = false;
  // One UDP connection-id key for all workers: a client's next datagram may reach another worker.
  const udpSecret = randomBytes(32).toString("hex");
  const fork = () => {
    const worker = cluster.fork({ SEEDPRESS_TRACKER_WORKER: "1", SEEDPRESS_TRACKER_UDP_SECRET: udpSecret });
    worker.on("exit", (code) => {
      if (stopping) return;
      process.stderr.write(
        `seedpress tracker: warning: worker ${worker.process.pid} exited (${code}); restarting\n`,
      );
      fork();
    });
    return worker;
  };
  const forked = Array.from({ length: workers }, fork);
  const all = () => Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
  try {
    // Every worker must be up (listening) before the URLs are printed.
    const infos = await Promise.all(forked.map((w) => startedInfo(w)));
    printInfo(infos[0]!, values, workers);
  } catch (error) {
    stopping = true;
    for (const w of all()) w.kill();
    throw error;
  }
  await untilSignal();
  stopping = true;
  const exits = all().map(
    (w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once("exit", () => resolve()))),
  );
  for (const w of all()) w.process.kill("SIGTERM");
  await Promise.all(exits);
  return 0;
}

function startedInfo(worker: ReturnType<typeof cluster.fork>): Promise<RunningInfo> {
  return new Promise((resolve, reject) => {
    worker.once("message", (m: { running?: RunningInfo }) => {
      if (m.running) resolve(m.running);
    });
    worker.once("exit", (code) => reject(new Error(`a worker exited with code ${code} while starting`)));
  });
}

interface RunningInfo {
  httpUrl?: string;
  udpUrl?: string;
  wsUrl?: string;
  announceUrls: string[];
  allowed: number;
  open: boolean;
  storage: string;
}

function printInfo(info: RunningInfo, values: Values, workers: number): void {
  // The same lines as one process prints, from what the first worker reported.
  const fake = {
    ...info,
    tracker: {
      open: info.open,
      allowlist: { size: info.allowed },
      store: { describe: () => info.storage },
    },
  } as unknown as RunningTracker;
  report(fake, values, workers);
}

export const tracker: Command = {
  name: "tracker",
  summary: "run a BitTorrent tracker (HTTP, UDP, WebSocket) for your torrents only",
  usage: `
Usage: seedpress tracker [options]

Answers announces and scrapes for the info hashes it is given (--allow), nothing else unless --open.

      --host HOST          address to listen on (default: 127.0.0.1)
      --http-port PORT     HTTP port: /announce, /scrape, /stats, /metrics (default: 6969; 0 = any; off)
      --udp-port PORT      UDP port, BEP 15 (default: 6969; 0 = any; off)
      --ws                 also serve the WebTorrent (WebSocket) tracker on the HTTP port
      --allow PATH         a folder of .torrent files (watched), a .torrent, or a text file of hex
                           info hashes, one a line; repeat for more
      --db FILE            file keeping completed counts and API-allowed hashes (SQLite when
                           better-sqlite3 is installed, else a journal); default
                           $XDG_STATE_HOME/seedpress/tracker.db (~/.local/state/...); off = memory only
      --store URL          keep peers and counts in Redis (redis://HOST:PORT/DB), shared by every
                           process and host pointed at it
      --workers N          run N processes sharing the ports (needs --store)
      --open               answer for any info hash (no allowlist)
      --interval SECONDS   announce interval asked of clients (default: 1800)
      --trust-proxy IP     believe X-Forwarded-For from this proxy address; repeat for more
      --rate-limit B:R     per-IP announces and scrapes: burst B, then R a second (default 60:5; off)
      --json               print the listening URLs as JSON
`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, options, { min: 0, max: 0, names: "no arguments" });
    const workers = workerCount(values.workers, values.store);
    if (workers > 1 && cluster.isPrimary) return runPrimary(values, workers);
    const isWorker = cluster.isWorker && process.env.SEEDPRESS_TRACKER_WORKER === "1";
    const running = await start(values, isWorker && cluster.worker?.id !== 1);
    if (isWorker) {
      const t = running.tracker;
      const info: RunningInfo = {
        httpUrl: running.httpUrl,
        udpUrl: running.udpUrl,
        wsUrl: running.wsUrl,
        announceUrls: running.announceUrls,
        allowed: t.allowlist.size,
        open: t.open,
        storage: t.store.describe?.() ?? "custom store",
      };
      process.send?.({ running: info });
    } else report(running, values, 1);
    await untilSignal();
    await running.close();
    if (isWorker) cluster.worker?.disconnect(); // the IPC channel would keep the worker alive
    return 0;
  },
};
