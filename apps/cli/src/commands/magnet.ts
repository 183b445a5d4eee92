import type { Command } from "../command.js";

export const magnet: Command = {
  name: "magnet",
  summary: "(not built yet)",
  usage: "seedpress magnet",
  async run() {
    process.stderr.write("seedpress magnet: not built yet\n");
    return 2;
  },
};
