import path from "node:path";
import { createTorrent, type TorrentVersion, writeTorrentFile } from "@seedpress/torrent";
import { formatBytes, parseByteSize, parseCommandArgs } from "../args.js";
import { type Command, UsageError } from "../command.js";
import { printFields, printJson } from "../output.js";
import { createProgressBar } from "../progress.js";

export const create: Command = {
  name: "create",
  summary: "make a .torrent (v1, v2 or hybrid) from a file or folder",
  usage: `
Usage: seedpress create <path> [options]

  -o, --output FILE        where to write the .torrent (default: <name>.torrent)
      --v1 | --v2 | --hybrid   metainfo version (default: v1)
  -l, --piece-length SIZE  bytes, or 256KiB / 1MiB..., or auto (default: auto, 1,000-2,000 pieces)
  -a, --announce URL       tracker URL; repeat for more (each its own tier)
  -w, --web-seed URL       BEP 19 web seed; repeat for more
  -p, --private            set the private flag
  -s, --source TEXT        the info "source" field
  -c, --comment TEXT       comment
  -n, --name NAME          torrent name (default: the file or folder name)
      --include GLOB       only files matching; repeat for more
      --exclude GLOB       leave out files matching; repeat for more
      --hidden             include dotfiles and OS junk (.DS_Store, Thumbs.db, desktop.ini)
      --no-tail-pad        hybrid: no pad file after the last file
      --no-date            no "creation date" (SOURCE_DATE_EPOCH sets it otherwise)
      --no-created-by      no "created by"
  -t, --threads N          hashing threads (default: number of cores)
      --check-web-seeds    then fetch every piece from each --web-seed and check it (exit 1 if one fails)
      --json               print the result as JSON
`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        output: { type: "string", short: "o" },
        v1: { type: "boolean" },
        v2: { type: "boolean" },
        hybrid: { type: "boolean" },
        "piece-length": { type: "string", short: "l" },
        announce: { type: "string", short: "a", multiple: true },
        "web-seed": { type: "string", short: "w", multiple: true },
        private: { type: "boolean", short: "p" },
        source: { type: "string", short: "s" },
        comment: { type: "string", short: "c" },
        name: { type: "string", short: "n" },
        include: { type: "string", multiple: true },
        exclude: { type: "string", multiple: true },
        hidden: { type: "boolean" },
        "no-tail-pad": { type: "boolean" },
        "no-date": { type: "boolean" },
        "no-created-by": { type: "boolean" },
        threads: { type: "string", short: "t" },
        json: { type: "boolean" },
        "check-web-seeds": { type: "boolean" },
      },
      { min: 1, max: 1, names: "one <path>" },
    );
    const picked = (["v1", "v2", "hybrid"] as const).filter((v) => values[v]);
    if (picked.length > 1) throw new UsageError("choose one of --v1, --v2, --hybrid");
    const version: TorrentVersion = picked[0] ?? "v1";
    const pieceLengthText = values["piece-length"] ?? "auto";
    const pieceLength =
      pieceLengthText === "auto" ? "auto" : parseByteSize(pieceLengthText, "--piece-length");
    let threads: number | undefined;
    if (values.threads !== undefined) {
      threads = Number(values.threads);
      if (!Number.isInteger(threads) || threads < 1 || threads > 256)
        throw new UsageError(`--threads "${values.threads}" is not a count from 1 to 256`);
    }
    if (values["check-web-seeds"] && !values["web-seed"]?.length)
      throw new UsageError("--check-web-seeds needs at least one --web-seed URL");
    const input = positionals[0]!;
    const bar = createProgressBar("hashing");
    const result = await createTorrent(input, {
      version,
      pieceLength,
      announce: values.announce,
      webSeeds: values["web-seed"],
      private: values.private,
      source: values.source,
      comment: values.comment,
      name: values.name,
      include: values.include,
      exclude: values.exclude,
      includeHidden: values.hidden,
      tailPad: !values["no-tail-pad"],
      creationDate: values["no-date"] ? false : undefined,
      createdBy: values["no-created-by"] ? false : undefined,
      threads,
      onProgress: (p) => bar.update(p.bytesDone, p.bytesTotal),
    });
    bar.finish();
    const output = values.output ?? `${result.name}.torrent`;
    await writeTorrentFile(output, result.torrent);
    for (const warning of result.warnings) process.stderr.write(`seedpress create: warning: ${warning}\n`);
    const files = result.files.filter((f) => !f.padding).length;
    const check = values["check-web-seeds"] ? await import("./mirrors.js") : undefined;
    const webSeedCheck = await check?.checkWithProgress(result, { pieces: "all" });
    if (values.json) {
      printJson({
        file: path.resolve(output),
        name: result.name,
        version: result.version,
        infoHash: result.infoHash,
        infoHashV2: result.infoHashV2,
        pieceLength: result.pieceLength,
        pieces: result.pieceCount,
        length: result.length,
        files,
        warnings: result.warnings,
        webSeedCheck,
      });
    } else {
      printFields([
        ["wrote", output],
        ["name", result.name],
        ["version", result.version],
        ["info hash", result.infoHash],
        ["info hash v2", result.infoHashV2],
        ["size", `${formatBytes(result.length)} in ${files} file${files === 1 ? "" : "s"}`],
        ["pieces", `${result.pieceCount} × ${formatBytes(result.pieceLength)}`],
      ]);
      if (webSeedCheck) check?.printMirrorReport(webSeedCheck);
    }
    return webSeedCheck?.ok === false ? 1 : 0;
  },
};
