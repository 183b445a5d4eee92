// Entry point of the `seedpress` command: global flags, help and version, then the one command
// module it needs (imported on demand), with its errors mapped to exit codes.
import pkg from "../package.json" with { type: "json" };
import { UsageError } from "./command.js";
import { type CommandEntry, commands } from "./commands/index.js";
import { escapeForTerminal } from "./escape.js";
import { exitCodeFor, failureMessage } from "./failure.js";
import { setQuiet } from "./output.js";

const HELP = `Usage: seedpress [-q] <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(9)} ${c.summary}`).join("\n")}

Options:
  -h, --help     this list; \`seedpress help <command>\` or \`seedpress <command> --help\` for one command
  -V, --version  print the version
  -q, --quiet    print nothing but errors (and what --json asks for)

Exit codes: 0 done, 1 a check failed (verify, mirrors), 2 bad usage or input, 3 the environment failed
(a port taken, a file changed while hashing, a disk full).
`;

/** A reader that goes away (`seedpress info x | head -1`) ends the command quietly. */
function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
}

/** -q / --quiet anywhere before a `--`, taken out of the command's arguments. */
function takeQuiet(argv: string[]): string[] {
  const end = argv.includes("--") ? argv.indexOf("--") : argv.length;
  const rest = argv.filter((arg, i) => i >= end || (arg !== "-q" && arg !== "--quiet"));
  if (rest.length !== argv.length) {
    setQuiet(true);
    // Commands that print straight to stdout (serve, tracker) go quiet too; --json output does not.
    process.stdout.write = () => true;
  }
  return rest;
}

function find(name: string): CommandEntry {
  const entry = commands.find((c) => c.name === name);
  if (!entry) throw new UsageError(`unknown command "${name}" (try seedpress --help)`);
  return entry;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h") {
    (name ? process.stdout : process.stderr).write(HELP);
    return name ? 0 : 2;
  }
  if (name === "--version" || name === "-V" || name === "-v") {
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  if (name === "help") {
    if (rest.length === 0) {
      process.stdout.write(HELP);
      return 0;
    }
    process.stdout.write(`${(await find(rest[0]!).load()).usage.trim()}\n`);
    return 0;
  }
  const command = await find(name).load();
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`${command.usage.trim()}\n`);
    return 0;
  }
  return command.run(rest);
}

exitQuietlyOnClosedPipe();
const argv = takeQuiet(process.argv.slice(2));
main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error & { code?: string }) => {
    const where = commands.some((c) => c.name === argv[0]) ? `seedpress ${argv[0]}` : "seedpress";
    const code = error.code?.startsWith("ERR_") ? ` [${error.code}]` : "";
    // Messages can quote a torrent's own bytes (a file name): shown escaped, on one line.
    process.stderr.write(`${where}: ${escapeForTerminal(failureMessage(error))}${code}\n`);
    if (process.env.SEEDPRESS_DEBUG) process.stderr.write(`${error.stack}\n`);
    process.exitCode = exitCodeFor(error);
  },
);
