// `seedpress verify`: checks local data against a .torrent; exit 1 lists what does not match.
import { stat } from "node:fs/promises";
import path from "node:path";
import { type TorrentMeta, verifyTorrent } from "@seedpress/torrent";
import { formatBytes, parseCommandArgs, parseThreads } from "../args.js";
import { type Command, UsageError } from "../command.js";
import { escapeForTerminal as esc } from "../escape.js";
import { print, printJson } from "../output.js";
import { createProgressBar } from "../progress.js";
import { loadTorrent } from "./load-torrent.js";

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

/** The usual slip: the folder that holds the torrent's top folder, given instead of the top folder. */
async function checkNotParent(meta: TorrentMeta, content: string): Promise<void> {
  const first = meta.files.find((f) => !f.padding);
  if (meta.singleFile || !first) return; // a single file is found in the folder given, as imdl does
  const inside = path.join(content, meta.name);
  if (!(await exists(path.join(content, first.path))) && (await exists(path.join(inside, first.path)))) {
    throw new UsageError(
      `${content} holds the torrent's folder "${meta.name}": give the folder itself (seedpress verify … ${inside})`,
    );
  }
}

export const verify: Command = {
  name: "verify",
  summary: "check local data against a .torrent (exit 1 lists what is wrong)",
  usage: `
Usage: seedpress verify <file.torrent> <path> [--json] [--threads N]

  <path> is the content itself: the file, or the torrent's top folder.
  Exit 0 when every piece matches, 1 with the list of bad files and pieces, 2 on bad input.

  -t, --threads N   hashing threads (default: number of cores)
      --json        print {ok, version, checkedBytes, totalBytes, badPieceCount, pieceCount,
                    failures: [{path, reason: "hash"|"missing"|"size"|"unsafe", piece?, start?, end?,
                    expectedLength?, actualLength?}]}
`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { json: { type: "boolean" }, threads: { type: "string", short: "t" } },
      { min: 2, max: 2, names: "<file.torrent> <path>" },
    );
    const threads = parseThreads(values.threads);
    const meta = await loadTorrent(positionals[0]!);
    await checkNotParent(meta, positionals[1]!);
    const bar = createProgressBar("verifying");
    const report = await verifyTorrent(meta, positionals[1]!, {
      threads,
      onProgress: (p) => bar.update(p.bytesDone, p.bytesTotal),
    });
    bar.finish();
    if (values.json) {
      printJson(report);
    } else if (report.ok) {
      print(
        `ok: ${esc(meta.name)}: ${formatBytes(report.totalBytes)}, all ${report.pieceCount} pieces match\n`,
      );
    } else {
      print(`FAILED: ${esc(meta.name)}: ${report.badPieceCount} of ${report.pieceCount} pieces bad\n`);
      for (const f of report.failures) {
        const where = esc(f.path);
        if (f.reason === "hash" && f.piece === undefined)
          print(`  ${where}: bad (no piece layer to say which piece)\n`);
        else if (f.reason === "hash")
          print(`  ${where}: piece ${f.piece} bad (bytes ${f.start}-${f.end! - 1})\n`);
        else if (f.reason === "missing") print(`  ${where}: missing\n`);
        else if (f.reason === "size")
          print(`  ${where}: size ${f.actualLength}, expected ${f.expectedLength}\n`);
        else print(`  ${where}: leads outside the folder, not read\n`);
      }
    }
    return report.ok ? 0 : 1;
  },
};
