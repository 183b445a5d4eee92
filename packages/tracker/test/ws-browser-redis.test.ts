import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { type BrowserPeers, browserPeers, download, expectedDigest, seed } from "./browser-peers.js";
import { RedisServer } from "./redis-server.js";

// Two tracker processes (the built package, as `seedpress tracker --workers` runs it) sharing one
// redis-server; one Chromium page talks only to process A, the other only to process B. The pages can
// only meet through offers and answers that cross from one process to the other through Redis.
const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url));

interface Child {
  proc: ChildProcess;
  ws: string;
  http: string;
}

async function trackerProcess(store: string): Promise<Child> {
  const script = `
    const { startTracker } = await import(${JSON.stringify(dist)});
    const t = await startTracker({ store: ${JSON.stringify(store)}, open: true, ws: true, udpPort: false,
      rateLimit: false });
    process.stdout.write(JSON.stringify({ ws: t.wsUrl, http: t.httpUrl }) + "\\n");`;
  const proc = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(proc);
  const [line] = (await once(proc.stdout!, "data")) as [Buffer];
  return { proc, ...JSON.parse(line.toString()) };
}

async function stats(child: Child): Promise<Record<string, number>> {
  const res = await fetch(child.http.replace(/announce$/, "stats.json"));
  return (await res.json()) as Record<string, number>;
}

let redis: RedisServer | undefined;
let peers: BrowserPeers | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  await peers?.close();
  peers = undefined;
  for (const c of children.splice(0)) c.kill("SIGKILL");
  await redis?.stop();
  redis = undefined;
});

describe("WebTorrent browser peers through two tracker processes sharing Redis", () => {
  it("a page on process A seeds, a page on process B downloads the same bytes", async () => {
    redis = await RedisServer.start();
    const a = await trackerProcess(redis.url);
    const b = await trackerProcess(redis.url);
    expect(a.proc.pid).not.toBe(b.proc.pid);
    peers = await browserPeers();
    const [seeder, leecher] = peers.pages;
    const made = await seed(seeder, a.ws);
    // The seeder's magnet names A's URL (tr=): keep only the info hash so the leecher knows only B.
    const xt = new URLSearchParams(made.magnet.slice("magnet:?".length)).get("xt")!;
    const digest = await download(leecher, `magnet:?xt=${xt}`, b.ws);
    expect(digest).toBe(expectedDigest());
    const [sa, sb] = await Promise.all([stats(a), stats(b)]);
    // Each process had one page only: the leecher's offers left B for A's seeder, the answer came back.
    expect(sa.wsConnections).toBe(1);
    expect(sb.wsConnections).toBe(1);
    expect(sb.wsRelayedOffers).toBeGreaterThan(0);
    expect(sb.wsRelayedAnswers).toBeGreaterThan(0);
  });
});
