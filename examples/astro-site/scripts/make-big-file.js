// Makes the "release" the downloads page links to: a few MiB of deterministic bytes, only if missing,
// so its mtime holds still between builds and the hash cache can do its job.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const SIZE = 3 * 1024 * 1024 + 4321;
const file = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "public",
  "downloads",
  "seedpress-demo-1.0.img",
);

export function makeBigFile(target = file, size = SIZE) {
  if (existsSync(target)) return target;
  mkdirSync(dirname(target), { recursive: true });
  const out = Buffer.alloc(size);
  let block = createHash("sha256").update("seedpress demo").digest();
  for (let i = 0; i < size; i += block.length) {
    block.copy(out, i);
    block = createHash("sha256").update(block).digest();
  }
  writeFileSync(target, out);
  return target;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(makeBigFile());
