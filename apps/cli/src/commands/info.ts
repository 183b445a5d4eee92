import type { Command } from "../command.js";

export const info: Command = {
  name: "info",
  summary: "(not built yet)",
  usage: "seedpress info",
  async run() {
    process.stderr.write("seedpress info: not built yet\n");
    return 2;
  },
};
