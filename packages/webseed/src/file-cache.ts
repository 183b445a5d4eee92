// Open files by request key, kept open and re-checked at most every `statTtl` ms, so a hot range costs
// one pread and no open/stat/realpath. Symlinks are followed only while the real path stays under the root.
import {
  close as closeCb,
  constants,
  existsSync,
  fstat as fstatCb,
  open as openCb,
  type Stats,
} from "node:fs";
import { readlink, realpath, stat } from "node:fs/promises";
import { sep } from "node:path";
import { promisify } from "node:util";
import { contentTypeFor } from "./content-type.js";

export interface OpenFile {
  /** "/"-joined key relative to the root, as requested. */
  key: string;
  fd: number;
  size: number;
  mtimeMs: number;
  dev: number;
  ino: number;
  etag: string;
  lastModified: string;
  contentType: string;
  /** Requests using the fd right now: it is closed only once nothing reads from it. */
  refs: number;
  /** Response headers that depend only on this file, built by the handler on first use. */
  headers?: string[];
  closed: boolean;
  evicted: boolean;
  checkedAt: number;
  realPath: string;
}

export interface FileCacheOptions {
  rootReal: string;
  followSymlinks: boolean;
  statTtl: number;
  maxOpenFiles: number;
}

const openFd = promisify(openCb);
const fstatFd = promisify(fstatCb);
const closeFd = (fd: number) =>
  new Promise<void>((resolve) => {
    closeCb(fd, () => resolve());
  });

// O_NONBLOCK: opening a FIFO (or a device) under the root must not block a thread-pool thread for ever;
// it has no effect on reads of regular files, and anything that is not a regular file gets a 404 anyway.
const O_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Where an open fd really is, from the kernel: on Linux /proc/self/fd/N names the file the fd holds, as it
 * is now. Checking it after the open closes the race between resolving a path and opening it (a folder on
 * the path swapped for a symlink to outside the root in between: 40 % of requests served outside bytes
 * before). Node has no openat(2) to walk the path with O_NOFOLLOW component by component, and an fstat
 * compared with a second realpath + stat is itself racy, so that comparison is only the fallback where
 * /proc is missing (macOS, BSD), where it narrows the window without closing it.
 */
const PROC_FD = existsSync("/proc/self/fd");

function makeEtag(st: Stats): string {
  // Strong: size, mtime in ns precision where we have it, inode. Any rewrite of the file changes it.
  return `"${st.size.toString(16)}-${Math.round(st.mtimeMs * 1000).toString(16)}-${st.ino.toString(16)}"`;
}

export class FileCache {
  private readonly files = new Map<string, OpenFile>();
  private readonly pending = new Map<string, Promise<OpenFile | null>>();
  private readonly options: FileCacheOptions;

  constructor(options: FileCacheOptions) {
    this.options = options;
  }

  /** The cached entry when it was checked within `statTtl`, without touching the disk. */
  peek(key: string, now: number): OpenFile | undefined {
    const file = this.files.get(key);
    if (file && now - file.checkedAt < this.options.statTtl) return file;
    return undefined;
  }

  get(key: string, segments: string[], now: number): Promise<OpenFile | null> {
    let promise = this.pending.get(key);
    if (!promise) {
      promise = this.resolve(key, segments, now).finally(() => this.pending.delete(key));
      this.pending.set(key, promise);
    }
    return promise;
  }

  acquire(file: OpenFile): void {
    file.refs++;
  }

  release(file: OpenFile): void {
    file.refs--;
    if (file.evicted && file.refs === 0) this.closeFd(file);
  }

  /** Forget `key` (its fd closes once idle). */
  drop(key: string): void {
    const file = this.files.get(key);
    if (file) this.evict(file);
  }

  async closeAll(): Promise<void> {
    for (const file of [...this.files.values()]) this.evict(file);
    await Promise.all([...this.pending.values()].map((p) => p.catch(() => null)));
  }

  private async resolve(key: string, segments: string[], now: number): Promise<OpenFile | null> {
    const { rootReal } = this.options;
    const full = rootReal + sep + segments.join(sep);
    let real: string;
    try {
      real = await realpath(full);
    } catch {
      this.drop(key);
      return null;
    }
    if (!this.insideRoot(real) || (!this.options.followSymlinks && real !== full)) {
      this.drop(key);
      return null;
    }
    const old = this.files.get(key);
    if (old && old.realPath === real) {
      try {
        const st = await stat(real);
        if (st.ino === old.ino && st.dev === old.dev && st.size === old.size && st.mtimeMs === old.mtimeMs) {
          old.checkedAt = now;
          return old;
        }
      } catch {
        this.drop(key);
        return null;
      }
    }
    let fd: number | undefined;
    try {
      // A bare fd (not a FileHandle): fs.read on a number is the cheapest read Node has.
      fd = await openFd(real, O_FLAGS);
      const st = await fstatFd(fd);
      if (!st.isFile() || !(await this.opened(fd, st, full, real))) {
        await closeFd(fd);
        this.drop(key);
        return null;
      }
      const file: OpenFile = {
        key,
        fd,
        size: st.size,
        mtimeMs: st.mtimeMs,
        dev: st.dev,
        ino: st.ino,
        etag: makeEtag(st),
        lastModified: new Date(Math.floor(st.mtimeMs / 1000) * 1000).toUTCString(),
        contentType: contentTypeFor(segments[segments.length - 1] ?? ""),
        refs: 0,
        closed: false,
        evicted: false,
        checkedAt: now,
        realPath: real,
      };
      if (old) this.evict(old);
      this.files.set(key, file);
      this.trim();
      return file;
    } catch {
      if (fd !== undefined) await closeFd(fd);
      this.drop(key);
      return null;
    }
  }

  /** Whether `fd` is the file `real` names (checked inside the root), not one a swapped path led to. */
  private async opened(fd: number, st: Stats, full: string, real: string): Promise<boolean> {
    try {
      if (PROC_FD) return (await readlink(`/proc/self/fd/${fd}`)) === real;
      const again = await realpath(full);
      const now = await stat(again);
      return again === real && now.ino === st.ino && now.dev === st.dev;
    } catch {
      return false;
    }
  }

  private insideRoot(real: string): boolean {
    const { rootReal } = this.options;
    if (!real.startsWith(rootReal + sep)) return false;
    // A symlink inside the root pointing at a dotfile (say .git/config) is still a dotfile.
    for (const part of real.slice(rootReal.length + 1).split(sep)) if (part.startsWith(".")) return false;
    return true;
  }

  private trim(): void {
    while (this.files.size > this.options.maxOpenFiles) {
      const oldest = this.files.values().next().value as OpenFile;
      this.evict(oldest);
    }
  }

  private evict(file: OpenFile): void {
    if (this.files.get(file.key) === file) this.files.delete(file.key);
    file.evicted = true;
    if (file.refs === 0) this.closeFd(file);
  }

  private closeFd(file: OpenFile): void {
    if (file.closed) return;
    file.closed = true;
    void closeFd(file.fd);
  }
}
