// The shape every `seedpress` sub-command shares, so index.ts can list and dispatch them.
export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the process exit code: 0 ok, 1 a failed check, 2 bad usage or input, 3 the environment failed. */
  run(argv: string[]): Promise<number>;
}

/** A usage or input error: printed as one line on stderr, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The machine, not the input, is at fault (a folder that cannot be written, a port taken): exit code 3. */
export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvironmentError";
  }
}
