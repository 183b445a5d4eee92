import { parseMagnet, toMagnet } from "@seedpress/torrent";
import { formatBytes, parseCommandArgs } from "../args.js";
import type { Command } from "../command.js";
import { magnetJson, torrentJson } from "../json.js";
import { print, printFields, printJson } from "../output.js";
import { loadTorrent } from "./load-torrent.js";

export const info: Command = {
  name: "info",
  summary: "show what a .torrent or magnet link holds",
  usage: `
Usage: seedpress info <file.torrent | magnet:?...> [--json]

      --json   print the torrent as JSON: {name, version, infoHash?, infoHashV2?, pieceLength, pieces,
               length, files: [{path, length, piecesRoot?}], announce, urlList, private, ..., magnet};
               for a magnet link {magnet, infoHash?, infoHashV2?, name?, length?, announce, urlList}
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
      if (values.json) printJson(magnetJson(target, m));
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
      printJson(torrentJson(meta, toMagnet(meta)));
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
      print("files:\n");
      for (const f of files) print(`  ${formatBytes(f.length).padStart(11)}  ${f.path}\n`);
    }
    return 0;
  },
};
