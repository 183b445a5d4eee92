// The native kernel and the node:crypto kernel must give the same hashes; libtorrent's interop tests
// check the default (native) one against an independent implementation.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createTorrent } from "../../src/create.js";
import { nativeKernel } from "../../src/native.js";
import { tempDir } from "./tmp.js";

const dist = fileURLToPath(new URL("../../dist/index.js", import.meta.url));
const dir = tempDir();
const folder = path.join(dir, "data");
mkdirSync(path.join(folder, "sub"), { recursive: true });
// Sizes around block and piece edges, and big enough (> 4 MiB) to go through the worker pool.
for (const [name, size] of [
  ["a", 16384 * 3 + 1],
  ["b", 0],
  ["sub/c", 5 * 1024 * 1024 + 7],
  ["sub/d", 65536],
  ["e", 100],
] as const) {
  writeFileSync(path.join(folder, name), randomBytes(size));
}

describe("hash kernels", () => {
  it("loads the native kernel where it was built (linux x64 in CI)", () => {
    if (process.platform === "linux" && process.arch === "x64") expect(nativeKernel).not.toBeNull();
    else expect(nativeKernel === null || typeof nativeKernel.merklePieces === "function").toBe(true);
  });

  it.each(["v1", "v2", "hybrid"] as const)(
    "native and node:crypto agree on a %s torrent",
    async (version) => {
      for (const pieceLength of [16384, 65536, 1048576]) {
        const ours = await createTorrent(folder, {
          version,
          pieceLength,
          creationDate: false,
          createdBy: false,
        });
        const script = `import { createTorrent } from ${JSON.stringify(dist)};
        const t = await createTorrent(${JSON.stringify(folder)}, { version: ${JSON.stringify(version)}, pieceLength: ${pieceLength}, creationDate: false, createdBy: false });
        process.stdout.write(JSON.stringify([t.infoHash ?? null, t.infoHashV2 ?? null]));`;
        // Run as `node --input-type=module -e`: the hash workers must not inherit --input-type.
        const js = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
          env: { ...process.env, SEEDPRESS_NO_NATIVE: "1" },
          encoding: "utf8",
        });
        expect(JSON.parse(js)).toEqual([ours.infoHash ?? null, ours.infoHashV2 ?? null]);
      }
    },
  );
});
