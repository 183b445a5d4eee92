import { parseMagnet, toMagnet } from "@seedpress/torrent";
import { formatBytes, parseCommandArgs } from "../args.js";
import type { Command } from "../command.js";
import { printFields, printJson } from "../output.js";
import { loadTorrent } from "./load-torrent.js";

export const info: Command = {
  name: "info",
  summary: "show what a .torrent or magnet link holds",
  usage: `
Usage: seedpress info <file.torrent | magnet:?...> [--json]

      --json   print {name, infoHash, infoHashV2?, pieceLength, length, files, announce, urlList, private, ...}
`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { json: { type: "boolean" } },
      { min: 1, max: 1, names: "one torrent file or magnet link" },
    );
    const target = positionals[0]!;
    if (target.startsWith("magnet:")) {
      const m = parseMagnet(target);
      if (values.json) printJson(m);
      else {
        printFields([
          ["name", m.name],
          ["info hash", m.infoHash],
          ["info hash v2", m.infoHashV2],
          ["size", m.length !== undefined ? formatBytes(m.length) : undefined],
          ["trackers", m.announce.flat().join(", ")],
          ["web seeds", m.urlList.join(", ")],
        ]);
      }
      return 0;
    }
    const meta = await loadTorrent(target);
    const files = meta.files.filter((f) => !f.padding);
    if (values.json) {
      printJson({
        name: meta.name,
        version: meta.version,
        infoHash: meta.infoHash,
        infoHashV2: meta.infoHashV2,
        pieceLength: meta.pieceLength,
        pieces: meta.pieceCount,
        length: meta.length,
        files: files.map((f) => ({
          path: f.path,
          length: f.length,
          ...(f.piecesRoot && { piecesRoot: f.piecesRoot }),
        })),
        announce: meta.announce,
        urlList: meta.urlList,
        private: meta.private,
        comment: meta.comment,
        createdBy: meta.createdBy,
        creationDate: meta.creationDate,
        source: meta.source,
        magnet: toMagnet(meta),
      });
      return 0;
    }
    printFields([
      ["name", meta.name],
      ["version", meta.version],
      ["info hash", meta.infoHash],
      ["info hash v2", meta.infoHashV2],
      ["size", `${formatBytes(meta.length)} in ${files.length} file${files.length === 1 ? "" : "s"}`],
      ["pieces", `${meta.pieceCount} × ${formatBytes(meta.pieceLength)}`],
      ["private", meta.private ? "yes" : undefined],
      ["trackers", meta.announce.map((tier) => tier.join(" ")).join(" | ")],
      ["web seeds", meta.urlList.join(" ")],
      ["comment", meta.comment],
      ["created by", meta.createdBy],
      [
        "created",
        meta.creationDate !== undefined ? new Date(meta.creationDate * 1000).toISOString() : undefined,
      ],
      ["source", meta.source],
      ["magnet", toMagnet(meta)],
    ]);
    if (!meta.singleFile) {
      process.stdout.write("files:\n");
      for (const f of files) process.stdout.write(`  ${formatBytes(f.length).padStart(11)}  ${f.path}\n`);
    }
    return 0;
  },
};
