import type { Command } from "../command.js";

export const create: Command = {
  name: "create",
  summary: "(not built yet)",
  usage: "seedpress create",
  async run() {
    process.stderr.write("seedpress create: not built yet\n");
    return 2;
  },
};
