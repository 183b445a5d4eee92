// Keeps a run's reads and writes inside the folders it was given. Each folder's real path is taken once;
// a file is opened first and then checked on the opened descriptor itself, so a path swapped for a
// symlink after a check cannot lead the open elsewhere. Writes go to the resolved, checked parent.
// Synchronous on purpose: a big site's pages are small, and a few syscalls each beat the thread pool.
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  openSync,
  readlinkSync,
  readSync,
  realpathSync,
  type Stats,
  statSync,
} from "node:fs";
import { basename, dirname, join, sep } from "node:path";

/** The code of the error thrown when a path leads out of its folder. */
export const OUTSIDE = "EOUTSIDE";

export interface OpenedFile {
  fd: number;
  /** fstat of the opened descriptor. */
  stat: Stats;
  /** The opened file's real path (inside the folder). */
  real: string;
}

function outside(path: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${path} leads out of its folder`);
  error.code = OUTSIDE;
  return error;
}

let procChecked: boolean | undefined;

/** Does this system show an open descriptor's path in /proc/self/fd (Linux)? Asked once. */
function procFd(): boolean {
  if (procChecked === undefined) procChecked = process.platform === "linux" && existsSync("/proc/self/fd");
  return procChecked;
}

/** The path the kernel holds for an open descriptor, or undefined where /proc does not tell. */
function descriptorPath(fd: number): string | undefined {
  if (!procFd()) return undefined;
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return undefined;
  }
}

export class SiteFolder {
  private readonly prefix: string;

  private constructor(
    /** The folder as given (absolute). */
    readonly path: string,
    /** Its real path, every symlink resolved, taken once. */
    readonly real: string,
  ) {
    this.prefix = real.endsWith(sep) ? real : real + sep;
  }

  /** Throws as realpath does when the folder is missing. */
  static open(path: string): SiteFolder {
    return new SiteFolder(path, realpathSync.native(path));
  }

  /** Is this real path the folder or below it? */
  contains(real: string): boolean {
    return real === this.real || real.startsWith(this.prefix);
  }

  /**
   * Opens a file below the folder for reading. A symlink is followed only to a file inside the folder;
   * with `noFollow` a symlink as the last part is refused (ELOOP). A missing file throws ENOENT as usual,
   * a path out of the folder throws code OUTSIDE before a byte of it is read. The caller closes `fd`.
   */
  openFile(path: string, options: { noFollow?: boolean } = {}): OpenedFile {
    // Resolve first, so nothing outside is even opened (a device's open can have effects). A page
    // (noFollow, its folders never symlinks when listed) skips that where /proc checks the descriptor:
    // a big site's pages are read with one syscall more than a plain read.
    let real: string | undefined;
    if (!options.noFollow || !procFd()) {
      real = realpathSync.native(path);
      if (!this.contains(real)) throw outside(path);
    }
    // O_NONBLOCK: a FIFO planted under a page's or a file's name must not hang the open.
    const flags = constants.O_RDONLY | constants.O_NONBLOCK | (options.noFollow ? constants.O_NOFOLLOW : 0);
    const fd = openSync(real ?? path, flags);
    try {
      const opened = fstatSync(fd);
      return { fd, stat: opened, real: this.checkOpened(fd, opened, path) };
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** Checks that an open descriptor is inside the folder, whatever happened to its path since; its real path. */
  private checkOpened(fd: number, opened: Stats, path: string): string {
    const held = descriptorPath(fd);
    if (held !== undefined) {
      if (!this.contains(held)) throw outside(path);
      return held;
    }
    // No /proc: the path resolved now must be inside and be the very file we hold (device and inode).
    const again = realpathSync.native(path);
    const now = statSync(again);
    if (!this.contains(again) || now.dev !== opened.dev || now.ino !== opened.ino) throw outside(path);
    return again;
  }

  /**
   * The stat of a regular file below the folder (symlinks followed only inside), or undefined. For
   * metadata only (a cache key): nothing is opened.
   */
  statFile(path: string): Stats | undefined {
    try {
      const real = realpathSync.native(path);
      if (!this.contains(real)) return undefined;
      const s = statSync(real);
      return s.isFile() ? s : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Where to write `path`: its parent resolved and checked inside, the last part kept as named, so a
   * symlink there is replaced by the rename, never written through. Throws OUTSIDE, or ENOENT when the
   * parent does not exist.
   */
  writablePath(path: string): string {
    const parent = realpathSync.native(dirname(path));
    if (!this.contains(parent)) throw outside(path);
    return join(parent, basename(path));
  }
}

/** Reads from an open file until `buffer` is full or the file ends; how many bytes came. */
export function readInto(fd: number, buffer: Buffer): number {
  let length = 0;
  for (let n = 1; n > 0 && length < buffer.length; length += n) {
    n = readSync(fd, buffer, length, buffer.length - length, null);
  }
  return length;
}

/** The code of a thrown fs error, or "". */
export function errnoCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? "";
}
