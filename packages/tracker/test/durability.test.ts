import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { Tracker } from "../src/index.js";
import { announce, decode, get, hex20, pct, peerIdBytes, tempDir } from "./helpers.js";

const H1 = hex20(1);
const H2 = hex20(2);
const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
});

/** Runs the built tracker in a child process (so it can be killed with SIGKILL) and returns its URL. */
async function child(
  db: string,
  allowApi: boolean,
  env: Record<string, string> = {},
): Promise<{ proc: ChildProcess; url: string }> {
  const script = `
    const { startTracker } = await import(${JSON.stringify(dist)});
    const t = await startTracker({ allow: [${JSON.stringify(H1)}], db: ${JSON.stringify(db)}, udpPort: false, rateLimit: false });
    if (${allowApi}) await t.tracker.allow(${JSON.stringify(H2)});
    process.stdout.write(t.httpUrl + "\\n");`;
  const proc = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...env },
  });
  children.push(proc);
  const [line] = (await once(proc.stdout!, "data")) as [Buffer];
  return { proc, url: line.toString().trim() };
}

// With better-sqlite3 (an optional native dependency) a SQLite file; without it a pure-JS journal.
describe.each([
  ["SQLite", {}, "SQLite format 3\0"],
  ["the journal (better-sqlite3 absent)", { SEEDPRESS_TRACKER_NO_SQLITE: "1" }, "C "],
] as const)("durable counts in %s", (_name, env, magic) => {
  it("keeps completed counts and API-allowed hashes across kill -9", async () => {
    const db = join(tempDir(), "tracker.db");
    const first = await child(db, true, env);
    await announce(first.url, { infoHash: H1, peerId: peerIdBytes(1), event: "started" });
    const done = await announce(first.url, {
      infoHash: H1,
      peerId: peerIdBytes(1),
      left: 0,
      event: "completed",
    });
    expect(done.data.downloaded).toBe(1);
    await announce(first.url, { infoHash: H2, peerId: peerIdBytes(2), left: 0, event: "completed" });
    first.proc.kill("SIGKILL");
    await once(first.proc, "exit");

    const second = await child(db, false, env);
    expect(readFileSync(db).toString("latin1", 0, magic.length)).toBe(magic);
    const q = [H1, H2].map((h) => `info_hash=${pct(Buffer.from(h, "hex"))}`).join("&");
    const files = decode((await get(`${second.url.replace("announce", "scrape")}?${q}`)).body).files;
    const byHex = Object.fromEntries(
      Object.entries(files).map(([k, v]) => [Buffer.from(k, "latin1").toString("hex"), v]),
    );
    // Peers are memory-only (gone with the process); the counters and the API allowlist are not.
    expect(byHex).toEqual({
      [H1]: { complete: 0, incomplete: 0, downloaded: 1 },
      [H2]: { complete: 0, incomplete: 0, downloaded: 1 },
    });
  });

  it("names the file when the database cannot be opened", async () => {
    const dir = tempDir();
    await expect(new Tracker({ db: dir }).ready()).rejects.toThrow(
      expect.objectContaining({ code: "ERR_TRACKER_DB", message: expect.stringContaining(dir) }),
    );
  });
});
