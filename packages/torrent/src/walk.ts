// Turns a file or folder into the ordered list of files a torrent will hold: hidden files and OS
// junk left out unless asked, include/exclude globs, symlinks followed only while they stay inside the root.
import { type Dirent, promises as fsp, readdirSync, realpathSync, type Stats, statSync } from "node:fs";
import path from "node:path";
import picomatch from "picomatch";
import { TorrentError } from "./errors.js";
import { sortByPath } from "./file-order.js";

export interface WalkOptions {
  includeHidden?: boolean;
  include?: string[];
  exclude?: string[];
}

export interface WalkedFile {
  /** Absolute path on disk (symlinks resolved). */
  absolutePath: string;
  /** Path inside the torrent's top folder ([] never: a single file has [name]). */
  pathSegments: string[];
  length: number;
  mtimeMs: number;
}

export interface WalkResult {
  /** The file or folder given, resolved. */
  root: string;
  /** True when the input is one file (single-file torrent). */
  singleFile: boolean;
  files: WalkedFile[];
}

const OS_JUNK = new Set([".DS_Store", "Thumbs.db", "desktop.ini", "ehthumbs.db", "Desktop.ini", "__MACOSX"]);

function isHidden(name: string): boolean {
  return name.startsWith(".") || OS_JUNK.has(name);
}

function tryRealpath(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}

function errorFor(error: unknown, where: string): TorrentError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT")
    return new TorrentError("ERR_TORRENT_PATH_NOT_FOUND", `${where}: no such file or folder`);
  return new TorrentError(
    "ERR_TORRENT_PATH_UNREADABLE",
    `${where}: cannot read (${code ?? (error as Error).message})`,
    {
      cause: error,
    },
  );
}

export async function walk(input: string, options: WalkOptions = {}): Promise<WalkResult> {
  const given = path.resolve(input);
  let rootReal: string;
  let rootStat: Stats;
  try {
    rootReal = await fsp.realpath(given);
    rootStat = await fsp.stat(rootReal);
  } catch (error) {
    throw errorFor(error, input);
  }
  if (rootStat.isFile()) {
    try {
      await (await fsp.open(rootReal, "r")).close();
    } catch (error) {
      throw errorFor(error, input);
    }
    return {
      root: given,
      singleFile: true,
      files: [
        {
          absolutePath: rootReal,
          pathSegments: [path.basename(given)],
          length: rootStat.size,
          mtimeMs: rootStat.mtimeMs,
        },
      ],
    };
  }
  if (!rootStat.isDirectory()) {
    throw new TorrentError("ERR_TORRENT_PATH_UNREADABLE", `${input}: not a regular file or folder`);
  }

  const includeMatch = options.include?.length ? picomatch(options.include, { dot: true }) : undefined;
  const excludeMatch = options.exclude?.length ? picomatch(options.exclude, { dot: true }) : undefined;
  const files: WalkedFile[] = [];
  const visited = new Set<string>([rootReal]);
  const inside = (real: string) => real === rootReal || real.startsWith(rootReal + path.sep);

  // Synchronous on purpose: for 20,000 files, one readdir + one stat each take ~0.1 s this way and
  // ~0.8 s through the thread pool (a promise and a pool round-trip per file).
  const visit = (dirReal: string, segments: string[]): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dirReal, { withFileTypes: true });
    } catch (error) {
      throw errorFor(error, path.join(input, ...segments));
    }
    for (const entry of entries) {
      if (!options.includeHidden && isHidden(entry.name)) continue;
      const full = path.join(dirReal, entry.name);
      const rel = [...segments, entry.name];
      let real = full;
      let stat: Stats;
      try {
        if (entry.isSymbolicLink()) {
          const target = tryRealpath(full);
          // A link that leaves the root (or dangles) is not followed: publishing must never reach outside.
          if (!target || !inside(target)) continue;
          real = target;
        } else if (!entry.isFile() && !entry.isDirectory()) {
          continue;
        }
        stat = statSync(real);
      } catch (error) {
        throw errorFor(error, path.join(input, ...rel));
      }
      if (stat.isDirectory()) {
        if (visited.has(real)) continue;
        visited.add(real);
        visit(real, rel);
      } else if (stat.isFile()) {
        const relPath = rel.join("/");
        if (includeMatch && !includeMatch(relPath)) continue;
        if (excludeMatch?.(relPath)) continue;
        files.push({ absolutePath: real, pathSegments: rel, length: stat.size, mtimeMs: stat.mtimeMs });
      }
    }
  };
  visit(rootReal, []);
  if (files.length === 0)
    throw new TorrentError("ERR_TORRENT_EMPTY", `${input}: the folder holds no files to publish`);
  return { root: given, singleFile: false, files: sortByPath(files) };
}
