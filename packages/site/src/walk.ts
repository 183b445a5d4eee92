// Lists the files of a folder, depth first, as "/"-separated relative paths. Symlinked folders are not
// followed (a loop would never end); symlinked files are listed.
import type { Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";

export async function listFiles(root: string, accept: (rel: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  async function visit(dir: string, prefix: string): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (prefix === "") throw error;
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const rel = prefix + entry.name;
      if (entry.isDirectory()) await visit(join(dir, entry.name), `${rel}/`);
      else if ((entry.isFile() || entry.isSymbolicLink()) && accept(rel)) out.push(rel);
    }
  }
  await visit(root, "");
  return out;
}
