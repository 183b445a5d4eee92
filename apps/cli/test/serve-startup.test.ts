// `seedpress serve` start-up: a failure exits (2 bad input, 3 environment) with every listener closed,
// never hangs; a folder it cannot write is served with its torrents in a cache folder.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import parseTorrentFile from "parse-torrent";
import { afterAll, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), "seedpress-serve-startup-"));
const publicDir = path.join(dir, "public");
mkdirSync(publicDir);
writeFileSync(path.join(publicDir, "book.pdf"), Buffer.alloc(100_000, 7));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** Runs serve to its exit; a hang fails the test through spawnSync's timeout (status null). */
function serveOnce(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [bin, "serve", ...args], {
    encoding: "utf8",
    timeout: 30_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status, stderr: r.stderr };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function canBind(port: number): Promise<boolean> {
  const s = createServer();
  return new Promise((resolve) => {
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

describe("seedpress serve start-up", () => {
  it("a taken HTTP port is exit 3 with a one-line error", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as { port: number }).port;
    const r = serveOnce([publicDir, "--port", String(port)]);
    blocker.close();
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot listen on 127\.0\.0\.1:\d+/);
  });

  it("a taken UDP port is exit 3, and the HTTP port it had opened is free again", async () => {
    const udp = createSocket("udp4");
    await new Promise<void>((r) => udp.bind(0, "127.0.0.1", () => r()));
    const port = await freePort();
    const r = serveOnce([publicDir, "--port", String(port), "--udp-port", String(udp.address().port)]);
    udp.close();
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/UDP port \d+/);
    expect(await canBind(port)).toBe(true);
  });

  it("a torrents folder it cannot make is exit 3; bad flags are exit 2", () => {
    writeFileSync(path.join(dir, "a-file"), "x");
    const r = serveOnce([publicDir, "--port", "0", "--torrents-dir", path.join(dir, "a-file", "sub")]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/torrents folder/);
    for (const bad of [
      ["--offload", "maybe"],
      ["--udp-port", "70000"],
      ["--public-udp-port", "0"],
      ["--base-url", "ftp://x/"],
    ]) {
      const b = serveOnce([publicDir, "--port", "0", ...bad]);
      expect(b.code, bad.join(" ")).toBe(2);
    }
  });

  it("writes the public UDP port (--public-udp-port) into torrents, never the local one", async () => {
    const pub = path.join(dir, "pub");
    mkdirSync(pub);
    writeFileSync(path.join(pub, "a.bin"), Buffer.alloc(30_000, 1));
    const child = spawn(
      process.execPath,
      [
        bin,
        "serve",
        pub,
        "--port",
        "0",
        "--udp-port",
        "0",
        "--base-url",
        "https://dl.example/",
        "--public-udp-port",
        "6969",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    children.push(child);
    let out = "";
    child.stderr!.on("data", (d) => (out += d));
    const listening = await new Promise<string>((resolve, reject) => {
      child.stdout!.on("data", (d) => {
        out += d;
        const m = /listening on (\S+)/.exec(out);
        if (m && out.includes("press Ctrl+C")) resolve(m[1]!);
      });
      child.once("exit", (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
    });
    const t = await parseTorrentFile(
      Buffer.from(await (await fetch(`${listening}a.bin.torrent`)).arrayBuffer()),
    );
    expect(t.announce).toContain("udp://dl.example:6969");
    expect(t.announce.filter((u) => u.startsWith("udp:"))).toEqual(["udp://dl.example:6969"]);
    child.kill("SIGINT");
  });

  it("serves a folder it cannot write, with its torrents in $XDG_CACHE_HOME/seedpress/<hash>", async () => {
    // Run as nobody (we may be root, for whom no mode bit is read-only): the folder is 0555 and theirs not.
    const ro = path.join(dir, "readonly");
    mkdirSync(ro);
    writeFileSync(path.join(ro, "song.flac"), Buffer.alloc(60_000, 3));
    const cache = path.join(dir, "cache");
    mkdirSync(cache);
    chmodSync(cache, 0o777);
    chmodSync(ro, 0o555);
    chmodSync(dir, 0o755);
    const child = spawn(process.execPath, [bin, "serve", ro, "--port", "0"], {
      env: { ...process.env, XDG_CACHE_HOME: cache },
      stdio: ["ignore", "pipe", "pipe"],
      uid: 65534,
      gid: 65534,
    });
    children.push(child);
    let out = "";
    child.stderr!.on("data", (d) => (out += d));
    const base = await new Promise<string>((resolve, reject) => {
      child.stdout!.on("data", (d) => {
        out += d;
        const m = /serving .* at (\S+) /.exec(out);
        if (m && out.includes("press Ctrl+C")) resolve(m[1]!);
      });
      child.once("exit", (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
    });
    expect(readdirSync(ro)).toEqual(["song.flac"]);
    const kept = /torrents kept in (\S+)/.exec(out)![1]!;
    expect(path.dirname(kept)).toBe(path.join(cache, "seedpress"));
    expect(existsSync(path.join(kept, "song.flac.torrent"))).toBe(true);
    const t = await parseTorrentFile(
      Buffer.from(await (await fetch(`${base}song.flac.torrent`)).arrayBuffer()),
    );
    expect(t.urlList).toEqual([`${base}song.flac`]);
    child.kill("SIGINT");
  });
});
