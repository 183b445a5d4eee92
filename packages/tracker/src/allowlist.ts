// Which info hashes the tracker answers for, and which swarm each belongs to: the v1 hash and the
// truncated v2 hash of one hybrid torrent resolve to the same canonical key, so both halves meet.
import { EventEmitter } from "node:events";
import { type FSWatcher, watch } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { TrackerError } from "./errors.js";
import { type TorrentHashes, torrentHashes } from "./torrent-hashes.js";

/** Largest --allow file read (a .torrent or a hash list). */
const MAX_ALLOW_FILE = 64 << 20;

type HashList = { ok: true; hexes: string[] } | { ok: false; error: TrackerError };

/** A text file of hex info hashes, one a line; `#` comments and blank lines ignored. */
export function parseHashList(bytes: Uint8Array, path: string): HashList {
  const lines = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8").split(/\r?\n/);
  const hexes: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.replace(/#.*/, "").trim();
    if (text === "") continue;
    if (hexToKey(text) === undefined) {
      const shown = JSON.stringify(text.slice(0, 80));
      const error = new TrackerError(
        "ERR_TRACKER_ALLOWLIST",
        `${path}:${i + 1}: ${shown} is not a 40- or 64-character hex info hash`,
      );
      return { ok: false, error };
    }
    hexes.push(text);
  }
  return { ok: true, hexes };
}

function looksLikeTorrent(bytes: Uint8Array): boolean {
  try {
    torrentHashes(bytes);
    return true;
  } catch {
    return false;
  }
}

interface Entry {
  canonical: string;
  sources: Set<string>;
}

/** A 40-hex v1 hash or 64-hex v2 hash (truncated to 20 bytes) → the 20-byte latin1 key. */
export function hexToKey(hex: string): string | undefined {
  const h = hex.trim().toLowerCase();
  if (!/^[0-9a-f]{40}$/.test(h) && !/^[0-9a-f]{64}$/.test(h)) return undefined;
  return Buffer.from(h.slice(0, 40), "hex").toString("latin1");
}

export function keyToHex(key: string): string {
  return Buffer.from(key, "latin1").toString("hex");
}

export class Allowlist extends EventEmitter {
  private readonly entries = new Map<string, Entry>();
  private readonly bySource = new Map<string, string[]>();
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly folderFiles = new Map<string, Map<string, string>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Extra test for hashes not in the list (the `function` form). Gets lowercase hex. */
  predicate?: (infoHashHex: string) => boolean;

  get size(): number {
    return this.entries.size;
  }

