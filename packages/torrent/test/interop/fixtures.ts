// Small test inputs made at run time: a tree of files with deterministic content, and the BEP 52 file
// order computed here independently of the code under test.
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const KiB = 1024;

/** Deterministic bytes for a file: SHA-256 in counter mode over a seed, so every file differs. */
export function content(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  let offset = 0;
  for (let counter = 0; offset < size; counter++) {
    const block = createHash("sha256").update(`${seed}:${counter}`).digest();
    offset += block.copy(out, offset);
  }
  return out;
}

/** Makes a fresh temporary folder; `cleanup` removes it. */
export async function tempDir(
  prefix = "seedpress-interop-",
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Writes `files` (relative "/"-joined path → size) under `root`, content from `content(path, size)`.
 * Returns `root`.
 */
export async function writeTree(root: string, files: Record<string, number>): Promise<string> {
  await mkdir(root, { recursive: true });
  for (const [path, size] of Object.entries(files)) {
    const full = join(root, ...path.split("/"));
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content(path, size));
  }
  return root;
}

function compareBytes(a: Buffer, b: Buffer): number {
  return Buffer.compare(a, b);
}

/** BEP 52 order: paths compared component by component on raw UTF-8 bytes. */
export function compareComponents(a: string, b: string): number {
  const as = a.split("/");
  const bs = b.split("/");
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const c = compareBytes(Buffer.from(as[i] as string), Buffer.from(bs[i] as string));
    if (c !== 0) return c;
  }
  return as.length - bs.length;
}

/** mktorrent's and Transmission's order: whole path strings compared bytewise (strcmp). */
export function compareWholePath(a: string, b: string): number {
  return compareBytes(Buffer.from(a), Buffer.from(b));
}

/** Every regular file under `root` as [relative path, size], in BEP 52 order. */
export async function listFiles(root: string): Promise<Array<[string, number]>> {
  const out: Array<[string, number]> = [];
  async function walk(dir: string, prefix: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(join(dir, entry.name), rel);
      else out.push([rel, (await stat(join(dir, entry.name))).size]);
    }
  }
  await walk(root, "");
  return out.sort((a, b) => compareComponents(a[0], b[0]));
}

/** One tricky input: a single file (`single` set) or a folder of files, sized for a piece length. */
export interface Case {
  name: string;
  /** Top entry name (file name for a single file, folder name otherwise). */
  top: string;
  /** For a single file: its size. */
  single?: number;
  /** For a folder: relative path → size. */
  files?: Record<string, number>;
}

/** Makes a case under `parent`; returns the path of its top entry. */
export async function makeCase(parent: string, c: Case): Promise<string> {
  const top = join(parent, c.top);
  if (c.single !== undefined) {
    await mkdir(parent, { recursive: true });
    await writeFile(top, content(c.top, c.single));
  } else {
    await writeTree(top, c.files ?? {});
  }
  return top;
}

/** The v1 cases of issue 2, sized for piece length `pl`. */
export function v1Cases(pl: number): Case[] {
  return [
    { name: "single file", top: "single.bin", single: 3 * pl + 123 },
    { name: "1-byte single file", top: "one.byte", single: 1 },
    { name: "single file of exactly two pieces", top: "exact.bin", single: 2 * pl },
    { name: "single file one byte under a piece", top: "under.bin", single: pl - 1 },
    { name: "single file one byte over a piece", top: "over.bin", single: pl + 1 },
    {
      name: "folder with nested dirs",
      top: "nested",
      files: {
        "a/b/c/deep.bin": pl + 1,
        "a/top.txt": 100,
        "b/x": 2 * pl,
        "z.bin": pl - 1,
        readme: 1,
      },
    },
    {
      name: "empty and 1-byte files",
      top: "smalls",
      files: { empty: 0, "one-byte": 1, "dir/empty2": 0, "dir/more/one": 1, "data.bin": pl + 7 },
    },
    {
      name: "sizes at piece boundaries ±1",
      top: "boundaries",
      files: {
        "1-under": pl - 1,
        "2-exact": pl,
        "3-over": pl + 1,
        "4-double": 2 * pl,
        "5-one": 1,
        "6-under": pl - 1,
      },
    },
    {
      // U+FF5E sorts before U+1F600 in UTF-8 but after it in UTF-16 (JS string order).
      name: "non-ASCII names",
      top: "ünïcødé",
      files: {
        "é.txt": 300,
        "日本語/ファイル.bin": pl + 3,
        "～.txt": 5,
        "😀.txt": 7,
        "Ωmega/ü.dat": 2 * pl - 1,
        A: 1,
        a: 2,
      },
    },
  ];
}

/** The v2 / hybrid cases of issue 3, sized for piece length `pl`. */
export function v2Cases(pl: number): Case[] {
  return [
    { name: "single file smaller than one piece", top: "small.bin", single: Math.floor(pl / 2) + 5 },
    { name: "1-byte single file", top: "one.byte", single: 1 },
    { name: "single file of three blocks", top: "three-blocks.bin", single: 3 * 16 * KiB },
    { name: "single file of exactly one piece", top: "one-piece.bin", single: pl },
    { name: "single file of one piece + 1 byte", top: "one-piece-plus.bin", single: pl + 1 },
    { name: "single file of five pieces and a bit", top: "five.bin", single: 5 * pl + 1000 },
    {
      name: "several files of odd sizes with empty files",
      top: "odd",
      files: {
        "a.bin": 1,
        "b.bin": pl - 1,
        "c.bin": pl,
        "d.bin": pl + 1,
        "e-empty": 0,
        "f.bin": 3 * pl + 17,
        "g-empty": 0,
        "h.bin": 16 * KiB + 1,
        "i.bin": 777,
      },
    },
    {
      name: "nested folders",
      top: "tree",
      files: {
        "x/y/z/deep.bin": 2 * pl + 5,
        "x/y/mid.txt": 10,
        "x/empty": 0,
        "w/v.bin": pl,
        "top.bin": 33_333,
      },
    },
    {
      name: "non-ASCII names",
      top: "ünïcødé",
      files: {
        "é.txt": 300,
        "日本語/ファイル.bin": pl + 3,
        "～.txt": 5,
        "😀.txt": 7,
        "Ωmega/ü.dat": 2 * pl - 1,
      },
    },
    {
      // Names with a byte below "/" beside a folder of the same prefix: component order puts a/ first.
      name: "names with bytes below '/'",
      top: "order",
      files: { "a/x": 5, "a-b/y": 6, "a.b": 7, "ab/z": 8, "a/b-c": 9, "a/b/q": 10 },
    },
  ];
}
