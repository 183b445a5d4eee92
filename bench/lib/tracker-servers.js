// Runs one tracker for the benchmarks, in its own process so its CPU time can be read from /proc.
// usage: node bench/lib/tracker-servers.js <ours|bittorrent-tracker> <httpPort> <udpPort> <whitelist.txt>
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const [kind, httpPort, udpPort, whitelist] = process.argv.slice(2);
const pool = readFileSync(whitelist, "utf8").trim().split("\n");

if (kind === "ours") {
  // TRACKER_DIST: another build of the package (an older one, for a before/after figure).
  const { startTracker } = await import(
    process.env.TRACKER_DIST ??
      fileURLToPath(new URL("../../packages/tracker/dist/index.js", import.meta.url))
  );
  // The rate limit stays on (every request pays for it) with a limit the load generator cannot reach.
  await startTracker({
    allow: pool,
    httpPort: Number(httpPort),
    udpPort: Number(udpPort),
    rateLimit: { burst: 1e9, perSecond: 1e9 },
    // bench/tracker-scale.js runs the same server over a shared Redis.
    ...(process.env.TRACKER_STORE ? { store: process.env.TRACKER_STORE } : {}),
  });
} else if (kind === "bittorrent-tracker") {
  const path = fileURLToPath(
    new URL("../../test-peers/node_modules/bittorrent-tracker/server.js", import.meta.url),
  );
  const { default: Server } = await import(path);
  const allowed = new Set(pool);
  // Its documented allowlist hook, so both trackers do the same work per announce.
  const server = new Server({
    http: true,
    udp: true,
    ws: false,
    stats: false,
    filter: (infoHash, _params, cb) => cb(allowed.has(infoHash) ? null : new Error("not allowed")),
  });
  server.on("warning", () => undefined);
  server.on("error", (e) => {
    console.error(e);
    process.exit(1);
  });
  await new Promise((resolve) =>
    server.listen(
      { http: Number(httpPort), udp: Number(udpPort) },
      { http: "127.0.0.1", udp: "127.0.0.1", udp6: "::1" },
      resolve,
    ),
  );
} else {
  console.error(`unknown tracker ${kind}`);
  process.exit(2);
}
process.stdout.write("ready\n");
