import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningTracker, startTracker } from "../src/index.js";
import { hex20 } from "./helpers.js";

// bittorrent-tracker's own client, from the test-only install. Its root imports WebRTC (node-datachannel,
// whose native build is not installed), so it runs in a child with that one import stubbed.
const clientPath = fileURLToPath(
  new URL("../../../test-peers/node_modules/bittorrent-tracker/client.js", import.meta.url),
);
const script = fileURLToPath(new URL("./fixtures/bt-client.mjs", import.meta.url));
const stub = fileURLToPath(new URL("./fixtures/stub-webrtc.mjs", import.meta.url));
const run = promisify(execFile);
const H = hex20(0xabc);
let running: RunningTracker | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function client(url: string, infoHash: string, mode: "swarm" | "refused") {
  const { stdout } = await run(
    process.execPath,
    ["--import", stub, script, clientPath, url, infoHash, mode],
    { timeout: 30_000 },
  );
  return stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
}

describe("bittorrent-tracker client interop", () => {
  for (const kind of ["http", "udp"] as const) {
    it(`announces, gets the other peer, completes and scrapes over ${kind.toUpperCase()}`, async () => {
      running = await startTracker({ allow: [H], rateLimit: false });
      const events = await client(kind === "http" ? running.httpUrl! : running.udpUrl!, H, "swarm");
      expect(events).toEqual([
        { event: "first", complete: 0, incomplete: 1 },
        { event: "peer", peer: "127.0.0.1:6881" },
        { event: "completed", complete: 1, incomplete: 1 },
        { event: "scrape", complete: 1, incomplete: 1, downloaded: 1 },
      ]);
      expect(running.tracker.metrics.announces[kind]).toBeGreaterThanOrEqual(3);
    });

    it(`receives the refusal for an info hash the tracker does not serve over ${kind.toUpperCase()}`, async () => {
      running = await startTracker({ allow: [H], rateLimit: false });
      const events = await client(
        kind === "http" ? running.httpUrl! : running.udpUrl!,
        hex20(0xdef),
        "refused",
      );
      expect(events).toHaveLength(1);
      expect(events[0].warning).toMatch(/not served by this tracker/);
    });
  }
});
