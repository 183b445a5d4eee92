import { type CheckMirrorsReport, checkMirrors, type WebSeedClient } from "@seedpress/mirrors";
import type { TorrentMeta } from "@seedpress/torrent";
import { parseCommandArgs, parseCount } from "../args.js";
import type { Command } from "../command.js";
import { print, printJson } from "../output.js";
import { createProgressBar } from "../progress.js";
import { loadTorrent } from "./load-torrent.js";
import { mirrorLine, summaryLine } from "./mirrors-output.js";

export const mirrors: Command = {
  name: "mirrors",
  summary: "check every web seed serves the right bytes (exit 1 names the bad mirror, file, piece)",
  usage: `
Usage: seedpress mirrors <file.torrent> [--mirror URL]... [options]

  -m, --mirror URL        also check this web seed (BEP 19 form); repeat for more
      --no-url-list       check only the --mirror URLs, not the torrent's url-list
      --pieces N|all      pieces fetched per mirror (default 8; the last piece, one spanning
                          two files and one before a pad file are always among them)
  -j, --concurrency N     mirrors checked at once (default 8)
      --timeout MS        milliseconds for one request, headers and body (default 30000)
      --seed N            seed of the random piece choice, to repeat a run
      --origin URL        Origin sent to test CORS (default https://example.org)
      --clients LIST      whose URLs to check: libtorrent,aria2,webtorrent (default all)
      --json              print the full report as JSON

  One line per mirror: ok, WARNING (redirects, no CORS, one client's URL fails) or FAILED
  (unreachable, timeout, layout mismatch, stale, wrong bytes, ignores Range).
  Exit 0 when no mirror failed, 1 when one did, 2 on bad input.
`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        mirror: { type: "string", short: "m", multiple: true },
        "no-url-list": { type: "boolean" },
        pieces: { type: "string" },
        concurrency: { type: "string", short: "j" },
        timeout: { type: "string" },
        seed: { type: "string" },
        origin: { type: "string" },
        clients: { type: "string" },
        json: { type: "boolean" },
      },
      { min: 1, max: 1, names: "one <file.torrent>" },
    );
    const meta = await loadTorrent(positionals[0]!);
    return runMirrorCheck(meta, {
      mirrors: values.mirror,
      urlList: !values["no-url-list"],
      pieces: values.pieces === "all" ? "all" : parseCount(values.pieces, "--pieces"),
      concurrency: parseCount(values.concurrency, "--concurrency"),
      timeout: parseCount(values.timeout, "--timeout", { unit: "number of seconds" }),
      seed: parseCount(values.seed, "--seed", { min: 0 }),
      origin: values.origin,
      clients: values.clients?.split(",").map((c) => c.trim()) as WebSeedClient[] | undefined,
      json: values.json,
    });
  },
};

type RunOptions = NonNullable<Parameters<typeof checkMirrors>[1]> & { json?: boolean };

/** Runs the check with a progress bar and prints it; shared with `create --check-web-seeds`. */
export async function runMirrorCheck(meta: TorrentMeta, options: RunOptions): Promise<number> {
  const report = await checkWithProgress(meta, options);
  if (options.json) printJson(report);
  else printMirrorReport(report);
  return report.ok ? 0 : 1;
}

export async function checkWithProgress(meta: TorrentMeta, options: RunOptions): Promise<CheckMirrorsReport> {
  const bar = createProgressBar("checking mirrors");
  try {
    return await checkMirrors(meta, { ...options, onProgress: (p) => bar.update(p.bytes, p.bytesTotal) });
  } finally {
    bar.finish();
  }
}

export function printMirrorReport(report: CheckMirrorsReport): void {
  for (const mirror of report.mirrors) print(`${mirrorLine(mirror)}\n`);
  print(`${summaryLine(report)}\n`);
}
