// Entry point of the `seedpress` command: picks the sub-command, maps errors to exit codes.
import type { Command } from "./command.js";
import { UsageError } from "./command.js";
import { commands } from "./commands/index.js";
import { escapeForTerminal } from "./escape.js";

function printHelp(): void {
  const lines = ["Usage: seedpress <command> [options]", "", "Commands:"];
  for (const c of commands) lines.push(`  ${c.name.padEnd(9)} ${c.summary}`);
  lines.push("", "Run `seedpress <command> --help` for a command's options.");
  process.stdout.write(`${lines.join("\n")}\n`);
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    printHelp();
    return name ? 0 : 2;
  }
  if (name === "--version" || name === "-v") {
    process.stdout.write("0.1.0\n");
    return 0;
  }
  const command: Command | undefined = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`seedpress: unknown command "${name}" (try seedpress --help)\n`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`${command.usage.trim()}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    const err = error as Error & { code?: string };
    const code = err.code ? ` [${err.code}]` : "";
    // Messages can quote a torrent's own bytes (a file name): shown escaped, on one line.
    process.stderr.write(`seedpress ${name}: ${escapeForTerminal(err.message)}${code}\n`);
    if (process.env.SEEDPRESS_DEBUG) process.stderr.write(`${err.stack}\n`);
    return error instanceof UsageError || err.code?.startsWith("ERR_") ? 2 : 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`seedpress: ${(error as Error).message}\n`);
    process.exitCode = 2;
  },
);
