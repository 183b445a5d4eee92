import type { Command } from "../command.js";

export const verify: Command = {
  name: "verify",
  summary: "(not built yet)",
  usage: "seedpress verify",
  async run() {
    process.stderr.write("seedpress verify: not built yet\n");
    return 2;
  },
};
