import { parseMagnet, type TorrentFile, type TorrentMeta, toMagnet } from "@seedpress/torrent";
import { formatBytes, parseCommandArgs } from "../args.js";
import type { Command } from "../command.js";
import { escapeForTerminal as esc } from "../escape.js";
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

  Paths the torrent writes unsafely (absolute, "..", backslashes, control characters) are shown as
  libtorrent would save them, marked "(sanitised from ...)"; control characters are shown escaped.
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
          ["name", m.name === undefined ? undefined : esc(m.name)],
          ["info hash", m.infoHash],
          ["info hash v2", m.infoHashV2],
          ["size", m.length !== undefined ? formatBytes(m.length) : undefined],
          ["trackers", esc(m.announce.flat().join(", "))],
          ["web seeds", esc(m.urlList.join(", "))],
        ]);
      }
      return 0;
    }
    const meta = await loadTorrent(target);
    if (values.json) printJson(jsonOf(meta));
    else printHuman(meta);
    return 0;
  },
};

/** The shared torrent JSON, plus what a hostile torrent needs said: sanitised paths, symlinks, bad layers. */
function jsonOf(meta: TorrentMeta) {
  const json = torrentJson(meta, toMagnet(meta));
  const real = meta.files.filter((f) => !f.padding);
  const files = json.files.map((f, i) => {
    const t = real[i]!;
    return {
      ...f,
      ...(t.symlink !== undefined && { symlink: t.symlink }),
      ...(t.pathSanitized && { pathSanitized: true, originalPath: t.originalPath }),
    };
  });
  return { ...json, files, ...(meta.pieceLayerIssues && { pieceLayerIssues: meta.pieceLayerIssues }) };
}

/** One file line: size, the path as it would be saved, and what the torrent really said when that differs. */
function fileLine(f: TorrentFile): string {
  const note = f.pathSanitized ? `  (sanitised from "${esc(f.originalPath ?? "")}")` : "";
  const link = f.symlink !== undefined ? ` -> ${esc(f.symlink)}` : "";
  return `  ${formatBytes(f.length).padStart(11)}  ${esc(f.path)}${link}${note}\n`;
}

function printHuman(meta: TorrentMeta): void {
  const files = meta.files.filter((f) => !f.padding);
  const unsafe = files.filter((f) => f.pathSanitized).length;
  printFields([
    ["name", esc(meta.name) + (meta.nameSanitized ? "  (sanitised)" : "")],
    ["version", meta.version],
    ["info hash", meta.infoHash],
    ["info hash v2", meta.infoHashV2],
    ["size", `${formatBytes(meta.length)} in ${files.length} file${files.length === 1 ? "" : "s"}`],
    ["pieces", `${meta.pieceCount} × ${formatBytes(meta.pieceLength)}`],
    ["private", meta.private ? "yes" : undefined],
    ["trackers", esc(meta.announce.map((tier) => tier.join(" ")).join(" | "))],
    ["web seeds", esc(meta.urlList.join(" "))],
    ["comment", meta.comment === undefined ? undefined : esc(meta.comment)],
    ["created by", meta.createdBy === undefined ? undefined : esc(meta.createdBy)],
    [
      "created",
      meta.creationDate !== undefined ? new Date(meta.creationDate * 1000).toISOString() : undefined,
    ],
    ["source", meta.source === undefined ? undefined : esc(meta.source)],
    ["magnet", toMagnet(meta)],
    [
      "warning",
      unsafe > 0
        ? `${unsafe} unsafe path${unsafe === 1 ? "" : "s"}, shown as libtorrent saves them`
        : undefined,
    ],
    [
      "piece layers",
      meta.pieceLayerIssues
        ? `${meta.pieceLayerIssues.length} missing or wrong (clients fetch them from peers; verify checks whole files)`
        : undefined,
    ],
  ]);
  if (!meta.singleFile || unsafe > 0) {
    print("files:\n");
    // In chunks: 200,000 files are 200 writes, not 200,000.
    for (let i = 0; i < files.length; i += 1000)
      print(
        files
          .slice(i, i + 1000)
          .map(fileLine)
          .join(""),
      );
  }
}
