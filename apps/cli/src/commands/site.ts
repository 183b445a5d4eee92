import type { Command } from "../command.js";

export const site: Command = {
  name: "site",
  summary: "(not built yet)",
  usage: "seedpress site",
  async run() {
    process.stderr.write("seedpress site: not built yet\n");
    return 2;
  },
};
