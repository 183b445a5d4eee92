#!/usr/bin/env node
// Memory of the web seed under hostile and slow clients (issue 10): the server runs in a child process and
// its resident memory (VmRSS) is sampled while
//   - "pipeline": 20 attackers each write 2,000 pipelined `GET /big.bin` in one go and never read;
//   - "slow": 1,000 clients each GET the whole 1 GiB (sparse) file and read ~16 KiB a second;
//   - "halfopen": 3,000 connections that never send a byte.
// Each scenario also times one normal range request made during the attack.
// Run under the bench lock: flock /tmp/bench.lock node bench/webseed-attack.js
// Env: WEBSEED_DIST (the built index.js to measure; default packages/webseed/dist/index.js, so a copy of
// main's dist measures "before"), BENCH_ONLY (comma-separated scenarios), BENCH_SECONDS (per scenario, 12).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..");
const dist = resolve(process.env.WEBSEED_DIST ?? join(repo, "packages/webseed/dist/index.js"));
const seconds = Number(process.env.BENCH_SECONDS ?? 12);
const only = process.env.BENCH_ONLY?.split(",");
if (!existsSync(dist)) {
  console.error(`bench/webseed-attack.js: ${dist} missing (npx turbo run build --filter=@seedpress/webseed)`);
  process.exit(2);
}
const root = join(here, ".data", "webseed-attack");
mkdirSync(root, { recursive: true });
const fd = openSync(join(root, "big.bin"), "w");
ftruncateSync(fd, 2 ** 30); // sparse: 1 GiB that costs no disk and reads from no disk
closeSync(fd);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rssMiB = (pid) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
};

async function startServer() {
  // Caps high enough for 1,000 readers from one address: what is measured is memory, not shedding.
  const script = `
    const { createWebseedServer } = await import(${JSON.stringify(dist)});
    const s = createWebseedServer({ root: ${JSON.stringify(root)}, maxConnections: 20000, maxConnectionsPerClient: 20000 });
    const { port } = await s.listen(0);
    process.stdout.write(port + "\\n");`;
  const proc = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [line] = await once(proc.stdout, "data");
  return { proc, port: Number(line.toString().trim()) };
}

/** One normal 16 KiB range request on a fresh connection: ms until the whole answer is in. */
function normalRequest(port) {
  return new Promise((resolveTime) => {
    const t0 = performance.now();
    const socket = connect(port, "127.0.0.1");
    let got = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      resolveTime(Number.POSITIVE_INFINITY);
    }, 30_000);
    socket.on("data", (chunk) => {
      got += chunk.length;
      if (got >= 16384) {
        clearTimeout(timer);
        socket.destroy();
        resolveTime(performance.now() - t0);
      }
    });
    socket.on("error", () => {});
    socket.write("GET /big.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=0-16383\r\n\r\n");
  });
}

const scenarios = {
  pipeline(port, sockets) {
    const burst = "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n".repeat(2000);
    for (let i = 0; i < 20; i++) {
      const s = connect(port, "127.0.0.1", () => s.write(burst));
      s.pause(); // never read
      s.on("error", () => {});
      sockets.push(s);
    }
  },
  slow(port, sockets) {
    for (let i = 0; i < 1000; i++) {
      const s = connect(port, "127.0.0.1", () => s.write("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n"));
      s.on("error", () => {});
      s.on("data", () => s.pause());
      sockets.push(s);
    }
    // ~16 KiB a second each: resume for one read, then pause again.
    const timer = setInterval(() => {
      for (const s of sockets) s.resume();
    }, 1000);
    return () => clearInterval(timer);
  },
  halfopen(port, sockets) {
    for (let i = 0; i < 3000; i++) {
      const s = connect(port, "127.0.0.1");
      s.on("error", () => {});
      sockets.push(s);
    }
  },
};

for (const [name, attack] of Object.entries(scenarios)) {
  if (only && !only.includes(name)) continue;
  const { proc, port } = await startServer();
  await sleep(500);
  const base = rssMiB(proc.pid);
  const sockets = [];
  const stop = attack(port, sockets);
  let peak = base;
  const samples = Math.round((seconds * 1000) / 250);
  let normal = Number.NaN;
  for (let i = 0; i < samples; i++) {
    await sleep(250);
    peak = Math.max(peak, rssMiB(proc.pid));
    if (i === Math.floor(samples / 2)) normal = await normalRequest(port);
  }
  const end = rssMiB(proc.pid);
  const open = sockets.filter((s) => !s.destroyed && s.readyState === "open").length;
  stop?.();
  for (const s of sockets) s.destroy();
  await sleep(1000);
  const after = rssMiB(proc.pid);
  proc.kill("SIGKILL");
  console.log(
    `${name.padEnd(9)} RSS base ${base.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB (+${(peak - base).toFixed(0)}), ` +
      `at end ${end.toFixed(0)} MiB, 1 s after the clients left ${after.toFixed(0)} MiB; ` +
      `attack sockets still open ${open}/${sockets.length}; normal 16 KiB request ${normal.toFixed(0)} ms`,
  );
}
