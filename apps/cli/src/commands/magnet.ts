// `seedpress magnet`: a .torrent's magnet link, or with --json the same shape as `info magnet:… --json`.
import { parseMagnet, toMagnet } from "@seedpress/torrent";
import { parseCommandArgs } from "../args.js";
import type { Command } from "../command.js";
import { magnetJson } from "../json.js";
import { print, printJson } from "../output.js";
import { loadTorrent } from "./load-torrent.js";

export const magnet: Command = {
  name: "magnet",
  summary: "print a .torrent's magnet link",
  usage: `
Usage: seedpress magnet <file.torrent> [--json]

      --json   print {magnet, infoHash?, infoHashV2?, name?, length?, announce, urlList}
`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { json: { type: "boolean" } },
      { min: 1, max: 1, names: "one torrent file" },
    );
    const link = toMagnet(await loadTorrent(positionals[0]!));
    if (values.json) printJson(magnetJson(link, parseMagnet(link)));
    else print(`${link}\n`);
    return 0;
  },
};
