#!/usr/bin/env node
// Memory of the web seed under hostile and slow clients (issue 10): the server runs in a child process and
// its resident memory (VmRSS) is sampled while
//   - "pipeline": 20 attackers each write 2,000 pipelined `GET /big.bin` in one go and never read;
//   - "pipeline250": the same with 250 requests each (under the limit past which a connection is cut);
//   - "slow": 1,000 clients each GET the whole 1 GiB (sparse) file and read ~16 KiB a second;
//   - "halfopen": 3,000 connections that never send a byte (server fds counted past the 15 s headers timeout).
// Each scenario also times one normal range request made during the attack.
// Run under the bench lock: flock /tmp/bench.lock node bench/webseed-attack.js
// Env: WEBSEED_DIST (the built index.js to measure; default packages/webseed/dist/index.js, so a copy of
// main's dist measures "before"), BENCH_ONLY (comma-separated scenarios), BENCH_SECONDS (per scenario, 12).
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import {
  closeSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
} from "node:fs";
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

async function startServer(options) {
  const script = `
    const { createWebseedServer } = await import(${JSON.stringify(dist)});
    const s = createWebseedServer({ root: ${JSON.stringify(root)}, ${options} });
    const { port } = await s.listen(0);
    process.stdout.write(port + "\\n");`;
  const proc = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [line] = await once(proc.stdout, "data");
  return { proc, port: Number(line.toString().trim()) };
}

/**
 * One normal 16 KiB range request from another process (so this one's busy event loop does not count) and
 * another address (127.0.0.2, so the per-client cap the attack holds does not apply): status and seconds.
 */
function normalRequest(port) {
  return new Promise((resolveResult) => {
    execFile(
      "curl",
      ["-s", "-o", "/dev/null", "--interface", "127.0.0.2", "-r", "0-16383", "-m", "30"].concat([
        "-w",
        "%{http_code} %{time_total}",
        `http://127.0.0.1:${port}/big.bin`,
      ]),
      (_error, stdout) => resolveResult(stdout.trim() || "failed"),
    );
  });
}

// Server options per scenario: the slow readers all come from 127.0.0.1, so the caps are raised there (what
// is measured is memory, not shedding); the others run with the defaults.
const serverOptions = {
  pipeline: "",
  pipeline250: "",
  slow: "maxConnections: 20000, maxConnectionsPerClient: 20000",
  halfopen: "",
};

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
  // Under the 256-request limit, so the connections stay open with their requests waiting.
  pipeline250(port, sockets) {
    const burst = "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n".repeat(250);
    for (let i = 0; i < 20; i++) {
      const s = connect(port, "127.0.0.1", () => s.write(burst));
      s.pause();
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
      s.resume(); // sees the server's 503 and FIN
      sockets.push(s);
    }
  },
};

for (const [name, attack] of Object.entries(scenarios)) {
  if (only && !only.includes(name)) continue;
  const { proc, port } = await startServer(serverOptions[name]);
  await sleep(500);
  const base = rssMiB(proc.pid);
  const sockets = [];
  const stop = attack(port, sockets);
  let peak = base;
  // Half-open connections within the caps are closed after the 15 s headers timeout: watch past it.
  const samples = Math.round(((name === "halfopen" ? seconds + 8 : seconds) * 1000) / 250);
  let normal = "";
  for (let i = 0; i < samples; i++) {
    await sleep(250);
    peak = Math.max(peak, rssMiB(proc.pid));
    if (i === Math.floor(samples / 2)) normal = await normalRequest(port);
  }
  const end = rssMiB(proc.pid);
  // File descriptors the server holds (sockets, files): what a flood of connections exhausts.
  const fds = readdirSync(`/proc/${proc.pid}/fd`).length;
  stop?.();
  for (const s of sockets) s.destroy();
  await sleep(1000);
  const after = rssMiB(proc.pid);
  proc.kill("SIGKILL");
  console.log(
    `${name.padEnd(9)} RSS base ${base.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB (+${(peak - base).toFixed(0)}), ` +
      `at end ${end.toFixed(0)} MiB, 1 s after the clients left ${after.toFixed(0)} MiB; ` +
      `server fds at end ${fds} (${sockets.length} attack sockets); a normal 16 KiB request meanwhile: ${normal} s`,
  );
}
