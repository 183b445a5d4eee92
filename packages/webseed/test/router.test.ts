// The express 5 router face: mounted under a path, falls through for what it does not serve.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, expect, it } from "vitest";
import { webseedRouter } from "../src/index.js";
import { type Fixture, makeFixture, raw } from "./helpers.js";

let fx: Fixture;
let server: Server;
let port: number;

beforeAll(async () => {
  fx = makeFixture();
  const app = express();
  app.use("/seed", webseedRouter({ root: fx.root, immutable: (path) => path.startsWith("dir/") }));
  app.use((_req, res) => {
    res.status(404).send("app 404");
  });
  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  fx.cleanup();
});

it("serves ranges under the mount path", async () => {
  const r = await raw(port, "/seed/a.bin", { Range: "bytes=10-19" });
  expect(r.status).toBe(206);
  expect(r.headers["content-range"]).toBe("bytes 10-19/100003");
  expect(r.body.equals(fx.files["a.bin"]!.subarray(10, 20))).toBe(true);
  expect(r.headers["x-powered-by"]).toBe("Express");
  expect(r.headers["content-encoding"]).toBeUndefined();
});

it("a missing file falls through to the app; unsafe paths are answered by the web seed", async () => {
  const missing = await raw(port, "/seed/missing.bin");
  expect([missing.status, missing.body.toString()]).toEqual([404, "app 404"]);
  const unsafe = await raw(port, "/seed/%2e%2e/outside.txt");
  expect(unsafe.status).toBe(400);
  expect(unsafe.body.toString()).not.toMatch(/SECRET/);
});

it("immutable paths get a year and `immutable`, others the default, both no-transform", async () => {
  const versioned = await raw(
    port,
    `/seed/dir/${encodeURIComponent("Ünïcødé file #1+ (été).bin")}`,
    {},
    "HEAD",
  );
  expect(versioned.headers["cache-control"]).toBe("public, max-age=31536000, immutable, no-transform");
  const plain = await raw(port, "/seed/a.bin", {}, "HEAD");
  expect(plain.headers["cache-control"]).toBe("public, max-age=3600, no-transform");
});

it("OPTIONS preflight through express → 204", async () => {
  const r = await raw(port, "/seed/a.bin", { "Access-Control-Request-Method": "GET" }, "OPTIONS");
  expect(r.status).toBe(204);
  expect(r.headers["access-control-allow-origin"]).toBe("*");
});
