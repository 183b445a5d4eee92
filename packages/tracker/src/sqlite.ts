// Durable state in SQLite (better-sqlite3, WAL), loaded only when the optional dependency is present.
// Each `completed` is its own committed transaction, so a crash or `kill -9` loses no count.
import type Database from "better-sqlite3";
import type { DurableState, SqliteConstructor } from "./durable.js";
import { TrackerError } from "./errors.js";

export class SqliteState implements DurableState {
  readonly engine = "sqlite";
  private readonly db: Database.Database;
  private readonly bump: Database.Statement<[Buffer]>;
  private readonly addAllowed: Database.Statement<[Buffer]>;
  private readonly delAllowed: Database.Statement<[Buffer]>;

  constructor(
    readonly file: string,
    Sqlite: SqliteConstructor,
  ) {
    try {
      this.db = new Sqlite(file);
      this.db.pragma("journal_mode = WAL");
      // NORMAL in WAL mode: a commit is in the OS before the call returns (survives a killed process);
      // only a power cut can lose the last commits.
      this.db.pragma("synchronous = NORMAL");
      this.db.pragma("busy_timeout = 5000");
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS completed (info_hash BLOB PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS allowed (info_hash BLOB PRIMARY KEY) WITHOUT ROWID;
      `);
    } catch (error) {
      throw new TrackerError(
        "ERR_TRACKER_DB",
        `${file}: cannot open the tracker database (${(error as Error).message})`,
        { cause: error },
      );
    }
    this.bump = this.db.prepare(
      "INSERT INTO completed (info_hash, count) VALUES (?, 1) ON CONFLICT(info_hash) DO UPDATE SET count = count + 1",
    );
    this.addAllowed = this.db.prepare("INSERT OR IGNORE INTO allowed (info_hash) VALUES (?)");
    this.delAllowed = this.db.prepare("DELETE FROM allowed WHERE info_hash = ?");
  }

  counters(): Map<string, number> {
    const rows = this.db.prepare("SELECT info_hash, count FROM completed").all() as {
      info_hash: Buffer;
      count: number;
    }[];
    return new Map(rows.map((r) => [r.info_hash.toString("latin1"), r.count]));
  }

  completed(key: string): void {
    this.bump.run(Buffer.from(key, "latin1"));
  }

  allowed(): string[] {
    const rows = this.db.prepare("SELECT info_hash FROM allowed").all() as { info_hash: Buffer }[];
    return rows.map((r) => r.info_hash.toString("hex"));
  }

  allow(hex: string): void {
    this.addAllowed.run(Buffer.from(hex, "hex"));
  }

  disallow(hex: string): void {
    this.delAllowed.run(Buffer.from(hex, "hex"));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
