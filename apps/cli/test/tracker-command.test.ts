import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { seedpress } from "./run-cli.js";

async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

const bin = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const procs: ChildProcess[] = [];
afterEach(() => {
  for (const p of procs.splice(0)) p.kill("SIGKILL");
});

function readJson(p: ChildProcess): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let out = "";
    p.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      try {
        resolve(JSON.parse(out));
      } catch {
        // not complete yet
      }
    });
    p.once("exit", (code) => reject(new Error(`exited ${code} before printing`)));
  });
}

describe("seedpress tracker", () => {
  it("serves the hashes of --allow files, answers announces, and stops cleanly on SIGTERM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "seedpress-cli-tracker-"));
    const list = join(dir, "hashes.txt");
    const hash = "ab".repeat(20);
    writeFileSync(list, `${hash}\n`);
    const p = spawn(
      process.execPath,
      [
        bin,
        "tracker",
        "--http-port",
        "0",
        "--udp-port",
        "0",
        "--ws",
        "--allow",
        list,
        "--db",
        join(dir, "t.db"),
        "--json",
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    procs.push(p);
    const info = await readJson(p);
    expect(info).toMatchObject({ torrentsAllowed: 1, open: false });
    expect(info.udpUrl).toMatch(/^udp:\/\/127\.0\.0\.1:\d+$/);
    expect(info.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const ih = hash.replace(/../g, (b) => `%${b}`);
    const res = await fetch(`${info.httpUrl}?info_hash=${ih}&peer_id=-XX0001-000000000001&port=7000&left=0`);
    expect(Buffer.from(await res.arrayBuffer()).toString("latin1")).toMatch(/^d8:completei1e/);
    const exited = new Promise((r) => p.once("exit", r));
    p.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("exits 2 with a one-line error for bad usage or a bad --allow path", () => {
    const badPort = seedpress(["tracker", "--http-port", "99999"]);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/--http-port: "99999" is not a port/);
    const state = mkdtempSync(join(tmpdir(), "seedpress-cli-state-"));
    const missing = seedpress(
      ["tracker", "--http-port", "0", "--udp-port", "0", "--allow", "/nonexistent/x.torrent"],
      { env: { XDG_STATE_HOME: state } },
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    expect(missing.stderr).toMatch(/\/nonexistent\/x\.torrent.*ERR_TRACKER_ALLOWLIST/);
    expect(seedpress(["tracker", "--http-port", "off", "--udp-port", "off"]).code).toBe(2);
    expect(seedpress(["tracker", "--help"]).stdout).toMatch(/--allow PATH/);
  });
  it("reads a hash list whose first hash starts with d, and prints warnings about broken torrents in a watched folder", async () => {
    const dir = mkdtempSync(join(tmpdir(), "seedpress-cli-tracker-"));
    const list = join(dir, "hashes.txt");
    writeFileSync(list, `${"d".repeat(40)}\n`);
    const folder = join(dir, "torrents");
    mkdirSync(folder);
    writeFileSync(join(folder, "broken.torrent"), "d4:infod5:piecesi1eee-not-bencode");
    const p = spawn(
      process.execPath,
      [bin, "tracker", "--http-port", "0", "--udp-port", "off", "--allow", list, "--allow", folder, "--json"],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, XDG_STATE_HOME: dir } },
    );
    procs.push(p);
    let stderr = "";
    p.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const info = await readJson(p);
    expect(info).toMatchObject({ torrentsAllowed: 1 });
    expect(stderr).toMatch(/warning: .*broken\.torrent: not a valid \.torrent/);
  });
  it("keeps completed counts in a default file, printed at start-up", async () => {
    const state = mkdtempSync(join(tmpdir(), "seedpress-cli-state-"));
    const p = spawn(process.execPath, [bin, "tracker", "--http-port", "0", "--udp-port", "off", "--open"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, XDG_STATE_HOME: state },
    });
    procs.push(p);
    let out = "";
    await new Promise<void>((resolve) => {
      p.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("counts:")) resolve();
      });
    });
    expect(out).toContain(`counts:   sqlite ${join(state, "seedpress", "tracker.db")}`);
  });

  it("refuses --workers without a shared --store", () => {
    const r = seedpress(["tracker", "--workers", "2", "--http-port", "0"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--workers needs --store redis:\/\//);
  });

  it("--workers 2 --store redis://: both processes answer on one port and see one swarm", async () => {
    const dir = mkdtempSync(join(tmpdir(), "seedpress-cli-redis-"));
    const redisPort = await freePort();
    const redis = spawn(
      "/usr/bin/redis-server",
      ["--port", String(redisPort), "--bind", "127.0.0.1", "--dir", dir, "--save", ""],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    procs.push(redis);
    await new Promise<void>((resolve) => {
      let text = "";
      redis.stdout!.on("data", (d: Buffer) => {
        text += d.toString();
        if (text.includes("Ready to accept")) resolve();
      });
    });
    const p = spawn(
      process.execPath,
      [
        bin,
        "tracker",
        "--workers",
        "2",
        "--store",
        `redis://127.0.0.1:${redisPort}/0`,
        "--http-port",
        "0",
        "--udp-port",
        "0",
        "--open",
        // 100 requests from one address: past the default 60:5 per-IP limit a worker drops UDP silently.
        "--rate-limit",
        "off",
        "--json",
      ],
      { stdio: ["ignore", "pipe", "pipe"], detached: false },
    );
    procs.push(p);
    const info = await readJson(p);
    expect(info).toMatchObject({ workers: 2, storage: `redis redis://127.0.0.1:${redisPort}/0` });
    const ih = "cd".repeat(20).replace(/../g, (b) => `%${b}`);
    const ids = new Set<string>();
    for (let i = 0; i < 40; i++) {
      // A fresh connection each time, so the kernel spreads them over the workers.
      const res = await fetch(
        `${info.httpUrl}?info_hash=${ih}&peer_id=-XX0001-${String(i).padStart(12, "0")}&port=${7000 + i}&left=5`,
        { headers: { connection: "close" } },
      );
      const body = Buffer.from(await res.arrayBuffer()).toString("latin1");
      expect(body).toContain(`10:incompletei${i + 1}e`);
      ids.add(/10:tracker id8:(.{8})/.exec(body)![1]!);
    }
    expect(ids.size).toBe(2);
    // UDP: a connection id from one worker is good at the other (one shared key); 30 rounds all answer.
    const { createSocket } = await import("node:dgram");
    const udp = createSocket("udp4");
    const udpPort = Number(new URL(String(info.udpUrl).replace("udp:", "http:")).port);
    const ask = (packet: Buffer) =>
      new Promise<Buffer>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no UDP answer")), 3000);
        udp.once("message", (m) => {
          clearTimeout(timer);
          resolve(m);
        });
        udp.send(packet, udpPort, "127.0.0.1");
      });
    for (let i = 0; i < 30; i++) {
      const connect = Buffer.from("0000041727101980000000000000000" + (i % 10), "hex");
      const id = (await ask(connect)).subarray(8, 16);
      const a = Buffer.alloc(98);
      id.copy(a, 0);
      a.writeUInt32BE(1, 8);
      a.writeUInt32BE(i, 12);
      Buffer.from("cd".repeat(20), "hex").copy(a, 16);
      a.write(`-UD0001-${String(i).padStart(12, "0")}`, 36, "latin1");
      a.writeUInt16BE(9000 + i, 96);
      expect((await ask(a)).readUInt32BE(0)).toBe(1);
    }
    udp.close();
    const exited = new Promise((r) => p.once("exit", r));
    p.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
