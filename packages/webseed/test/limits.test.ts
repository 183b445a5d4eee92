// Load shedding: past a connection or bandwidth cap the answer is 503 with Retry-After, never 429.
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

it("over maxBytesPerSecond: 503 with Retry-After in seconds; HEAD is not charged", async () => {
  // 1000 B/s with a 1 s burst: the first 100 KB range goes out (debt), the next request must wait ~99 s.
  const port = await start({ root: fx.root, maxBytesPerSecond: 1000, burstSeconds: 1 });
  expect((await raw(port, "/a.bin", { Range: "bytes=0-99999" })).status).toBe(206);
  const shed = await raw(port, "/a.bin", { Range: "bytes=0-9" });
  expect(shed.status).toBe(503);
  const retry = Number(shed.headers["retry-after"]);
  expect(retry).toBeGreaterThanOrEqual(90);
  expect(retry).toBeLessThanOrEqual(100);
  expect((await raw(port, "/a.bin", {}, "HEAD")).status).toBe(200);
  expect(servers[0]!.webseed.stats().shed).toBe(1);
});

it("over maxBytesPerSecondPerClient: only the heavy client is shed", async () => {
  const port = await start({ root: fx.root, maxBytesPerSecondPerClient: 1000, burstSeconds: 1, ...byHeader });
  expect((await raw(port, "/a.bin", { "X-Client": "a", Range: "bytes=0-99999" })).status).toBe(206);
  const shed = await raw(port, "/a.bin", { "X-Client": "a", Range: "bytes=0-9" });
  expect(shed.status).toBe(503);
  expect(shed.headers["retry-after"]).toMatch(/^\d+$/);
  expect((await raw(port, "/a.bin", { "X-Client": "b", Range: "bytes=0-9" })).status).toBe(206);
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
