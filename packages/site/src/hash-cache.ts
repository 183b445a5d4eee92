// Remembers each file's info dictionary by (path, size, mtime, piece-length setting), so a rebuild that
// changed nothing re-hashes nothing. One JSON file; a corrupt or foreign one is treated as empty.
import { mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { writeFileAtomic } from "@seedpress/torrent";

export interface CachedInfo {
  size: number;
  mtimeMs: number;
  pieceLength: number | "auto";
  /** Bencoded info dictionary, base64. */
  info: string;
  infoHash: string;
  /** The torrent's piece length in bytes. */
  bytesPerPiece: number;
}

interface CacheFileShape {
  seedpressSiteCache: 1;
  entries: Record<string, CachedInfo>;
}

export class HashCache {
  private entries: Record<string, CachedInfo> = {};
  private dirty = false;

  private constructor(private readonly file: string | false) {}

  static async open(file: string | false): Promise<HashCache> {
    const cache = new HashCache(file);
    if (file === false) return cache;
    try {
      const parsed = JSON.parse(await readFile(file, "utf8")) as Partial<CacheFileShape>;
      if (parsed && parsed.seedpressSiteCache === 1 && parsed.entries && typeof parsed.entries === "object") {
        cache.entries = parsed.entries;
      }
    } catch {
      // Missing or unreadable: start empty; the next save replaces it.
    }
    return cache;
  }

  get(path: string, size: number, mtimeMs: number, pieceLength: number | "auto"): CachedInfo | undefined {
    const hit = this.entries[path];
    if (!hit || hit.size !== size || hit.mtimeMs !== mtimeMs || hit.pieceLength !== pieceLength)
      return undefined;
    if (typeof hit.info !== "string" || !/^[0-9a-f]{40}$/.test(hit.infoHash) || !(hit.bytesPerPiece > 0)) {
      return undefined;
    }
    return hit;
  }

  set(path: string, entry: CachedInfo): void {
    this.entries[path] = entry;
    this.dirty = true;
  }

  async save(): Promise<void> {
    if (this.file === false || !this.dirty) return;
    const shape: CacheFileShape = { seedpressSiteCache: 1, entries: this.entries };
    await mkdir(dirname(this.file), { recursive: true });
    await writeFileAtomic(this.file, Buffer.from(JSON.stringify(shape)));
    this.dirty = false;
  }
}
