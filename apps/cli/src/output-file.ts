// Where `create` may write its .torrent, decided before any hashing: never over an existing file
// without --force, never over the input or one of the files it hashes, never through a symlink,
// FIFO or device, and never into a folder that is missing or cannot be written.
import { constants, type Stats } from "node:fs";
import { access, lstat, open, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { EnvironmentError, UsageError } from "./command.js";
import { errnoInWords } from "./failure.js";

export interface OutputPlan {
  /** The .torrent to write, resolved. */
  file: string;
  /** Globs to leave out of the input: the output itself when it lies inside the input folder. */
  exclude: string[];
}

const globEscape = (text: string) => text.replace(/[\\*?[\]{}()!+@|^$]/g, "\\$&");

function kindOf(s: Stats): string | undefined {
  if (s.isSymbolicLink()) return "a symbolic link";
  if (s.isFIFO()) return "a FIFO";
  if (s.isCharacterDevice() || s.isBlockDevice()) return "a device";
  if (s.isSocket()) return "a socket";
  if (s.isDirectory()) return "a folder";
  return undefined;
}

async function checkFolder(folder: string): Promise<void> {
  const s = await stat(folder).catch(() => undefined);
  if (!s) throw new UsageError(`the output folder ${folder} does not exist`);
  if (!s.isDirectory()) throw new UsageError(`the output folder ${folder} is not a folder`);
  try {
    await access(folder, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    throw new EnvironmentError(`cannot write in the output folder ${folder}: ${errnoInWords(code)}`);
  }
}

/** A .torrent an earlier run left (starts like a bencoded dictionary): safe to replace with --force. */
async function looksLikeTorrent(file: string): Promise<boolean> {
  if (!file.endsWith(".torrent")) return false;
  const handle = await open(file, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(1), 0, 1, 0);
    return bytesRead === 1 && buffer[0] === 0x64; // "d"
  } finally {
    await handle.close();
  }
}

/** Decides the output of `create` for `input`, or throws the reason it must not be written. */
export async function planOutput(
  input: string,
  options: { output?: string; name?: string; force?: boolean },
): Promise<OutputPlan> {
  const given = path.resolve(input);
  const file = path.resolve(options.output ?? `${options.name ?? path.basename(given)}.torrent`);
  await checkFolder(path.dirname(file));
  // The input's own problems (missing, unreadable) are reported by createTorrent in its words.
  const inputReal = await realpath(given).catch(() => undefined);
  const inputStat = inputReal ? await stat(inputReal) : undefined;
  const folderReal = await realpath(path.dirname(file));
  const fileReal = path.join(folderReal, path.basename(file));
  const insideInput =
    inputStat?.isDirectory() && (folderReal === inputReal || folderReal.startsWith(inputReal + path.sep));

  const existing = await lstat(file).catch(() => undefined);
  if (existing) {
    const kind = kindOf(existing);
    if (kind) throw new UsageError(`${file} is ${kind}, not a regular file: not replacing it`);
    if (inputStat?.isFile() && existing.ino === inputStat.ino && existing.dev === inputStat.dev)
      throw new UsageError(`${file} is the input itself: not replacing it with its torrent`);
    if (insideInput && !(await looksLikeTorrent(file)))
      throw new UsageError(`${file} is one of the files to hash: not replacing it with the torrent`);
    if (!options.force) throw new UsageError(`${file} already exists (--force replaces it)`);
  }
  const exclude = insideInput
    ? [globEscape(path.relative(inputReal!, fileReal).split(path.sep).join("/"))]
    : [];
  return { file, exclude };
}

/** Just before writing: a file that appeared while hashing is not replaced without --force either. */
export async function checkStillFree(plan: OutputPlan, force: boolean | undefined): Promise<void> {
  const existing = await lstat(plan.file).catch(() => undefined);
  if (!existing) return;
  const kind = kindOf(existing);
  if (kind) throw new UsageError(`${plan.file} is ${kind}, not a regular file: not replacing it`);
  if (!force) throw new UsageError(`${plan.file} appeared while hashing (--force replaces it)`);
}
