// Hostile clients against the real server, run in a child process whose memory is read from /proc (issue 10).
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type ChildServer, type Face, startChild } from "./child-server.js";
import { raw } from "./helpers.js";

let dir: string;
let root: string;
const children: ChildServer[] = [];
const sockets: Socket[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "webseed-hostile-"));
  root = join(dir, "root");
  mkdirSync(root);
  const fd = openSync(join(root, "big.bin"), "w");
  ftruncateSync(fd, 2 ** 30); // 1 GiB, sparse
  closeSync(fd);
  writeFileSync(join(root, "small.bin"), Buffer.alloc(1000, 7));
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const c of children.splice(0)) await c.kill();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function child(face: Face, options = ""): Promise<ChildServer> {
  const c = await startChild(face, `{ root: ${JSON.stringify(root)}${options ? `, ${options}` : ""} }`);
  children.push(c);
  return c;
}

/** Opens a socket, writes `data` once, and never reads from it. */
async function neverReads(port: number, data: string): Promise<Socket> {
  const socket = connect(port, "127.0.0.1");
  sockets.push(socket);
  socket.on("error", () => {});
  socket.pause();
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  socket.write(data);
  return socket;
}

describe("pipelined requests never read (issue 10 item 1)", () => {
  for (const face of ["standalone", "express", "node-http"] as const) {
    it(`${face}: 2,000 pipelined GETs of a 1 GiB file x 2 connections stay under +150 MiB`, async () => {
      const server = await child(face);
      const base = server.rss();
      const burst = "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n".repeat(2000);
      await neverReads(server.port, burst);
      await neverReads(server.port, burst);
      // Before the fix each queued response read 1 MiB at once: +2 GiB per connection within a second.
      let peak = base;
      for (let i = 0; i < 16; i++) {
        await sleep(250);
        peak = Math.max(peak, server.rss());
      }
      expect(peak - base).toBeLessThan(150);
      // A normal client is still served during the attack.
      const ok = await raw(server.port, "/small.bin", { Range: "bytes=10-19" });
      expect(ok.status).toBe(206);
      expect(ok.body.equals(Buffer.alloc(10, 7))).toBe(true);
      expect(server.rss() - base).toBeLessThan(150);
    });
  }

  it("a client that reads gets all of 200 pipelined requests; past 256 waiting the connection is cut", async () => {
    const server = await child("standalone");
    const ask = (n: number) =>
      new Promise<number>((resolve) => {
        const s = connect(server.port, "127.0.0.1", () =>
          s.write("GET /small.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=0-0\r\n\r\n".repeat(n)),
        );
        sockets.push(s);
        let text = "";
        s.on("data", (d) => {
          text += d.toString("latin1");
          if ((text.match(/HTTP\/1\.1 206/g) ?? []).length === n) s.end();
        });
        s.on("error", () => {});
        s.on("close", () => resolve((text.match(/HTTP\/1\.1 206/g) ?? []).length));
      });
    expect(await ask(200)).toBe(200);
    expect(await ask(1000)).toBeLessThan(1000);
  });

  it("pipelined requests that are read are still answered in order", async () => {
    const server = await child("standalone");
    const heads = ["bytes=0-9", "bytes=100-199", "bytes=5-5"].map(
      (r) => `GET /small.bin HTTP/1.1\r\nHost: x\r\nRange: ${r}\r\n\r\n`,
    );
    const got = await new Promise<string>((resolve, reject) => {
      const s = connect(server.port, "127.0.0.1", () => s.write(heads.join("")));
      sockets.push(s);
      let text = "";
      s.on("data", (d) => {
        text += d.toString("latin1");
        if ((text.match(/HTTP\/1\.1 206/g) ?? []).length === 3 && text.endsWith("\x07")) resolve(text);
      });
      s.on("error", reject);
    });
    expect([...got.matchAll(/Content-Range: (bytes [^\r]+)/g)].map((m) => m[1])).toEqual([
      "bytes 0-9/1000",
      "bytes 100-199/1000",
      "bytes 5-5/1000",
    ]);
  });
});

describe("slow readers (issue 10: 1,000 of them took +1 GB)", () => {
  it("300 clients reading a 1 GiB file a little at a time stay under +100 MiB", async () => {
    // All from 127.0.0.1: the per-client cap is raised so that every one of them is served.
    const server = await child("standalone", "maxConnectionsPerClient: 1000");
    const base = server.rss();
    const readers: Socket[] = [];
    for (let i = 0; i < 300; i++) {
      const s = connect(server.port, "127.0.0.1", () => s.write("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n"));
      s.on("error", () => {});
      s.on("data", () => s.pause());
      sockets.push(s);
      readers.push(s);
    }
    // Before the buffer budget each of them pinned a 1 MiB chunk: +300 MiB.
    let peak = base;
    for (let i = 0; i < 16; i++) {
      await sleep(250);
      for (const s of readers) s.resume();
      peak = Math.max(peak, server.rss());
    }
    expect(peak - base).toBeLessThan(100);
    const ok = await raw(server.port, "/small.bin", { Range: "bytes=0-9" });
    expect(ok.status).toBe(206);
  });
});

