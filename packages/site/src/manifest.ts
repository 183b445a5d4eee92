// Stage 5: the JSON manifest of a run (published with the site: site paths only, never local ones).
// It lists files and rewritten links, so its size follows maxLinksPerPage, not what a page holds.
import { mkdirSync } from "node:fs";
import { dirname, isAbsolute, relative, sep } from "node:path";
import { writeFileAtomic } from "@seedpress/torrent";
import { SiteError } from "./errors.js";
import type { SiteResult } from "./result.js";
import type { SiteRun } from "./run.js";
import { makeParentInside, writeInside } from "./write-inside.js";

export function manifestOf(result: SiteResult, announce: string[]) {
  const { manifest: _m, ...rest } = result;
  return { seedpressSiteManifest: 1, ...rest, announce };
}

/** Writes the manifest when one is asked for; a path below the site folder must resolve inside it. */
export async function writeManifest(run: SiteRun, result: SiteResult): Promise<void> {
  const file = run.o.manifest;
  if (file === false) return;
  const bytes = Buffer.from(`${JSON.stringify(manifestOf(result, run.o.announce), null, 2)}\n`);
  try {
    const back = relative(run.o.dir, file);
    if (back === ".." || back.startsWith(`..${sep}`) || isAbsolute(back)) {
      // The caller named a place outside the site on purpose.
      mkdirSync(dirname(file), { recursive: true });
      await writeFileAtomic(file, bytes);
    } else {
      makeParentInside(run.site, file);
      await writeInside(run.site, file, bytes);
    }
  } catch (error) {
    throw new SiteError("ERR_SITE_WRITE", `could not write manifest ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  result.manifest = file;
}
