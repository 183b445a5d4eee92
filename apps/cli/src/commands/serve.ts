// `seedpress serve <dir>`: arguments in, lines out. The work (torrents, web seed, tracker, index and
// offload pages, the swarm-aware origin) is @seedpress/publish's createPublisher.
import { mkdir, realpath } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import {
  cacheFolder,
  createPublisher,
  PublishError,
  type PublishEvent,
  type PublisherOptions,
} from "@seedpress/publish";
import { toMagnet } from "@seedpress/torrent";
import { formatBytes, parseByteSize, parseCommandArgs, parseCount, parsePort } from "../args.js";
import { type Command, UsageError } from "../command.js";
import { createProgressBar, type ProgressBar } from "../progress.js";

const usage = `
Usage: seedpress serve <dir> [options]

Serves every file and folder in <dir> as a BEP 19 web seed, with a .torrent for each (reused when one
is found, made otherwise), the tracker on the same port, an index page at / and offload figures at
/stats and /metrics. <dir> may be read-only: torrents then go to a cache folder.

      --host HOST          address to listen on (default: 127.0.0.1)
      --port PORT          port (default: 8080; 0 lets the OS pick)
      --base-url URL       public URL of <dir>, written into the torrents' url-list and trackers
                           (default: http://HOST:PORT/); a reused .torrent is re-wrapped to it
      --torrents-dir DIR   keep .torrent files here (default: beside the files when <dir> is
                           writable, else $XDG_CACHE_HOME/seedpress/<hash of dir>)
      --verify             hash every piece of every file at start-up; refuse files that do not match
      --offload on|off     the swarm-aware origin: repeat requests for pieces the swarm already
                           has go out slowly, so clients take them from peers (default: on;
                           see docs/offload.md)
      --max-connections N  open connections over all clients; past it, 503 + Retry-After
      --max-client-connections N   per client (IP address)
      --max-rate SIZE      average bytes per second over all clients (e.g. 50MiB); past it,
                           responses are sent slowly (paced), never refused
      --max-client-rate SIZE       per client
      --no-tracker         do not run the tracker beside the web seed
      --udp-port PORT      the tracker's local UDP port (default: the HTTP port's number if free)
      --public-udp-port PORT   UDP port written into announce URLs (default: the local one; with
                           --base-url and no --public-udp-port, UDP is left out of new torrents)
      --tracker-db FILE    keep the tracker's completed counts in this file (default: one per
                           served folder, $XDG_STATE_HOME/seedpress/serve/<hash of dir>/tracker.db;
                           off = in memory only)
      --verbose            log one line per request
`;

function offloadFlag(text: string | undefined): boolean {
  if (text === undefined || text === "on") return true;
  if (text === "off") return false;
  throw new UsageError(`--offload: "${text}" is not on or off`);
}

const options = {
  host: { type: "string" },
  port: { type: "string" },
  "base-url": { type: "string" },
  "torrents-dir": { type: "string" },
  verify: { type: "boolean" },
  offload: { type: "string" },
  "max-connections": { type: "string" },
  "max-client-connections": { type: "string" },
  "max-rate": { type: "string" },
  "max-client-rate": { type: "string" },
  "no-tracker": { type: "boolean" },
  "udp-port": { type: "string" },
  "public-udp-port": { type: "string" },
  "tracker-db": { type: "string" },
  verbose: { type: "boolean" },
} as const;

type Values = ReturnType<typeof parseCommandArgs<typeof options>>["values"];

function publisherOptions(dir: string, values: Values): PublisherOptions {
  const size = (flag: "max-rate" | "max-client-rate") =>
    values[flag] === undefined ? undefined : parseByteSize(values[flag], `--${flag}`);
  return {
    root: dir,
    host: values.host,
    port: parsePort(values.port, "--port", 8080),
    baseUrl: values["base-url"],
    torrentsDir: values["torrents-dir"],
    verify: values.verify ?? false,
    offload: offloadFlag(values.offload),
    tracker: !values["no-tracker"],
    udpPort: values["udp-port"] === undefined ? undefined : parsePort(values["udp-port"], "--udp-port", 0),
    publicUdpPort: parseCount(values["public-udp-port"], "--public-udp-port", { max: 65535, unit: "port" }),
    trackerDb: values["tracker-db"] === "off" ? undefined : values["tracker-db"],
    limits: {
      maxConnections: parseCount(values["max-connections"], "--max-connections"),
      maxConnectionsPerClient: parseCount(values["max-client-connections"], "--max-client-connections"),
      maxBytesPerSecond: size("max-rate"),
      maxBytesPerSecondPerClient: size("max-client-rate"),
    },
  };
}