  /** Canonical swarm key for a requested 20-byte key, or undefined when not allowed. */
  resolve(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined) return entry.canonical;
    if (this.predicate?.(keyToHex(key))) return key;
    return undefined;
  }

  /** Adds the hashes of one torrent under a source label; v1 and truncated v2 share one swarm. */
  addTorrent(hashes: TorrentHashes, source: string): string[] {
    const keys = [hashes.v1, hashes.v2Truncated]
      .filter((h): h is string => h !== undefined)
      .map((h) => hexToKey(h)!);
    const canonical = keys[0]!;
    for (const key of keys) {
      let entry = this.entries.get(key);
      if (!entry) {
        entry = { canonical, sources: new Set() };
        this.entries.set(key, entry);
      }
      entry.sources.add(source);
    }
    const list = this.bySource.get(source) ?? [];
    list.push(...keys);
    this.bySource.set(source, list);
    return keys;
  }

  /** Adds plain hex hashes (40 or 64 chars) under a source label. */
  addHex(hexes: Iterable<string>, source: string): void {
    for (const hex of hexes) {
      if (hexToKey(hex) === undefined) {
        throw new TrackerError(
          "ERR_TRACKER_ALLOWLIST",
          `"${hex}" is not a 40- or 64-character hex info hash`,
        );
      }
      const h = hex.trim().toLowerCase();
      this.addTorrent(h.length === 64 ? { v2Truncated: h.slice(0, 40) } : { v1: h }, source);
    }
  }

  removeSource(source: string): void {
    for (const key of this.bySource.get(source) ?? []) {
      const entry = this.entries.get(key);
      if (!entry) continue;
      entry.sources.delete(source);
      if (entry.sources.size === 0) this.entries.delete(key);
    }
    this.bySource.delete(source);
  }

  /** Removes one hex hash from one source. */
  removeHex(hex: string, source: string): boolean {
    const key = hexToKey(hex);
    if (key === undefined) return false;
    const entry = this.entries.get(key);
    if (!entry?.sources.delete(source)) return false;
    if (entry.sources.size === 0) this.entries.delete(key);
    const list = this.bySource.get(source);
    if (list)
      this.bySource.set(
        source,
        list.filter((k) => k !== key),
      );
    return true;
  }

  /** Hex of every allowed key. */
  hexes(): string[] {
    return [...this.entries.keys()].map(keyToHex);
  }

  /**
   * A folder of .torrent files (read now, then watched), one .torrent file, or a text file of hex info
   * hashes, one a line (`#` comments and blank lines ignored).
   */
  async addPath(path: string): Promise<void> {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (error) {
      throw new TrackerError("ERR_TRACKER_ALLOWLIST", `${path}: cannot read (${(error as Error).message})`);
    }
    if (info.isDirectory()) {
      await this.scanFolder(path);
      this.watchFolder(path);
      return;
    }
    if (!info.isFile())
      throw new TrackerError("ERR_TRACKER_ALLOWLIST", `${path}: not a regular file or a folder`);
    if (info.size > MAX_ALLOW_FILE)
      throw new TrackerError("ERR_TRACKER_ALLOWLIST", `${path}: larger than ${MAX_ALLOW_FILE} bytes`);
    const bytes = await readFile(path);
    const source = `file:${path}`;
    if (path.endsWith(".torrent")) {
      this.addTorrent(torrentHashes(bytes, path), source);
      return;
    }
    // Decided by content: a list is lines of 40/64 hex characters (a v1 hash may well start with "d"),
    // anything else that parses as a torrent is one.
    const list = parseHashList(bytes, path);
    if (list.ok) this.addHex(list.hexes, source);
    else if (bytes[0] === 0x64 && looksLikeTorrent(bytes))
      this.addTorrent(torrentHashes(bytes, path), source);
    else throw list.error;
  }

  private async scanFolder(dir: string): Promise<void> {
    const known = this.folderFiles.get(dir) ?? new Map<string, string>();
    this.folderFiles.set(dir, known);
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => n.endsWith(".torrent"));
    } catch (error) {
      this.emit("warning", new TrackerError("ERR_TRACKER_ALLOWLIST", `${dir}: ${(error as Error).message}`));
      return;
    }
    const seen = new Set<string>();
    for (const name of names) {
      const file = join(dir, name);
      seen.add(file);
      try {
        const s = await stat(file);
        const stamp = `${s.size}:${s.mtimeMs}`;
        if (known.get(file) === stamp) continue;
        const hashes = torrentHashes(await readFile(file), file);
        this.removeSource(`dir:${file}`);
        this.addTorrent(hashes, `dir:${file}`);
        known.set(file, stamp);
        this.emit("change", { added: file });
      } catch (error) {
        // A half-written or broken file in a watched folder is skipped, not fatal; it is retried when it changes.
        this.emit("warning", error);
      }
    }
    for (const file of known.keys()) {
      if (!seen.has(file)) {
        known.delete(file);
        this.removeSource(`dir:${file}`);
        this.emit("change", { removed: file });
      }
    }
  }

  private watchFolder(dir: string): void {
    if (this.watchers.has(dir)) return;
    let timer: NodeJS.Timeout | undefined;
    const watcher = watch(dir, { persistent: false }, () => {
      if (timer) return;
      timer = setTimeout(() => {
        if (timer) this.timers.delete(timer);
        timer = undefined;
        void this.scanFolder(dir);
      }, 50);
      this.timers.add(timer);
    });
    watcher.on("error", (error) => this.emit("warning", error));
    this.watchers.set(dir, watcher);
  }

  close(): void {
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
