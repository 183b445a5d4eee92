#!/usr/bin/env node
// Flat memory while hashing: a 20 GiB sparse file (made here, no disk used) hashed as v1 and hybrid,
// each in its own process; prints peak RSS. Issue target: under 200 MiB.
import { spawnSync } from "node:child_process";
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const torrent = fileURLToPath(new URL("../packages/torrent/dist/index.js", import.meta.url));
const size = Number(process.env.SEEDPRESS_BENCH_SPARSE_GIB ?? 20) * 1024 ** 3;
const dir = mkdtempSync(path.join(tmpdir(), "seedpress-bench-mem-"));
const file = path.join(dir, "sparse.img");
const fd = openSync(file, "w");
ftruncateSync(fd, size);
closeSync(fd);

try {
  for (const version of ["v1", "hybrid"]) {
    const script = `import { createTorrent } from ${JSON.stringify(torrent)};
      const t0 = performance.now();
      const t = await createTorrent(${JSON.stringify(file)}, { version: ${JSON.stringify(version)} });
      const s = (performance.now() - t0) / 1000;
      console.log(JSON.stringify({ seconds: s, pieces: t.pieceCount, pieceLength: t.pieceLength, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
    const out = JSON.parse(r.stdout);
    console.log(
      `${version.padEnd(6)} ${(size / 1024 ** 3).toFixed(0)} GiB sparse: ${out.seconds.toFixed(1)} s, ` +
        `${(size / 1e6 / out.seconds).toFixed(0)} MB/s, ${out.pieces} pieces of ${out.pieceLength / 1048576} MiB, ` +
        `peak RSS ${out.maxRssMiB.toFixed(0)} MiB (target < 200 MiB: ${out.maxRssMiB < 200 ? "met" : "MISSED"})`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
