import { afterEach, describe, expect, it } from "vitest";
import { type RunningTracker, startTracker } from "../src/index.js";
import {
  type BrowserPeers,
  browserPeers,
  download,
  expectedDigest,
  reannounce,
  seed,
} from "./browser-peers.js";

// WebTorrent's own browser bundle, in two headless Chromium pages, exchanging a file through our
// WebSocket tracker (see browser-peers.ts).
let running: RunningTracker | undefined;
let peers: BrowserPeers | undefined;
afterEach(async () => {
  await peers?.close();
  peers = undefined;
  await running?.close();
  running = undefined;
});

describe("WebTorrent browser peers through our WebSocket tracker", () => {
  it("two Chromium pages exchange a file", async () => {
    running = await startTracker({ udpPort: false, ws: true, rateLimit: false });
    const wsUrl = running.wsUrl!;
    peers = await browserPeers();
    const [seeder, leecher] = peers.pages;
    // The seeder makes the torrent; the tracker refuses it until the publisher allows it, then it re-announces.
    const made = await seed(seeder, wsUrl);
    running.tracker.allowTorrent(Uint8Array.from(made.torrent));
    await reannounce(seeder);
    const digest = await download(leecher, made.magnet, wsUrl);
    expect(digest).toBe(expectedDigest());
    expect(running.ws!.metrics.relayedOffers).toBeGreaterThan(0);
    expect(running.ws!.metrics.relayedAnswers).toBeGreaterThan(0);
  });
});
