// Timing helpers for the benches: run a command or a child node script, take the best of N runs, and
// read OpenSSL's own hash speed as the machine's limit.
import { spawnSync } from "node:child_process";
import { cpus, loadavg } from "node:os";

export const cores = cpus().length;
export const RUNS = Number(process.env.BENCH_RUNS ?? 5);

/** Runs a command, throws with its stderr on failure; returns { ms, stdout }. */
export function timed(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

/** Best (fastest) of RUNS results of `fn`, each returning an object with `ms`. */
export function best(fn, runs = RUNS) {
  let top;
  for (let i = 0; i < runs; i++) {
    const r = fn();
    if (!top || r.ms < top.ms) top = r;
  }
  return top;
}

/**
 * Runs every contender once per round, RUNS rounds, interleaved so that load from other processes
 * falls on all of them alike; keeps each one's fastest run. `contenders`: { name: () => ({ ms, ... }) }.
 */
export function rounds(contenders, runs = RUNS) {
  const bestOf = {};
  for (let i = 0; i < runs; i++) {
    for (const [name, fn] of Object.entries(contenders)) {
      const r = fn();
      if (!bestOf[name] || r.ms < bestOf[name].ms) bestOf[name] = r;
    }
  }
  return bestOf;
}

/** Runs a child process that prints one JSON line as its last line of stdout. */
export function jsonChild(cmd, args, opts) {
  const { stdout } = timed(cmd, args, opts);
  const lines = stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

/** `openssl speed -evp <algo> -multi <cores>` over 16 KiB blocks, in bytes per second. */
export function opensslSpeed(algo, seconds = 3) {
  const { stdout } = timed(
    "openssl",
    ["speed", "-evp", algo, "-multi", String(cores), "-bytes", "16384", "-seconds", String(seconds)],
    {
      stdio: ["ignore", "pipe", "ignore"],
    },
  );
  const m = new RegExp(`^${algo}\\s+([\\d.]+)k`, "m").exec(stdout);
  if (!m) throw new Error(`cannot read openssl speed output for ${algo}`);
  return Number(m[1]) * 1000;
}

export const mbps = (bytes, ms) => bytes / 1e6 / (ms / 1000);
export const fmt = (x, digits = 0) =>
  x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Prints rows as an aligned table. */
export function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const r of rows)
    console.log(
      r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  "),
    );
}

/** The 1-minute load average, printed with results: on a shared machine it says how much to trust them. */
export const loadNote = () => `load average ${loadavg()[0].toFixed(2)} on ${cores} cores`;
