// Issue 10, item 2: the HTTP fast path against hostile clients, on the real server in a child process
// (its RSS read from /proc): a pipelining client that never reads, a client over its rate limit,
// slowloris connections, and more connections than the cap.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { hex20, pct } from "./helpers.js";
import { RedisServer } from "./redis-server.js";

const H1 = hex20(1);
const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url));
let child: ChildProcess | undefined;
const sockets: Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
  child?.kill("SIGKILL");
  child = undefined;
});

async function start(options: object): Promise<{ port: number; rssMiB: () => number }> {
  const script = `
    const { startTracker } = await import(${JSON.stringify(dist)});
    const t = await startTracker({ allow: [${JSON.stringify(H1)}], udpPort: false, ...${JSON.stringify(options)} });
    process.stdout.write(t.httpUrl + "\\n");`;
  const proc = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  child = proc;
  const [line] = (await once(proc.stdout!, "data")) as [Buffer];
  const port = Number(new URL(line.toString().trim()).port);
  const rssMiB = () =>
    Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, "utf8"))![1]) / 1024;
  return { port, rssMiB };
}

function open(port: number): Socket {
  const s = connect(port, "127.0.0.1");
  s.on("error", () => undefined);
  sockets.push(s);
  return s;
}

const scrape = `GET /scrape?info_hash=${pct(Buffer.from(H1, "hex"))} HTTP/1.1\r\nHost: x\r\n\r\n`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("HTTP fast path under attack", () => {
  it("stops reading a pipelining client that never reads its answers: memory stays flat", async () => {
    const server = await start({ rateLimit: false });
    const before = server.rssMiB();
    const s = open(server.port);
    s.pause(); // never read
    const burst = scrape.repeat(1000); // 71 KB of requests per write
    let offered = 0;
    // Three seconds of writing whenever the client's own buffer has room: before the fix the server
    // read and answered all of it, queueing the answers (hundreds of MiB).
    const until = Date.now() + 3000;
    while (Date.now() < until) {
      if (s.writableLength < 1 << 20) {
        s.write(burst);
        offered += burst.length;
      }
      await sleep(2);
    }
    const after = server.rssMiB();
    const accepted = offered - s.writableLength;
    expect(after - before).toBeLessThan(40);
    // The server read at most a few socket buffers' worth: the rest waits in the client.
    expect(accepted).toBeLessThan(16 << 20);
    expect(s.writableLength).toBeGreaterThan(0);
  });

  it("with Redis: pipelined announces never read stop being read; batches and copies stay bounded", async () => {
    const redis = await RedisServer.start();
    try {
      const server = await start({ rateLimit: false, store: redis.url });
      const before = server.rssMiB();
      const s = open(server.port);
      s.pause(); // never read
      const ih = pct(Buffer.from(H1, "hex"));
      let n = 0;
      const announce = () =>
        `GET /announce?info_hash=${ih}&peer_id=-AT0001-${String(n++).padStart(12, "0")}&port=6881&left=1&compact=1 HTTP/1.1\r\nHost: x\r\n\r\n`;
      let offered = 0;
      const until = Date.now() + 3000;
      while (Date.now() < until) {
        if (s.writableLength < 1 << 20) {
          const burst = Array.from({ length: 500 }, announce).join("");
          s.write(burst);
          offered += burst.length;
        }
        await sleep(2);
      }
      const after = server.rssMiB();
      expect(after - before).toBeLessThan(40);
      expect(offered - s.writableLength).toBeLessThan(16 << 20);
      expect(s.writableLength).toBeGreaterThan(0);
    } finally {
      child?.kill("SIGKILL");
      await redis.stop();
    }
  });

  it("answers a client over its rate limit once and closes, queueing nothing for it", async () => {
    const server = await start({ rateLimit: { burst: 5, perSecond: 0.001 } });
    const s = open(server.port);
    let reply = "";
    s.on("data", (d: Buffer) => {
      reply += d.toString("latin1");
    });
    s.write(scrape.repeat(2000));
    await once(s, "close");
    const answers = reply.split("HTTP/1.1 200 OK").length - 1;
    expect(answers).toBe(6); // five answers, then one refusal
    expect(reply.endsWith("rate limit exceeded, retry latere")).toBe(true);
    expect(reply.match(/Connection: close/g)).toHaveLength(1);
  });

  it("closes slowloris connections within the header timeout, on both paths", async () => {
    const server = await start({ rateLimit: false, headersTimeoutMs: 1000 });
    const closed: number[] = [];
    const count = 300;
    const started = Date.now();
    for (let i = 0; i < count; i++) {
      const s = open(server.port);
      s.on("close", () => closed.push(Date.now() - started));
      // A third trickle an announce head, a third something node:http gets, a third send nothing.
      if (i % 3 === 0) s.write(`GET /announce?info_hash=${"a".repeat(10)}`);
      else if (i % 3 === 1) s.write("POST /x HTTP/1.1\r\nHost: x\r\n");
    }
    for (let k = 0; k < 30 && closed.length < count; k++) {
      await sleep(200);
      for (const s of sockets) if (!s.destroyed && s.writable) s.write("X-a: b\r\n".slice(0, 1));
    }
    expect(closed.length).toBe(count);
    // Kept alive by trickled bytes or not, every one was closed by the server's header deadline.
    expect(Math.max(...closed)).toBeLessThan(6000);
  });

  it("caps the number of open connections", async () => {
    const server = await start({ rateLimit: false, maxConnections: 20 });
    let closed = 0;
    for (let i = 0; i < 60; i++) {
      const s = open(server.port);
      s.on("close", () => closed++);
    }
    await sleep(500);
    expect(closed).toBe(40);
  });
});
