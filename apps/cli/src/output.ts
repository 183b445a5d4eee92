// Printing helpers shared by the commands: JSON for scripts, aligned key/value lines for people.
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printFields(fields: [string, string | number | undefined][]): void {
  const width = Math.max(...fields.map(([k]) => k.length));
  for (const [key, value] of fields) {
    if (value === undefined || value === "") continue;
    process.stdout.write(`${`${key}:`.padEnd(width + 2)}${value}\n`);
  }
}