describe("paced responses under attack (the bandwidth cap and the slow lane hold no buffers)", () => {
  for (const [name, options] of [
    ["a 16 MiB/s cap", "maxBytesPerSecond: 16 * 2 ** 20, maxConnectionsPerClient: 1000"],
    [
      "a slow lane of 32 KiB/s for every range",
      "maxConnectionsPerClient: 1000, policy: () => ({ serve: true, rate: 32768 })",
    ],
  ] as const) {
    it(`${name}: 300 slow readers and 2 x 2,000 pipelined GETs never read stay under +100 MiB`, async () => {
      const server = await child("standalone", options);
      const base = server.rss();
      const burst = "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n".repeat(2000);
      await neverReads(server.port, burst);
      await neverReads(server.port, burst);
      const readers: Socket[] = [];
      for (let i = 0; i < 300; i++) {
        const s = connect(server.port, "127.0.0.1", () =>
          s.write("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n"),
        );
        s.on("error", () => {});
        s.on("data", () => s.pause());
        sockets.push(s);
        readers.push(s);
      }
      let peak = base;
      for (let i = 0; i < 16; i++) {
        await sleep(250);
        for (const s of readers) s.resume();
        peak = Math.max(peak, server.rss());
      }
      expect(peak - base).toBeLessThan(100);
      // A normal client is still answered, in its turn.
      const ok = await raw(server.port, "/small.bin", { Range: "bytes=10-19" });
      expect(ok.status).toBe(206);
      expect(ok.body.equals(Buffer.alloc(10, 7))).toBe(true);
    }, 60_000);
  }
});

/** Opens `n` connections that never send a byte; `closed()` counts those the server has ended. */
async function halfOpen(port: number, n: number, localAddress = "127.0.0.1") {
  const ended = new Set<Socket>();
  const refusals: string[] = [];
  const opened = Array.from({ length: n }, () => {
    const s = connect({ port, host: "127.0.0.1", localAddress });
    sockets.push(s);
    s.on("data", (d) => refusals.push(d.toString("latin1")));
    s.on("error", () => ended.add(s));
    s.on("end", () => ended.add(s));
    s.on("close", () => ended.add(s));
    return new Promise<void>((resolve) => {
      s.once("connect", () => resolve());
      s.once("error", () => resolve());
    });
  });
  await Promise.all(opened);
  return { closed: () => ended.size, refusals };
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms && !check(); waited += 50) await sleep(50);
  return check();
}

describe("half-open connections (issue 10 item 7)", () => {
  it("count toward the caps from accept: the excess gets a 503 and is closed at once, another client is served", async () => {
    const server = await child("standalone", "maxConnections: 50, maxConnectionsPerClient: 5");
    const attack = await halfOpen(server.port, 300);
    // 5 are within the per-client cap; the other 295 are refused at accept, not after 80-90 s as before.
    expect(await until(() => attack.closed() >= 295, 10_000)).toBe(true);
    expect(attack.closed()).toBe(295);
    expect(attack.refusals.join("")).toContain("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1");
    const other = await raw(server.port, "/small.bin", { Range: "bytes=0-9" }, "GET", "127.0.0.2");
    expect(other.status).toBe(206);
  });

  it("the total cap holds across clients", async () => {
    const server = await child("standalone", "maxConnections: 20, maxConnectionsPerClient: 1000");
    const a = await halfOpen(server.port, 30, "127.0.0.3");
    expect(await until(() => a.closed() >= 10, 10_000)).toBe(true);
    const b = await halfOpen(server.port, 5, "127.0.0.4");
    expect(await until(() => b.closed() >= 5, 10_000)).toBe(true);
    expect(a.closed()).toBe(10);
  });

  it("a connection that sends no request head within headersTimeout is closed", async () => {
    const server = await child("standalone", "headersTimeout: 1000");
    const attack = await halfOpen(server.port, 20);
    expect(await until(() => attack.closed() === 20, 15_000)).toBe(true);
    expect(attack.refusals).toEqual([]);
  });

  it("a slowloris on a later request of a keep-alive connection is closed too", async () => {
    const server = await child("standalone", "headersTimeout: 1000");
    const s = connect(server.port, "127.0.0.1");
    sockets.push(s);
    let closed = false;
    s.on("close", () => {
      closed = true;
    });
    s.on("error", () => {});
    await new Promise<void>((resolve) => {
      s.once("data", () => resolve());
      s.write("HEAD /small.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /small.bin HTTP/1.1\r\nHost: x\r\n");
    });
    const drip = setInterval(() => s.writable && s.write("X-A: b\r\n"), 200);
    try {
      expect(await until(() => closed, 20_000)).toBe(true);
    } finally {
      clearInterval(drip);
    }
  });

  it("default caps: 1,024 connections in all, 64 per client", async () => {
    const server = await child("standalone");
    const attack = await halfOpen(server.port, 100);
    expect(await until(() => attack.closed() >= 36, 10_000)).toBe(true);
    expect(attack.closed()).toBe(36);
  });
});
