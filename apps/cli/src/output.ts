// Printing shared by the commands: JSON for scripts, aligned key/value lines for people, warnings;
// `-q` silences all but errors and the JSON that --json asked for.
const writeStdout = process.stdout.write.bind(process.stdout);
let quiet = false;

export function setQuiet(on: boolean): void {
  quiet = on;
}

export function isQuiet(): boolean {
  return quiet;
}

/** Human output on stdout (nothing under -q). */
export function print(text: string): void {
  if (!quiet) writeStdout(text);
}

export function printJson(value: unknown): void {
  writeStdout(`${JSON.stringify(value, null, 2)}\n`);
}

export function printFields(fields: [string, string | number | undefined][]): void {
  const width = Math.max(...fields.map(([k]) => k.length));
  for (const [key, value] of fields) {
    if (value === undefined || value === "") continue;
    print(`${`${key}:`.padEnd(width + 2)}${value}\n`);
  }
}

/** "seedpress <command>: warning: …" on stderr (nothing under -q). */
export function warn(command: string, message: string): void {
  if (!quiet) process.stderr.write(`seedpress ${command}: warning: ${message}\n`);
}
