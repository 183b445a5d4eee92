// Builds the example the way CI does: make the big file, then the real Vite CLI.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildEnv, run } from "../../../test-peers/site-example-readers.js";

export const here = join(dirname(fileURLToPath(import.meta.url)), "..");
const viteBin = join(dirname(createRequire(import.meta.url).resolve("vite/package.json")), "bin", "vite.js");

/** Builds into dist/ for a public base URL; returns Vite's stdout. */
export async function buildExample(baseUrl: string): Promise<string> {
  await run(process.execPath, [join(here, "scripts", "make-big-file.js")], { cwd: here });
  const { stdout } = await run(process.execPath, [viteBin, "build"], {
    cwd: here,
    env: { ...buildEnv(), SEEDPRESS_BASE_URL: baseUrl },
  });
  return stdout;
}
