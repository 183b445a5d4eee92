// The CLI contract's exit codes, command by command: 0 done, 1 a check failed, 2 bad usage or
// input, 3 the environment failed. (create's 3, an unwritable output folder, is in create-output.)
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, seedpress } from "./run-cli.js";

const dir = mkdtempSync(path.join(tmpdir(), "seedpress-exit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const data = path.join(dir, "data.bin");
const torrent = path.join(dir, "data.torrent");
const site = path.join(dir, "site");
const corrupt = path.join(dir, "corrupt.bin");

beforeAll(() => {
  writeFileSync(data, Buffer.alloc(70_000, 4));
  writeFileSync(corrupt, Buffer.alloc(70_000, 5));
  mkdirSync(site);
  writeFileSync(path.join(site, "index.html"), "<p>no downloads here</p>\n");
  expect(seedpress(["create", data, "-o", torrent, "-l", "16KiB", "-q"]).code).toBe(0);
});

const magnetLink = () => seedpress(["magnet", torrent]).stdout.trim();

describe("exit codes", () => {
  it.each([
    ["create", 0, () => ["create", data, "-o", path.join(dir, "again.torrent")]],
    ["create", 2, () => ["create", data, "--threads", "0"]],
    ["create", 2, () => ["create", path.join(dir, "missing.bin")]],
    ["info", 0, () => ["info", torrent]],
    ["info", 0, () => ["info", magnetLink()]],
    ["info", 2, () => ["info", "magnet:?xt=urn:btih:nothex"]],
    ["info", 2, () => ["info", data]],
    ["magnet", 0, () => ["magnet", torrent]],
    ["magnet", 2, () => ["magnet", data]],
    ["magnet", 2, () => ["magnet"]],
    ["verify", 0, () => ["verify", torrent, data]],
    ["verify", 1, () => ["verify", torrent, corrupt]],
    ["verify", 2, () => ["verify", torrent, path.join(dir, "missing.bin")]],
    ["verify", 2, () => ["verify", torrent, data, "--threads", "lots"]],
    ["site", 0, () => ["site", site, "--base-url", "https://example.com/", "--no-cache", "--no-manifest"]],
    ["site", 2, () => ["site", site]],
    ["tracker", 2, () => ["tracker", "--http-port", "70000"]],
    ["serve", 2, () => ["serve", path.join(dir, "no-such-folder")]],
  ])("%s exits %i (case %#)", (_, code, args) => {
    const r = seedpress(args());
    expect(r.code).toBe(code);
    if (code >= 2) expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("tracker: a port already taken is the environment (3), said in words", async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    const child = spawn(
      process.execPath,
      [bin, "tracker", "--host", "127.0.0.1", "--http-port", String(port), "--udp-port", "off"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill(), 60_000); // never hang the suite if it does not exit
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    clearTimeout(timer);
    taken.close();
    expect(code).toBe(3);
    expect(stderr).toContain("address already in use");
    expect(stderr).not.toContain("EADDRINUSE");
  });
});
