// Bench inputs, made once under bench/.data (gitignored) and reused: a 2 GiB file and folders of many
// small files. `warm()` reads a path through so the runs that follow hash from the page cache.
import { spawnSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const dataDir = join(dirname(fileURLToPath(import.meta.url)), "..", ".data");
const MiB = 1024 * 1024;

/** A file of `size` bytes of random data (a 64 MiB random block repeated), made once. */
export function bigFile(name = "big-2GiB.bin", size = 2048 * MiB) {
  const path = join(dataDir, name);
  if (existsSync(path) && statSync(path).size === size) return path;
  mkdirSync(dataDir, { recursive: true });
  const tmp = `${path}.tmp`;
  const block = randomFillSync(Buffer.alloc(64 * MiB));
  const fd = openSync(tmp, "w");
  for (let done = 0; done < size; ) {
    const n = Math.min(block.length, size - done);
    // Vary each block a little so no two 64 MiB stretches are identical.
    block.writeUInt32LE(done / MiB, 0);
    writeSync(fd, block, 0, n);
    done += n;
  }
  closeSync(fd);
  renameSync(tmp, path);
  return path;
}

/** Seeded pseudo-random numbers in [0, 1) (mulberry32): the same folder, or arrivals, on every run. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` files of 4–64 KiB in three levels of folders (about 34 KiB each on average: 20,000 files
 * ≈ 690 MB). Names use only [a-z0-9.] so every tool orders them the same way.
 */
export function smallFiles(count) {
  const root = join(dataDir, `small-${count}`);
  const done = join(dataDir, `small-${count}.done`);
  if (existsSync(done)) return root;
  const next = rng(count);
  const random = randomFillSync(Buffer.alloc(65 * 1024));
  const perDir = 20;
  const perMid = 50;
  for (let i = 0; i < count; i++) {
    const top = `d${String(Math.floor(i / (perDir * perMid))).padStart(3, "0")}`;
    const mid = `e${String(Math.floor(i / perDir) % perMid).padStart(2, "0")}`;
    const dir = join(root, top, mid);
    if (i % perDir === 0) mkdirSync(dir, { recursive: true });
    const size = 4096 + Math.floor(next() * (60 * 1024 + 1));
    random.writeUInt32LE(i, 0);
    const fd = openSync(join(dir, `f${String(i % perDir).padStart(3, "0")}.bin`), "w");
    writeSync(fd, random, 0, size);
    closeSync(fd);
  }
  closeSync(openSync(done, "w"));
  return root;
}

/** Total bytes under a path (file or folder). */
export function sizeOf(path) {
  const out = spawnSync("du", ["-sb", "--apparent-size", path], { encoding: "utf8" });
  return Number(out.stdout.split(/\s+/)[0]);
}

/** Reads everything under `path` once, so it sits in the page cache. */
export function warm(path) {
  spawnSync("sh", ["-c", 'find "$1" -type f -print0 | xargs -0 cat > /dev/null', "warm", path], {
    stdio: "ignore",
  });
}
