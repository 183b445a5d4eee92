// The one rule for "is this path ours to publish": resolve symlinks once, then the real path must sit
// under the root's real path with no hidden component on the way (a link to .git is still .git).
import { realpath } from "node:fs/promises";
import path from "node:path";

/** True when `real` (already resolved) is the root or under it, through no dot-named folder or file. */
export function isInsideRoot(rootReal: string, real: string): boolean {
  if (real === rootReal) return true;
  if (!real.startsWith(rootReal + path.sep)) return false;
  return real
    .slice(rootReal.length + 1)
    .split(path.sep)
    .every((part) => !part.startsWith("."));
}

/** The real path of `file` when it resolves inside the root, else undefined (dangling links too). */
export async function resolveInside(rootReal: string, file: string): Promise<string | undefined> {
  const real = await realpath(file).catch(() => undefined);
  return real !== undefined && isInsideRoot(rootReal, real) ? real : undefined;
}
