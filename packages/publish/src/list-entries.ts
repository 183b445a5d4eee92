// The top of the published folder: each regular file or folder there becomes one torrent. Hidden names,
// .torrent files and anything a symlink takes outside the root (or into a hidden folder) are left out.
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { isInsideRoot, resolveInside } from "./inside-root.js";

export interface Entry {
  /** Name at the top of the root (what URLs use). */
  name: string;
  /** Its real path, symlinks resolved once and checked. */
  real: string;
  singleFile: boolean;
}

export interface Listing {
  entries: Entry[];
  /** Names left out and why (the caller reports them). */
  skipped: { name: string; reason: string }[];
}

// The OS litter `@seedpress/torrent`'s walk also leaves out.
const JUNK = new Set([".DS_Store", "Thumbs.db", "desktop.ini", "Desktop.ini", "ehthumbs.db", "__MACOSX"]);

function ignored(name: string): boolean {
  return name.startsWith(".") || JUNK.has(name) || name.endsWith("~") || name.endsWith(".torrent");
}

export async function listEntries(rootReal: string): Promise<Listing> {
  const listing: Listing = { entries: [], skipped: [] };
  const names = (await readdir(rootReal)).filter((n) => !ignored(n)).sort();
  for (const name of names) {
    const full = path.join(rootReal, name);
    const real = await resolveInside(rootReal, full);
    if (real === undefined) {
      listing.skipped.push({ name, reason: "it points outside the folder (or into a hidden one)" });
      continue;
    }
    if (real === rootReal || !isInsideRoot(rootReal, real)) continue;
    const st = await stat(real).catch(() => undefined);
    if (!st?.isFile() && !st?.isDirectory()) continue;
    listing.entries.push({ name, real, singleFile: st.isFile() });
  }
  return listing;
}
