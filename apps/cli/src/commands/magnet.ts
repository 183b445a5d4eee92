import { toMagnet } from "@seedpress/torrent";
import { parseCommandArgs } from "../args.js";
import type { Command } from "../command.js";
import { loadTorrent } from "./load-torrent.js";

export const magnet: Command = {
  name: "magnet",
  summary: "print a .torrent's magnet link",
  usage: "Usage: seedpress magnet <file.torrent>",
  async run(argv) {
    const { positionals } = parseCommandArgs(argv, {}, { min: 1, max: 1, names: "one torrent file" });
    process.stdout.write(`${toMagnet(await loadTorrent(positionals[0]!))}\n`);
    return 0;
  },
};
