import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningTracker, startTracker } from "../src/index.js";
import { tempDir } from "./helpers.js";

const run = promisify(execFile);
const script = fileURLToPath(new URL("./fixtures/lt_swarm.py", import.meta.url));
let running: RunningTracker | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function swarmThrough(kind: "http" | "udp") {
  running = await startTracker({ rateLimit: false, interval: 60, minInterval: 10 });
  const url = kind === "http" ? running.httpUrl! : `${running.udpUrl!}/announce`;
  const dir = tempDir();
  const content = join(dir, "seed");
  const leech = join(dir, "leech");
  await run("mkdir", ["-p", content, leech]);
  const data = Buffer.alloc(300_000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7919) & 0xff;
  const file = join(content, "payload.bin");
  await import("node:fs/promises").then((fs) => fs.writeFile(file, data));
  const torrent = join(dir, "payload.torrent");
  await run("mktorrent", ["-l", "15", "-a", url, "-o", torrent, file]);
  running.tracker.allowTorrent(readFileSync(torrent));
  const { stdout } = await run("/usr/bin/python3", [script, torrent, content, leech], { timeout: 90_000 });
  const result = JSON.parse(stdout);
  return { result, leech, data };
}

describe("libtorrent interop", () => {
  for (const kind of ["http", "udp"] as const) {
    it(`two libtorrent sessions find each other only through our ${kind.toUpperCase()} tracker and finish`, async () => {
      const { result, leech, data } = await swarmThrough(kind);
      expect(result.errors).toEqual([]);
      expect(result.done).toBe(true);
      // The tracker handed out the other peer, and every peer the leecher was seen with came from a
      // tracker (DHT, LSD and PEX were off; the download can finish before a poll sees the connection).
      expect(Math.max(0, ...result.seed_replies, ...result.leech_replies)).toBeGreaterThanOrEqual(1);
      // Source 0 (no source recorded yet, seen once under load on a fresh connection) names no other
      // way in; DHT, PEX, LSD, resume data or an unsolicited incoming peer would set their bits.
      for (const s of result.peer_sources)
        if (s !== 0) expect(s & result.tracker_flag).toBe(result.tracker_flag);
      expect(readFileSync(join(leech, "payload.bin")).equals(data)).toBe(true);
      expect(running!.tracker.metrics.announces[kind]).toBeGreaterThanOrEqual(2);
    });
  }
});
