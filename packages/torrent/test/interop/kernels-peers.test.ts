// The native kernel is optional: with it (the default where it was built) and without it
// (SEEDPRESS_NO_NATIVE=1, as on a machine with no C compiler) the info hashes must equal those of
// the independent makers, mktorrent for v1 and libtorrent for v2 and hybrid, in the calling thread
// (small inputs) and in the worker pool (inputs over 4 MiB). Each run is a fresh process, so the
// environment decides the kernel of the main thread and of the workers alike.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bdecode, benc, get } from "./bencoding.js";
import { KiB, tempDir, writeTree } from "./fixtures.js";
import { ltCreate, mktorrent } from "./peers.js";

const dist = fileURLToPath(new URL("../../dist/index.js", import.meta.url));
const kernelFile = fileURLToPath(
  new URL(`../../dist/seedpress_hash-${process.platform}-${process.arch}.node`, import.meta.url),
);
const SMALL = { "a.bin": 3 * 16 * KiB + 1, "b.bin": 100, "sub/c.bin": 70 * KiB };
const LARGE = { "a.bin": 5 * 1024 * KiB + 7, "b.bin": 0, "sub/c.bin": 1024 * KiB + 3 };
const PIECE = 32 * KiB; // mktorrent's smallest

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("seedpress-kernels-"));
  await writeTree(join(dir, "small"), SMALL);
  await writeTree(join(dir, "large"), LARGE);
});
afterAll(async () => {
  await cleanup();
});

/** Our hashes from a fresh process, with or without the native kernel. */
function ours(folder: string, version: string, native: boolean): [string | null, string | null] {
  const script = `import { createTorrent } from ${JSON.stringify(dist)};
    const t = await createTorrent(${JSON.stringify(folder)}, { version: ${JSON.stringify(version)}, pieceLength: ${PIECE}, creationDate: false, createdBy: false });
    process.stdout.write(JSON.stringify([t.infoHash ?? null, t.infoHashV2 ?? null]));`;
  const env = { ...process.env };
  if (native) delete env.SEEDPRESS_NO_NATIVE;
  else env.SEEDPRESS_NO_NATIVE = "1";
  return JSON.parse(
    execFileSync(process.execPath, ["--input-type=module", "-e", script], { env, encoding: "utf8" }),
  );
}

function infoHash(torrent: Uint8Array, algorithm: "sha1" | "sha256"): string {
  return createHash(algorithm)
    .update(benc(get(bdecode(torrent), "info")!))
    .digest("hex");
}

const kernels = [
  ["node:crypto", false],
  ["native", true],
] as const;

describe("both hash kernels give the peers' hashes", () => {
  it("the native kernel was built on this machine (it has a C compiler)", () => {
    expect(existsSync(kernelFile)).toBe(true);
  });

  it.each(kernels)("v1 with the %s kernel equals mktorrent", async (_, native) => {
    for (const size of ["small", "large"]) {
      const expected = infoHash(
        await mktorrent(join(dir, size), {
          pieceLength: PIECE,
          out: join(dir, `${size}-${native}.mk.torrent`),
        }),
        "sha1",
      );
      expect(ours(join(dir, size), "v1", native)).toEqual([expected, null]);
    }
  });

  it.each(kernels)("v2 and hybrid with the %s kernel equal libtorrent", async (_, native) => {
    for (const size of ["small", "large"] as const) {
      const sizes = size === "small" ? SMALL : LARGE;
      const files = Object.entries(sizes).map(([p, n]) => [`${size}/${p}`, n] as [string, number]);
      for (const mode of ["v2", "hybrid"] as const) {
        const lt = await ltCreate({
          root: dir,
          files,
          pieceLength: PIECE,
          mode,
          out: join(dir, `${size}-${mode}-${native}.lt.torrent`),
        });
        expect(ours(join(dir, size), mode, native)).toEqual([
          mode === "hybrid" ? infoHash(lt.torrent, "sha1") : null,
          infoHash(lt.torrent, "sha256"),
        ]);
      }
    }
  });
});
