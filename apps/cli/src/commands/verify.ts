import { verifyTorrent } from "@seedpress/torrent";
import { formatBytes, parseCommandArgs } from "../args.js";
import { type Command, UsageError } from "../command.js";
import { escapeForTerminal as esc } from "../escape.js";
import { printJson } from "../output.js";
import { createProgressBar } from "../progress.js";
import { loadTorrent } from "./load-torrent.js";

export const verify: Command = {
  name: "verify",
  summary: "check local data against a .torrent (exit 1 lists what is wrong)",
  usage: `
Usage: seedpress verify <file.torrent> <path> [--json] [--threads N]

  <path> is the content itself: the file, or the torrent's top folder.
  Exit 0 when every piece matches, 1 with the list of bad files and pieces, 2 on bad input.
`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { json: { type: "boolean" }, threads: { type: "string", short: "t" } },
      { min: 2, max: 2, names: "<file.torrent> <path>" },
    );
    const threads = values.threads === undefined ? undefined : Number(values.threads);
    if (threads !== undefined && (!Number.isInteger(threads) || threads < 1))
      throw new UsageError(`--threads "${values.threads}" is not a positive count`);
    const meta = await loadTorrent(positionals[0]!);
    const bar = createProgressBar("verifying");
    const report = await verifyTorrent(meta, positionals[1]!, {
      threads,
      onProgress: (p) => bar.update(p.bytesDone, p.bytesTotal),
    });
    bar.finish();
    if (values.json) {
      printJson(report);
    } else if (report.ok) {
      process.stdout.write(
        `ok: ${esc(meta.name)}: ${formatBytes(report.totalBytes)}, all ${report.pieceCount} pieces match\n`,
      );
    } else {
      process.stdout.write(
        `FAILED: ${esc(meta.name)}: ${report.badPieceCount} of ${report.pieceCount} pieces bad\n`,
      );
      for (const f of report.failures) {
        const where = esc(f.path);
        if (f.reason === "hash" && f.piece === undefined)
          process.stdout.write(`  ${where}: bad (no piece layer to say which piece)\n`);
        else if (f.reason === "hash")
          process.stdout.write(`  ${where}: piece ${f.piece} bad (bytes ${f.start}-${f.end! - 1})\n`);
        else if (f.reason === "missing") process.stdout.write(`  ${where}: missing\n`);
        else if (f.reason === "size")
          process.stdout.write(`  ${where}: size ${f.actualLength}, expected ${f.expectedLength}\n`);
        else process.stdout.write(`  ${where}: leads outside the folder, not read\n`);
      }
    }
    return report.ok ? 0 : 1;
  },
};
