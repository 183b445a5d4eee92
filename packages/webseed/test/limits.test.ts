// Load shedding: past a connection cap the answer is 503 with Retry-After, never 429; past a bandwidth cap
// the response is paced, never refused.
import { connect, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { createWebseedServer, type WebseedServer } from "../src/index.js";
import { type Fixture, makeFixture, raw } from "./helpers.js";

let fx: Fixture;
const servers: WebseedServer[] = [];
const sockets: Socket[] = [];

beforeAll(() => {
  fx = makeFixture();
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of servers.splice(0)) await s.close();
});
afterAll(() => fx.cleanup());

async function start(options: Parameters<typeof createWebseedServer>[0]): Promise<number> {
  const ws = createWebseedServer(options);
  servers.push(ws);
  return (await ws.listen(0)).port;
}

/** Opens a keep-alive connection and completes one request on it, so the server has counted it. */
async function holdConnection(port: number, client = "a"): Promise<Socket> {
  const socket = connect(port, "127.0.0.1");
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.once("data", () => resolve());
    socket.write(`HEAD /a.bin HTTP/1.1\r\nHost: x\r\nX-Client: ${client}\r\n\r\n`);
  });
  return socket;
}

const byHeader = {
  clientKey: (req: { headers: Record<string, unknown> }) => String(req.headers["x-client"] ?? ""),
};

it("over maxConnections: 503 + Retry-After + Connection: close; a freed slot serves again", async () => {
  const port = await start({ root: fx.root, maxConnections: 2 });
  const first = await holdConnection(port);
  await holdConnection(port);
  const shed = await raw(port, "/a.bin", { Range: "bytes=0-9" });
  expect(shed.status).toBe(503);
  expect(Number(shed.headers["retry-after"])).toBeGreaterThanOrEqual(1);
  expect(shed.headers.connection).toBe("close");
  first.destroy();
  await new Promise((resolve) => first.once("close", resolve));
  // The server sees the close asynchronously; poll until the slot is free (bounded).
  let status = 0;
  for (let i = 0; i < 50 && status !== 206; i++) {
    status = (await raw(port, "/a.bin", { Range: "bytes=0-9" })).status;
    if (status !== 206) await new Promise((r) => setTimeout(r, 20));
  }
  expect(status).toBe(206);
});

it("over maxConnectionsPerClient: that client is shed, another is served", async () => {
  const port = await start({ root: fx.root, maxConnectionsPerClient: 1, ...byHeader });
  await holdConnection(port, "a");
  expect((await raw(port, "/a.bin", { "X-Client": "a" })).status).toBe(503);
  expect((await raw(port, "/a.bin", { "X-Client": "b", Range: "bytes=0-0" })).status).toBe(206);
});

it("over maxBytesPerSecond: paced, never refused; HEAD is not charged", async () => {
  // 20 kB/s with a 1 s burst: the first 100 kB range puts the bucket in debt; the next ones wait their turn
  // and are served whole (a 503 here stranded libtorrent clients). The pacer's rate is tested in pacer.test.ts.
  const port = await start({ root: fx.root, maxBytesPerSecond: 20_000, burstSeconds: 1 });
  const first = await raw(port, "/a.bin", { Range: "bytes=0-59999" });
  expect(first.status).toBe(206);
  const [a, b] = await Promise.all([
    raw(port, "/a.bin", { Range: "bytes=0-9999" }),
    raw(port, "/a.bin", { Range: "bytes=10000-19999" }),
  ]);
  expect([a.status, b.status]).toEqual([206, 206]);
  expect(Buffer.concat([a.body, b.body]).equals(fx.files["a.bin"]!.subarray(0, 20_000))).toBe(true);
  expect((await raw(port, "/a.bin", {}, "HEAD")).status).toBe(200);
  expect(servers[0]!.webseed.stats().shed).toBe(0);
});

it("over maxBytesPerSecondPerClient: the heavy client is paced, another is not held up by it", async () => {
  const port = await start({
    root: fx.root,
    maxBytesPerSecondPerClient: 20_000,
    burstSeconds: 1,
    ...byHeader,
  });
  expect((await raw(port, "/a.bin", { "X-Client": "a", Range: "bytes=0-59999" })).status).toBe(206);
  // Client a is in debt for ~2 s; b's request finishes while a's is still waiting for credit.
  const order: string[] = [];
  const slow = raw(port, "/a.bin", { "X-Client": "a", Range: "bytes=0-9999" }).then((r) => {
    order.push("a");
    return r;
  });
  const fast = await raw(port, "/a.bin", { "X-Client": "b", Range: "bytes=0-9" });
  order.push("b");
  expect(fast.status).toBe(206);
  expect((await slow).status).toBe(206);
  expect(order).toEqual(["b", "a"]);
  expect(servers[0]!.webseed.stats().shed).toBe(0);
});

it("bad limit options are a clear error", () => {
  expect(() => createWebseedServer({ root: fx.root, maxConnections: -1 })).toThrow(
    expect.objectContaining({ code: "ERR_WEBSEED_OPTION" }),
  );
  expect(() => createWebseedServer({ root: "/nonexistent/x" })).toThrow(
    expect.objectContaining({ code: "ERR_WEBSEED_ROOT" }),
  );
});

it("attach(server) counts a node:http server's connections from accept, half-open ones too", async () => {
  const { createServer } = await import("node:http");
  const { createWebseed } = await import("../src/index.js");
  const seed = createWebseed({ root: fx.root, maxConnectionsPerClient: 2 });
  const server = createServer((req, res) => seed.handle(req, res));
  seed.attach(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  try {
    const ended: string[] = [];
    for (let i = 0; i < 5; i++) {
      const s = connect(port, "127.0.0.1");
      sockets.push(s);
      let text = "";
      s.on("data", (d) => {
        text += d.toString("latin1");
      });
      s.on("end", () => ended.push(text));
      s.on("error", () => {});
    }
    for (let i = 0; i < 200 && ended.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    expect(ended.length).toBe(3);
    for (const text of ended) expect(text).toMatch(/^HTTP\/1\.1 503 .*\r\nRetry-After: 1\r\n/s);
    expect(seed.stats().openConnections).toBe(2);
    expect(seed.stats().shed).toBe(3);
  } finally {
    for (const s of sockets.splice(0)) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});
