// Shared by the tracker benchmarks: the 1,000-hash pool, free ports, starting each tracker as a child
// process, and reading a process's CPU time and RSS from /proc.
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const POOL = Array.from({ length: 1000 }, (_, i) => (i + 1).toString(16).padStart(40, "0"));
const TICK_US = 1e6 / 100; // USER_HZ is 100 on Linux

export function workDir() {
  const dir = mkdtempSync(join(tmpdir(), "seedpress-tracker-bench-"));
  // opentracker drops root for an unprivileged user before it reads the whitelist.
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, "whitelist.txt"), `${POOL.join("\n")}\n`, { mode: 0o644 });
  return dir;
}

export async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/** CPU time (user + system) of a process in microseconds. */
export function cpuMicros(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

export function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

async function waitForLine(child, text) {
  let out = "";
  await new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes(text)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

/** Starts "ours", "bittorrent-tracker" or "opentracker"; resolves when it answers. */
export async function startServer(kind, dir) {
  const http = await freePort();
  const udp = await freePort();
  let child;
  if (kind === "opentracker") {
    const conf = join(dir, `opentracker-${http}.conf`);
    // One UDP worker thread, like the single-threaded Node trackers.
    writeFileSync(
      conf,
      `listen.tcp 127.0.0.1:${http}\nlisten.udp.workers 1\nlisten.udp 127.0.0.1:${udp}\naccess.whitelist ${join(dir, "whitelist.txt")}\n`,
    );
    child = spawn("/usr/bin/opentracker", ["-f", conf], { stdio: ["ignore", "ignore", "ignore"] });
    for (let i = 0; i < 100; i++) {
      try {
        await fetch(`http://127.0.0.1:${http}/stats`);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  } else {
    const script = fileURLToPath(new URL("./tracker-servers.js", import.meta.url));
    child = spawn(process.execPath, [script, kind, String(http), String(udp), join(dir, "whitelist.txt")], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await waitForLine(child, "ready");
  }
  return { kind, pid: child.pid, http, udp, stop: () => child.kill("SIGKILL") };
}

export function fmt(n, digits = 0) {
  return Number.isFinite(n) ? n.toFixed(digits) : "-";
}
