// `seedpress create`: the output is checked before hashing (see output-file.ts), then the library
// hashes and the torrent is written atomically.
import { createTorrent, type TorrentVersion, toMagnet, writeTorrentFile } from "@seedpress/torrent";
import { formatBytes, parseCommandArgs, parsePieceLength, parseThreads } from "../args.js";
import { type Command, UsageError } from "../command.js";
import { torrentJson } from "../json.js";
import { printFields, printJson, warn } from "../output.js";
import { checkStillFree, planOutput } from "../output-file.js";
import { createProgressBar } from "../progress.js";

export const create: Command = {
  name: "create",
  summary: "make a .torrent (v1, v2 or hybrid) from a file or folder",
  usage: `
Usage: seedpress create <path> [options]

  -o, --output FILE        where to write the .torrent (default: <name>.torrent); never over an
                           existing file without --force, never over the input, a link or a device
  -f, --force              replace an existing .torrent
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
      --json               print the torrent as JSON (the shape of \`info --json\`, plus "file")
`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        output: { type: "string", short: "o" },
        force: { type: "boolean", short: "f" },
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
    const pieceLength = parsePieceLength(values["piece-length"]);
    const threads = parseThreads(values.threads);
    if (values["check-web-seeds"] && !values["web-seed"]?.length)
      throw new UsageError("--check-web-seeds needs at least one --web-seed URL");
    const input = positionals[0]!;
    const plan = await planOutput(input, { output: values.output, name: values.name, force: values.force });
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
      exclude: [...(values.exclude ?? []), ...plan.exclude],
      includeHidden: values.hidden,
      tailPad: !values["no-tail-pad"],
      creationDate: values["no-date"] ? false : undefined,
      createdBy: values["no-created-by"] ? false : undefined,
      threads,
      onProgress: (p) => bar.update(p.bytesDone, p.bytesTotal),
    });
    bar.finish();
    await checkStillFree(plan, values.force);
    await writeTorrentFile(plan.file, result.torrent);
    for (const warning of result.warnings) warn("create", warning);
    const check = values["check-web-seeds"] ? await import("./mirrors.js") : undefined;
    const webSeedCheck = await check?.checkWithProgress(result, { pieces: "all" });
    if (values.json) {
      printJson({
        file: plan.file,
        ...torrentJson(result, toMagnet(result)),
        warnings: result.warnings,
        ...(webSeedCheck ? { webSeedCheck } : {}),
      });
      return webSeedCheck?.ok === false ? 1 : 0;
    }
    const files = result.files.filter((f) => !f.padding).length;
    printFields([
      ["wrote", plan.file],
      ["name", result.name],
      ["version", result.version],
      ["info hash", result.infoHash],
      ["info hash v2", result.infoHashV2],
      ["size", `${formatBytes(result.length)} in ${files} file${files === 1 ? "" : "s"}`],
      ["pieces", `${result.pieceCount} × ${formatBytes(result.pieceLength)}`],
    ]);
    if (webSeedCheck) check?.printMirrorReport(webSeedCheck);
    return webSeedCheck?.ok === false ? 1 : 0;
  },
};
