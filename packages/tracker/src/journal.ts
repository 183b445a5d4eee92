// The pure-JS durable state: an append-only text journal, one change a line ("c <hex>" a completed
// download, "a <hex>" / "d <hex>" an API allow / disallow, "C <hex> <n>" a compacted counter). Each line
// is written with one write(2) before the call returns (a killed process loses nothing); fdatasync runs
// at most once a second. On open the journal is folded and rewritten compacted (temp file + rename).
import { closeSync, fdatasync, fsyncSync, openSync, renameSync, writeSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { DurableState } from "./durable.js";
import { TrackerError } from "./errors.js";

const SYNC_MS = 1000;

export class Journal implements DurableState {
  readonly engine = "journal";
  private fd: number;
  private dirty = false;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    readonly file: string,
    private readonly counts: Map<string, number>,
    private readonly allowedSet: Set<string>,
  ) {
    this.fd = openSync(file, "a");
    this.timer = setInterval(() => this.sync(), SYNC_MS);
    this.timer.unref();
  }

  static async open(file: string): Promise<Journal> {
    try {
      const { counts, allowed } = fold(await readExisting(file));
      compact(file, counts, allowed);
      return new Journal(file, counts, allowed);
    } catch (error) {
      if (error instanceof TrackerError) throw error;
      throw new TrackerError(
        "ERR_TRACKER_DB",
        `${file}: cannot open the tracker journal (${(error as Error).message})`,
        { cause: error },
      );
    }
  }

  counters(): Map<string, number> {
    return new Map(this.counts);
  }

  allowed(): string[] {
    return [...this.allowedSet];
  }

  completed(key: string): void {
    const hex = Buffer.from(key, "latin1").toString("hex");
    this.append(`c ${hex}\n`);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  allow(hex: string): void {
    if (this.allowedSet.has(hex)) return;
    this.append(`a ${hex}\n`);
    this.allowedSet.add(hex);
  }

  disallow(hex: string): void {
    if (!this.allowedSet.delete(hex)) return;
    this.append(`d ${hex}\n`);
  }

  private append(line: string): void {
    writeSync(this.fd, line);
    this.dirty = true;
  }

  private sync(): void {
    if (!this.dirty || this.fd < 0) return;
    this.dirty = false;
    fdatasync(this.fd, () => undefined);
  }

  close(): void {
    if (this.fd < 0) return;
    clearInterval(this.timer);
    if (this.dirty) fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
  }
}

async function readExisting(file: string): Promise<string> {
  try {
    return await readFile(file, "latin1");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw error;
  }
}

/** Replays the journal; a torn last line (a write cut by a crash) and unknown lines are skipped. */
export function fold(text: string): { counts: Map<string, number>; allowed: Set<string> } {
  const counts = new Map<string, number>();
  const allowed = new Set<string>();
  for (const line of text.split("\n")) {
    const [op, hex, n] = line.split(" ");
    if (hex === undefined || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(hex)) continue;
    if (op === "c" && hex.length === 40) {
      const key = Buffer.from(hex, "hex").toString("latin1");
      counts.set(key, (counts.get(key) ?? 0) + 1);
    } else if (op === "C" && hex.length === 40 && n !== undefined && /^\d{1,15}$/.test(n)) {
      const key = Buffer.from(hex, "hex").toString("latin1");
      counts.set(key, (counts.get(key) ?? 0) + Number(n));
    } else if (op === "a") allowed.add(hex);
    else if (op === "d") allowed.delete(hex);
  }
  return { counts, allowed };
}

/** Rewrites the journal as one line per counter and allowed hash, atomically. */
function compact(file: string, counts: Map<string, number>, allowed: Set<string>): void {
  const lines: string[] = [];
  for (const [key, n] of counts) lines.push(`C ${Buffer.from(key, "latin1").toString("hex")} ${n}\n`);
  for (const hex of allowed) lines.push(`a ${hex}\n`);
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, "w");
  try {
    writeSync(fd, lines.join(""));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  const dir = openSync(dirname(file), "r");
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
