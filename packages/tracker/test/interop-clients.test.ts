import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { type RunningTracker, startTracker, torrentHashes } from "../src/index.js";
import { announce, peerIdBytes, tempDir } from "./helpers.js";
import { RedisServer } from "./redis-server.js";

const run = promisify(execFile);
let running: RunningTracker | undefined;
/** With a shared store: the second tracker, where the fake seeder announces. */
let other: RunningTracker | undefined;
let listener: Server | undefined;
const procs: ChildProcess[] = [];
afterEach(async () => {
  for (const p of procs.splice(0)) p.kill("SIGKILL");
  listener?.close();
  listener = undefined;
  await running?.close();
  running = undefined;
  await other?.close();
  other = undefined;
});

/**
 * A fake seeder: a TCP listener announced into the swarm through the tracker, at a port nothing else
 * knows. A client that got the peer list from the tracker connects to it and opens a BitTorrent handshake
 * (plain, naming the info hash and its peer id, or MSE-obfuscated, which aria2c tries first).
 */
async function setup(kind: "http" | "udp", store?: string) {
  const options = { rateLimit: false as const, interval: 60, minInterval: 10, ...(store ? { store } : {}) };
  running = await startTracker(options);
  // With a shared store the seeder announces to another tracker, the client to this one.
  other = store ? await startTracker(options) : undefined;
  const dir = tempDir();
  const file = join(dir, "data.bin");
  // Fresh content each time: a shared Redis keeps the swarms of earlier tests.
  const data = Buffer.alloc(100_000, 3);
  randomFillSync(data, 0, 16);
  writeFileSync(file, data);
  const url = kind === "http" ? running.httpUrl! : running.udpUrl!;
  const torrent = join(dir, "data.torrent");
  await run("mktorrent", ["-l", "15", "-a", url, "-o", torrent, file]);
  const bytes = readFileSync(torrent);
  running.tracker.allowTorrent(bytes);
  other?.tracker.allowTorrent(bytes);
  const infoHash = torrentHashes(bytes).v1!;
  let onHandshake: (peerId: string | undefined) => void = () => undefined;
  const handshake = new Promise<string | undefined>((resolve) => {
    onHandshake = resolve;
  });
  listener = createServer((socket: Socket) => {
    let buf = Buffer.alloc(0);
    socket.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 68 && buf.subarray(1, 20).toString() === "BitTorrent protocol") {
        if (buf.subarray(28, 48).toString("hex") === infoHash)
          onHandshake(buf.subarray(48, 68).toString("latin1"));
        socket.destroy();
      } else if (buf.length >= 96 && buf[0] !== 19) {
        onHandshake(undefined); // MSE: a 96-byte Diffie-Hellman key opens it
        socket.destroy();
      }
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((r) => listener!.listen(0, "127.0.0.1", () => r()));
  const port = (listener.address() as { port: number }).port;
  await announce((other ?? running).httpUrl!, {
    infoHash,
    peerId: peerIdBytes(424242),
    port,
    left: 0,
    event: "started",
  });
  return { dir, torrent, infoHash, handshake };
}

function spawnClient(cmd: string, args: string[]): ChildProcess {
  const p = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
  procs.push(p);
  return p;
}

/** Resolves with N when the client's own log says it got N peers from the tracker. */
function peersLogged(p: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    let log = "";
    p.stderr!.on("data", (d: Buffer) => {
      log += d.toString();
      const m = /Got (\d+) peers from tracker/.exec(log);
      if (m && Number(m[1]) > 0) resolve(Number(m[1]));
    });
  });
}

/** Peers of the torrent's swarm in the store (both trackers see the same with a shared store). */
async function swarmPeers(infoHash: string): Promise<number> {
  const c = await running!.tracker.store.counts(Buffer.from(infoHash, "hex").toString("latin1"));
  return c.complete + c.incomplete;
}

let redis: RedisServer | undefined;
afterAll(async () => {
  await redis?.stop();
});

describe.each([
  ["our tracker", false],
  ["one of two trackers sharing a redis-server (the seeder announced to the other)", true],
] as const)("other clients announce to %s and get peers", (_name, shared) => {
  const storeUrl = async () => {
    if (!shared) return undefined;
    redis ??= await RedisServer.start();
    return redis.url;
  };
  for (const kind of ["http", "udp"] as const) {
    it(`aria2c over ${kind.toUpperCase()}`, async () => {
      const { dir, torrent, infoHash, handshake } = await setup(kind, await storeUrl());
      spawnClient("aria2c", [
        // aria2c speaks UDP trackers only through its DHT socket; with no bootstrap node (no internet,
        // 127.0.0.1 only) its DHT finds nobody, so the peer can only come from the tracker.
        `--enable-dht=${kind === "udp"}`,
        `--dht-listen-port=${40000 + Math.floor(Math.random() * 20000)}`,
        "--dht-entry-point=127.0.0.1:1",
        "--enable-dht6=false",
        "--bt-enable-lpd=false",
        "--enable-peer-exchange=false",
        `--listen-port=${20000 + Math.floor(Math.random() * 20000)}`,
        "--seed-time=0",
        "--summary-interval=0",
        `--dir=${join(dir, "aria2")}`,
        torrent,
      ]);
      const peerId = await handshake;
      if (peerId !== undefined) expect(peerId.startsWith("A2-")).toBe(true);
      expect(running!.tracker.metrics.announces[kind]).toBeGreaterThanOrEqual(1);
      expect(await swarmPeers(infoHash)).toBe(2);
    });

    it(`transmission-cli over ${kind.toUpperCase()}`, async () => {
      const { dir, torrent, infoHash, handshake } = await setup(kind, await storeUrl());
      const config = join(dir, "transmission");
      mkdirSync(config);
      writeFileSync(
        join(config, "settings.json"),
        JSON.stringify({
          "dht-enabled": false,
          "lpd-enabled": false,
          "pex-enabled": false,
          "port-forwarding-enabled": false,
          "bind-address-ipv4": "127.0.0.1",
          "rpc-enabled": false,
          "message-level": 3,
        }),
      );
      const client = spawnClient("transmission-cli", [
        "-g",
        config,
        "-w",
        join(dir, "tr"),
        "-p",
        String(20000 + Math.floor(Math.random() * 20000)),
        "-M",
        "-et",
        torrent,
      ]);
      // Transmission logs the peers it got; it may not dial a 127.0.0.1 peer, so either proof counts.
      const got = await Promise.race([
        handshake.then((id) => (id?.startsWith("-TR") ? 1 : -1)),
        peersLogged(client),
      ]);
      expect(got).toBeGreaterThanOrEqual(1);
      expect(running!.tracker.metrics.announces[kind]).toBeGreaterThanOrEqual(1);
      expect(await swarmPeers(infoHash)).toBe(2);
    });
  }
});