/**
 * Where the tracker keeps completed counts when --tracker-db is not given: the user's state folder, one
 * file per served folder (by its real path), so a restart of `serve` keeps the counts. Undefined when
 * <dir> cannot be resolved (createPublisher then says why).
 */
export async function defaultTrackerDb(
  dir: string,
  warn: (line: string) => void,
  env = process.env,
): Promise<string | undefined> {
  const real = await realpath(dir).catch(() => undefined);
  if (real === undefined) return undefined;
  const state = env.XDG_STATE_HOME || join(homedir(), ".local", "state");
  const folder = cacheFolder(real, join(state, "seedpress", "serve"));
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    // A user with no writable state folder can still serve; the counts just start at 0 each time.
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    warn(`cannot make ${folder} (${code}): tracker counts kept in memory only (see --tracker-db)`);
    return undefined;
  }
  return join(folder, "tracker.db");
}

/** Draws the publisher's events: progress bars while hashing, one line per note. */
function eventPrinter(verbose: boolean, out: (line: string) => void, warn: (line: string) => void) {
  const bars = new Map<string, ProgressBar>();
  return (event: PublishEvent) => {
    switch (event.type) {
      case "hashing": {
        const bar = bars.get(event.name) ?? createProgressBar(`hashing ${event.name}`);
        bars.set(event.name, bar);
        bar.update(event.bytesDone, event.bytesTotal);
        break;
      }
      case "hashed":
        bars.get(event.name)?.finish();
        bars.delete(event.name);
        break;
      case "made":
        break;
      case "reconciled":
        out(`${event.name}: reused ${event.file}, info hash unchanged; now with ${event.changes.join("; ")}`);
        break;
      case "skipped":
        warn(`skipping ${event.name}: ${event.reason}`);
        break;
      case "refused":
        warn(`refusing ${event.path}: ${event.reason}`);
        break;
      case "note":
        warn(event.message);
        break;
      case "request": {
        if (!verbose) break;
        const l = event.log;
        out(
          `${new Date().toISOString()} ${l.client} ${l.method} ${l.url} ${l.status} ${l.bytes}B ${l.ms.toFixed(1)}ms${l.aborted ? " aborted" : ""}`,
        );
        break;
      }
    }
  };
}

export const serve: Command = {
  name: "serve",
  summary: "serve a folder as a web seed, with its .torrent files, a tracker and an index page",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, options, { min: 1, max: 1, names: "one <dir>" });
    const out = (line: string) => process.stdout.write(`${line}\n`);
    const warn = (line: string) => process.stderr.write(`seedpress serve: ${line}\n`);
    const config = publisherOptions(positionals[0]!, values);
    if (config.tracker && values["tracker-db"] === undefined)
      config.trackerDb = await defaultTrackerDb(positionals[0]!, warn);
    config.onEvent = eventPrinter(values.verbose ?? false, out, warn);
    let publisher: Awaited<ReturnType<typeof createPublisher>>;
    try {
      publisher = await createPublisher(config);
    } catch (error) {
      if (!(error instanceof PublishError)) throw error;
      if (!error.environment) throw new UsageError(error.message);
      warn(`${error.message} [${error.code}]`);
      return 3;
    }
    const stopped = new Promise<void>((resolve) => {
      const stop = () => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        resolve();
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    const { baseUrl, torrents } = publisher;
    if (publisher.listeningUrl !== baseUrl) out(`listening on ${publisher.listeningUrl}`);
    if (!publisher.torrentsDir.beside) out(`torrents kept in ${publisher.torrentsDir.dir}`);
    out(
      `serving ${publisher.root} at ${baseUrl} (${torrents.length} torrent${torrents.length === 1 ? "" : "s"})`,
    );
    if (config.tracker) out(`tracker counts kept in ${config.trackerDb ?? "memory only"}`);
    for (const t of torrents) {
      const link = new URL(t.torrentPath.split("/").map(encodeURIComponent).join("/"), baseUrl).href;
      out(`  ${t.meta.name}  ${formatBytes(t.meta.length)}  ${link}${t.made ? "  (made now)" : ""}`);
      out(`    ${toMagnet(t.meta)}`);
    }
    out("press Ctrl+C to stop");
    await stopped;
    const stats = publisher.webseedStats();
    await publisher.close();
    out(`stopped: ${stats.requests} requests, ${formatBytes(stats.bytes)} served`);
    return 0;
  },
};
