// `seedpress tracker`: runs @seedpress/tracker standalone (HTTP + UDP, optional WebSocket) until stopped.
import { startTracker } from "@seedpress/tracker";
import { parseCommandArgs } from "../args.js";
import { type Command, UsageError } from "../command.js";
import { printJson } from "../output.js";

function port(text: string | undefined, flag: string, fallback: number): number | false {
  if (text === undefined) return fallback;
  if (text === "off") return false;
  if (!/^\d+$/.test(text) || Number(text) > 65535)
    throw new UsageError(`${flag}: "${text}" is not a port (0-65535, or off)`);
  return Number(text);
}

/** Control characters (from file names) shown escaped, never sent to the terminal raw. */
function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}

function seconds(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new UsageError(`${flag}: "${text}" is not a number of seconds`);
  return Number(text);
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
      --db FILE            SQLite file keeping completed counts and API-allowed hashes
      --open               answer for any info hash (no allowlist)
      --interval SECONDS   announce interval asked of clients (default: 1800)
      --trust-proxy IP     believe X-Forwarded-For from this proxy address; repeat for more
      --json               print the listening URLs as JSON
`,
  async run(argv) {
    const { values } = parseCommandArgs(
      argv,
      {
        host: { type: "string" },
        "http-port": { type: "string" },
        "udp-port": { type: "string" },
        ws: { type: "boolean" },
        allow: { type: "string", multiple: true },
        db: { type: "string" },
        open: { type: "boolean" },
        interval: { type: "string" },
        "trust-proxy": { type: "string", multiple: true },
        json: { type: "boolean" },
      },
      { min: 0, max: 0, names: "no arguments" },
    );
    const httpPort = port(values["http-port"], "--http-port", 6969);
    const udpPort = port(values["udp-port"], "--udp-port", 6969);
    if (httpPort === false && udpPort === false)
      throw new UsageError("--http-port off and --udp-port off: nothing to serve");
    if (values.ws && httpPort === false) throw new UsageError("--ws needs the HTTP port");
    const interval = seconds(values.interval, "--interval");
    const running = await startTracker({
      host: values.host ?? "127.0.0.1",
      httpPort,
      udpPort,
      ws: values.ws ?? false,
      allowPaths: values.allow ?? [],
      db: values.db,
      open: values.open ?? false,
      interval,
      minInterval: interval === undefined ? undefined : Math.max(1, Math.min(300, Math.floor(interval / 2))),
      trustProxy: values["trust-proxy"],
      // From the first scan of --allow on: a broken .torrent in a watched folder is worth a line.
      onWarning: (error: Error) =>
        process.stderr.write(`seedpress tracker: warning: ${printable(error.message)}\n`),
    });
    const t = running.tracker;
    const allowed = t.allowlist.size;
    if (values.json) {
      printJson({
        httpUrl: running.httpUrl,
        udpUrl: running.udpUrl,
        wsUrl: running.wsUrl,
        torrentsAllowed: allowed,
        open: t.open,
      });
    } else {
      for (const url of running.announceUrls) process.stdout.write(`announce: ${url}\n`);
      if (running.httpUrl)
        process.stdout.write(`stats:    ${running.httpUrl.replace(/announce$/, "stats")}\n`);
      process.stdout.write(`allowed:  ${t.open ? "any info hash (--open)" : `${allowed} info hash(es)`}\n`);
    }
    if (!t.open && allowed === 0) {
      process.stderr.write(
        "seedpress tracker: warning: nothing allowed yet; every announce is refused (use --allow or --open)\n",
      );
    }
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    await running.close();
    return 0;
  },
};
