import type { Command } from "../command.js";

export const serve: Command = {
  name: "serve",
  summary: "(not built yet)",
  usage: "seedpress serve",
  async run() {
    process.stderr.write("seedpress serve: not built yet\n");
    return 2;
  },
};
