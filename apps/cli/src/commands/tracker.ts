import type { Command } from "../command.js";

export const tracker: Command = {
  name: "tracker",
  summary: "(not built yet)",
  usage: "seedpress tracker",
  async run() {
    process.stderr.write("seedpress tracker: not built yet\n");
    return 2;
  },
};
