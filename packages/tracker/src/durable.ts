// Durable state of a single-process tracker: completed counters and hashes allowed through the API.
// SQLite (better-sqlite3, an optional native dependency loaded only when asked for) when it is installed,
// else an append-only journal file (pure JS). Both write each change before the call returns, so a
// killed process (`kill -9`) loses nothing; only a power cut can lose the last second.
import { readFile } from "node:fs/promises";
import { TrackerError } from "./errors.js";
import { Journal } from "./journal.js";

export type DurableEngine = "auto" | "sqlite" | "journal";

export interface DurableState {
  readonly file: string;
  readonly engine: "sqlite" | "journal";
  /** Every stored counter, keyed by 20-byte latin1 swarm key. */
  counters(): Map<string, number>;
  /** Hex hashes allowed through the API. */
  allowed(): string[];
  completed(key: string): void;
  allow(hex: string): void;
  disallow(hex: string): void;
  close(): void;
}

const SQLITE_MAGIC = "SQLite format 3\0";

/** Opens `file` with the engine asked for; "auto" keeps an existing file's format, else prefers SQLite. */
export async function openDurable(file: string, engine: DurableEngine = "auto"): Promise<DurableState> {
  const kind = engine === "auto" ? await existingFormat(file) : engine;
  if (kind === "journal") return Journal.open(file);
  const sqlite = await loadSqlite();
  if (sqlite === undefined) {
    if (kind === "sqlite")
      throw new TrackerError(
        "ERR_TRACKER_DB",
        `${file}: is a SQLite database, but better-sqlite3 is not installed (npm install better-sqlite3)`,
      );
    return Journal.open(file);
  }
  const { SqliteState } = await import("./sqlite.js");
  return new SqliteState(file, sqlite);
}

async function existingFormat(file: string): Promise<"sqlite" | "journal" | undefined> {
  let head: Buffer;
  try {
    head = (await readFile(file)).subarray(0, 16);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new TrackerError(
      "ERR_TRACKER_DB",
      `${file}: cannot open the tracker database (${(error as Error).message})`,
      {
        cause: error,
      },
    );
  }
  if (head.length === 0) return undefined;
  return head.toString("latin1") === SQLITE_MAGIC ? "sqlite" : "journal";
}

export type SqliteConstructor = typeof import("better-sqlite3");

/** better-sqlite3 when it is installed and its native part loads; undefined otherwise. */
export async function loadSqlite(): Promise<SqliteConstructor | undefined> {
  if (process.env.SEEDPRESS_TRACKER_NO_SQLITE === "1") return undefined; // tests of the fallback
  try {
    const mod = (await import("better-sqlite3")) as { default: SqliteConstructor };
    // The JS loads even when the native binding is missing; opening a memory db proves it works.
    new mod.default(":memory:").close();
    return mod.default;
  } catch {
    return undefined;
  }
}
