// `seedpress serve` keeps the tracker's completed counts durably by default (a file per served folder
// under $XDG_STATE_HOME), so they survive a restart, even a kill -9; --tracker-db moves the file.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bdecode, parseTorrent } from "@seedpress/torrent";
import { afterAll, afterEach, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), "seedpress-serve-db-"));
const publicDir = path.join(dir, "public");
const state = path.join(dir, "state");
mkdirSync(publicDir);
writeFileSync(path.join(publicDir, "book.pdf"), randomBytes(100_000));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts `serve` on a free port; resolves with its base URL and everything it printed so far. */
function start(...extra: string[]): Promise<{ base: string; out: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [bin, "serve", publicDir, "--port", "0", ...extra], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, XDG_STATE_HOME: state },
  });
  children.push(proc);
  let out = "";
  return new Promise((resolve, reject) => {
    proc.stdout!.on("data", (d) => {
      out += d;
      const m = /serving .* at (\S+) /.exec(out);
      if (m && out.includes("press Ctrl+C")) resolve({ base: m[1]!, out, proc });
    });
    proc.stderr!.on("data", (d) => (out += d));
    proc.once("exit", (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
}

const percent = (hex: string) => hex.replace(/../g, (b) => `%${b}`);

async function infoHash(base: string): Promise<string> {
  const bytes = new Uint8Array(await (await fetch(`${base}book.pdf.torrent`)).arrayBuffer());
  return parseTorrent(bytes).infoHash!;
}

/** A leecher that finishes: started, then completed. */
async function complete(base: string, hash: string): Promise<void> {
  const peer = percent(randomBytes(20).toString("hex"));
  for (const [event, left] of [
    ["started", 100_000],
    ["completed", 0],
  ] as const) {
    const res = await fetch(
      `${base}announce?info_hash=${percent(hash)}&peer_id=${peer}&port=6881&uploaded=0&downloaded=0&left=${left}&compact=1&event=${event}`,
    );
    const body = bdecode(new Uint8Array(await res.arrayBuffer())).value as Map<string, unknown>;
    expect(body.get("failure reason")).toBeUndefined();
  }
}

/** BEP 48 scrape: the swarm's "downloaded" (completed) count. */
async function downloaded(base: string, hash: string): Promise<number> {
  const res = await fetch(`${base}scrape?info_hash=${percent(hash)}`);
  const files = (bdecode(new Uint8Array(await res.arrayBuffer())).value as Map<string, unknown>).get(
    "files",
  ) as Map<unknown, Map<string, unknown>>;
  const entry = [...files.values()][0]!;
  return Number(entry.get("downloaded"));
}

async function stop(proc: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise((r) => proc.once("exit", r));
  proc.kill(signal);
  await exited;
}

describe("seedpress serve keeps completed counts across restarts", () => {
  it("by default, in a file per served folder under $XDG_STATE_HOME, printed at start-up", async () => {
    const first = await start();
    const m = /tracker counts kept in (\S+)/.exec(first.out);
    expect(m).not.toBeNull();
    const file = m![1]!;
    expect(file.startsWith(path.join(state, "seedpress", "serve") + path.sep)).toBe(true);
    expect(existsSync(file)).toBe(true);
    const hash = await infoHash(first.base);
    expect(await downloaded(first.base, hash)).toBe(0);
    await complete(first.base, hash);
    await complete(first.base, hash);
    expect(await downloaded(first.base, hash)).toBe(2);
    await stop(first.proc, "SIGTERM");

    const second = await start();
    expect(second.out).toContain(`tracker counts kept in ${file}`);
    expect(await downloaded(second.base, hash)).toBe(2);
    await complete(second.base, hash);
    // No clean shutdown this time: what was acknowledged is on disk.
    await stop(second.proc, "SIGKILL");

    const third = await start();
    expect(await downloaded(third.base, hash)).toBe(3);
  });

  it("--tracker-db PATH puts the file there; off keeps counts in memory only", async () => {
    const file = path.join(dir, "elsewhere", "counts.db");
    mkdirSync(path.dirname(file));
    const first = await start("--tracker-db", file);
    expect(first.out).toContain(`tracker counts kept in ${file}`);
    const hash = await infoHash(first.base);
    const before = await downloaded(first.base, hash);
    await complete(first.base, hash);
    await stop(first.proc, "SIGTERM");
    const second = await start("--tracker-db", file);
    expect(await downloaded(second.base, hash)).toBe(before + 1);
    await stop(second.proc, "SIGTERM");

    const memory = await start("--tracker-db", "off");
    expect(memory.out).toContain("tracker counts kept in memory only");
    await complete(memory.base, hash);
    await stop(memory.proc, "SIGTERM");
    const again = await start("--tracker-db", "off");
    expect(await downloaded(again.base, hash)).toBe(0);
  });
});
