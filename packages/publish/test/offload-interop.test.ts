// The swarm-aware origin against the real server: libtorrent alone downloads at full speed (never slowed),
// and HTTP clients on their own loopback addresses see the policy's answers change as the tracker's swarm
// changes (peers announcing and leaving over HTTP) and as a slowed client's budget runs out. A client is
// slowed only while at least minPeers other clients still download here, so each test has two more.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createPublisher, type Publisher } from "@seedpress/publish";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ltScript = fileURLToPath(new URL("../../webseed/test/interop/lt_download.py", import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), "seedpress-offload-"));
const root = path.join(dir, "public");
mkdirSync(root);
const data = randomBytes(3 * 1024 * 1024 + 123);
writeFileSync(path.join(root, "show.flac"), data);
const open: Publisher[] = [];
afterAll(async () => {
  await Promise.all(open.map((p) => p.close()));
  rmSync(dir, { recursive: true, force: true });
});

const pct = (hex: string) => hex.replace(/../g, (b) => `%${b}`);

/** An HTTP announce for a made-up peer (left > 0: a leecher), as a client would send it. */
async function announce(p: Publisher, peer: string, event: "started" | "stopped") {
  const hash = p.torrents[0]!.meta.infoHash!;
  const query = `info_hash=${pct(hash)}&peer_id=${pct(peer.repeat(20))}&port=6881&uploaded=0&downloaded=0&left=1000&compact=1&event=${event}`;
  expect((await fetch(`${p.baseUrl}announce?${query}`)).status).toBe(200);
}

/** A ranged GET from its own loopback address (the policy tells clients apart by address). */
async function get(p: Publisher, ip: string, range: string) {
  const { stdout } = await run("curl", [
    "-s",
    "--interface",
    ip,
    "-o",
    "/dev/null",
    "-r",
    range,
    "-w",
    "%{http_code} %{size_download} %header{retry-after}",
    `${p.baseUrl}show.flac`,
  ]);
  const [status, size, retryAfter] = stdout.trim().split(" ");
  return { status: Number(status), size: Number(size), retryAfter };
}

describe("the swarm-aware origin on the real server", () => {
  it("a lone libtorrent client is never refused nor slowed and the origin sends one copy", async () => {
    const requests: number[] = [];
    const p = await createPublisher({
      root,
      port: 0,
      offload: true,
      onEvent: (e) => e.type === "request" && e.log.url.includes("show.flac") && requests.push(e.log.status),
    });
    open.push(p);
    const torrent = path.join(dir, "lone.torrent");
    writeFileSync(torrent, p.torrents[0]!.torrent);
    const { stdout } = await run("/usr/bin/python3", [ltScript, torrent, path.join(dir, "lone"), "60"], {
      timeout: 90_000,
    });
    expect(JSON.parse(stdout.trim().split("\n").pop()!).done).toBe(true);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((s) => s !== 206 && s !== 200)).toEqual([]);
    const row = p.offload()[0]!;
    expect(row.slowed).toBe(0);
    expect(row.originBytes).toBeGreaterThanOrEqual(data.length);
    expect(row.originCopies).toBeLessThan(1.1);
    await p.close();
  }, 120_000);

  it("slows a repeat while the piece's holder is around (served whole, never refused); full speed once the swarm shrinks", async () => {
    const p = await createPublisher({ root, port: 0, offload: { minPeers: 2 } });
    open.push(p);
    for (const peer of ["aa", "bb", "ee"]) await announce(p, peer, "started");
    expect((await get(p, "127.0.0.2", "0-")).status).toBe(206); // the first copy: 127.0.0.2 holds it now
    for (const ip of ["127.0.0.3", "127.0.0.6", "127.0.0.7"]) await get(p, ip, "-1"); // still downloading
    const before = p.offload()[0]!.slowed; // the later of those last-byte asks were repeats too
    expect(await get(p, "127.0.0.3", "0-65535")).toMatchObject({ status: 206, size: 65536 });
    expect(p.offload()[0]!.slowed).toBe(before + 1);
    // Both other peers leave: the swarm is smaller than minPeers, the origin serves at full speed again.
    await announce(p, "aa", "stopped");
    await announce(p, "bb", "stopped");
    expect(await get(p, "127.0.0.3", "0-65535")).toMatchObject({ status: 206, size: 65536 });
    expect(p.offload()[0]!.slowed).toBe(before + 1);
    await p.close();
  }, 60_000);

  it("a slowed client gets full speed once it has spent maxSlow in the slow lane, though the swarm still has the piece", async () => {
    const p = await createPublisher({ root, port: 0, offload: { minPeers: 2, maxSlow: 2 } });
    open.push(p);
    for (const peer of ["cc", "dd", "ff"]) await announce(p, peer, "started");
    expect((await get(p, "127.0.0.4", "0-")).status).toBe(206);
    for (const ip of ["127.0.0.5", "127.0.0.8", "127.0.0.9"]) await get(p, ip, "-1");
    const slowed = () => p.offload()[0]!.slowed;
    let before = slowed();
    expect((await get(p, "127.0.0.5", "0-1023")).status).toBe(206);
    expect(slowed()).toBe(before + 1);
    await new Promise((r) => setTimeout(r, 2100));
    for (const ip of ["127.0.0.4", "127.0.0.8", "127.0.0.9"]) await get(p, ip, "-1"); // the others are still around
    before = slowed();
    expect((await get(p, "127.0.0.5", "0-1023")).status).toBe(206); // slowed again: 2.1 s in the lane now
    expect(slowed()).toBe(before + 1);
    expect((await get(p, "127.0.0.5", "0-1023")).status).toBe(206);
    expect(slowed()).toBe(before + 1);
    await p.close();
  }, 60_000);
});
