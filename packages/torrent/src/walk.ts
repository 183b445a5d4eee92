// Turns a file or folder into the ordered list of files a torrent will hold: hidden files and OS
// junk left out unless asked, include/exclude globs, symlinks followed only while they stay inside the root.
import { promises as fsp, type Stats } from "node:fs";
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

  const visit = async (dirReal: string, segments: string[]): Promise<void> => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await fsp.readdir(dirReal, { withFileTypes: true });
    } catch (error) {
      throw errorFor(error, path.join(input, ...segments));
    }
    const stats = await Promise.all(
      entries.map(async (entry) => {
        if (!options.includeHidden && isHidden(entry.name)) return undefined;
        const full = path.join(dirReal, entry.name);
        const rel = [...segments, entry.name];
        try {
          if (entry.isSymbolicLink()) {
            const real = await fsp.realpath(full).catch(() => undefined);
            // A link that leaves the root (or dangles) is not followed: publishing must never reach outside.
            if (!real || !inside(real)) return undefined;
            return { real, rel, stat: await fsp.stat(real) };
          }
          if (entry.isFile() || entry.isDirectory()) return { real: full, rel, stat: await fsp.stat(full) };
        } catch (error) {
          throw errorFor(error, path.join(input, ...rel));
        }
        return undefined;
      }),
    );
    for (const item of stats) {
      if (!item) continue;
      if (item.stat.isDirectory()) {
        if (visited.has(item.real)) continue;
        visited.add(item.real);
        await visit(item.real, item.rel);
      } else if (item.stat.isFile()) {
        const relPath = item.rel.join("/");
        if (includeMatch && !includeMatch(relPath)) continue;
        if (excludeMatch?.(relPath)) continue;
        files.push({
          absolutePath: item.real,
          pathSegments: item.rel,
          length: item.stat.size,
          mtimeMs: item.stat.mtimeMs,
        });
      }
    }
  };
  await visit(rootReal, []);
  if (files.length === 0)
    throw new TorrentError("ERR_TORRENT_EMPTY", `${input}: the folder holds no files to publish`);
  return { root: given, singleFile: false, files: sortByPath(files) };
}
