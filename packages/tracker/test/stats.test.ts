import { afterEach, describe, expect, it } from "vitest";
import { type RunningTracker, startTracker } from "../src/index.js";
import { announce, get, hex20, peerIdBytes } from "./helpers.js";

const H1 = hex20(1);
let running: RunningTracker | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe("/stats and /metrics", () => {
  it("report peers, announces and refusals as HTML, JSON and Prometheus text", async () => {
    running = await startTracker({ allow: [H1], udpPort: false, rateLimit: false });
    const url = running.httpUrl!;
    await announce(url, { infoHash: H1, peerId: peerIdBytes(1), left: 0 });
    await announce(url, { infoHash: H1, peerId: peerIdBytes(2) });
    await announce(url, { infoHash: hex20(9), peerId: peerIdBytes(3) });
    const base = url.replace("/announce", "");

    const json = await get(`${base}/stats.json`);
    expect(json.type).toMatch(/application\/json/);
    const s = JSON.parse(json.body.toString());
    expect(s).toMatchObject({
      torrentsAllowed: 1,
      swarms: 1,
      peers: 2,
      seeders: 1,
      leechers: 1,
      announces: { http: 2 },
    });
    expect(s.failures["info_hash is not served by this tracker"]).toBe(1);
    const negotiated = await get(`${base}/stats`, { accept: "application/json" });
    expect(JSON.parse(negotiated.body.toString()).peers).toBe(2);

    const html = await get(`${base}/stats`);
    expect(html.type).toMatch(/text\/html/);
    expect(html.body.toString()).toMatch(/<td>Peers<\/td><td>2<\/td>/);

    const metrics = await get(`${base}/metrics`);
    expect(metrics.type).toMatch(/text\/plain; version=0\.0\.4/);
    const lines = metrics.body.toString().trimEnd().split("\n");
    for (const line of lines) {
      // Exposition format: comments, or `name{labels} value`.
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|[a-z_][a-z0-9_]*(\{[a-z_]+="[^"]*"\})? -?\d+(\.\d+)?)$/);
    }
    expect(lines).toContain('seedpress_tracker_peers{kind="seeder"} 1');
    expect(lines).toContain('seedpress_tracker_announces_total{protocol="http"} 2');
    expect(lines).toContain("seedpress_tracker_swarms 1");
  });

  it("can be turned off", async () => {
    running = await startTracker({ allow: [H1], udpPort: false, stats: false });
    expect((await get(running.httpUrl!.replace("announce", "metrics"))).status).toBe(404);
  });
});
