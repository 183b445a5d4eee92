// `seedpress serve` end to end: torrents made (then reused) beside the files, served with an index page,
// and downloaded by aria2c and libtorrent from the web seed alone.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import parseTorrentFile from "parse-torrent";
import { afterAll, describe, expect, it } from "vitest";
import { seedpress } from "./run-cli.js";

const run = promisify(execFile);
const bin = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const ltScript = fileURLToPath(
  new URL("../../../packages/webseed/test/interop/lt_download.py", import.meta.url),
);
const dir = mkdtempSync(path.join(tmpdir(), "seedpress-serve-"));
const publicDir = path.join(dir, "public");
const files = new Map<string, Buffer>([
  ["the book é.pdf", randomBytes(777_777)],
  ["Release 2.0/app ü.bin", randomBytes(300_001)],
  ["Release 2.0/empty.txt", Buffer.alloc(0)],
  ["Release 2.0/docs/read me.txt", randomBytes(5_000)],
]);
for (const [rel, data] of files) {
  mkdirSync(path.dirname(path.join(publicDir, rel)), { recursive: true });
  writeFileSync(path.join(publicDir, rel), data);
}
writeFileSync(path.join(publicDir, ".hidden"), "SECRET");
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `seedpress serve`, resolves with its base URL once it prints the "serving" line. */
function startServe(args: string[]): Promise<{ child: ChildProcess; baseUrl: string; output: () => string }> {
  const child = spawn(process.execPath, [bin, "serve", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stdout} ${stderr}`)), 60_000);
    child.stdout!.on("data", (d) => {
      stdout += d;
      const m = /serving .* at (\S+) /.exec(stdout);
      if (m && stdout.includes("press Ctrl+C")) {
        clearTimeout(timer);
        resolve({ child, baseUrl: m[1]!, output: () => stdout + stderr });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${stdout} ${stderr}`));
    });
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill("SIGINT");
  });
}

function expectSame(out: string, prefix: string): void {
  for (const [rel, data] of files) {
    if (!rel.startsWith(prefix)) continue;
    expect(readFileSync(path.join(out, rel)).equals(data), rel).toBe(true);
  }
}

describe("seedpress serve", () => {
  it("makes torrents, serves them, the files and an index; aria2c and libtorrent download from it", async () => {
    const { child, baseUrl, output } = await startServe([publicDir, "--port", "0", "--verbose"]);
    expect(output()).toContain("(made now)");
    expect(existsSync(path.join(publicDir, "the book é.pdf.torrent"))).toBe(true);
    expect(existsSync(path.join(publicDir, "Release 2.0.torrent"))).toBe(true);

    const index = await (await fetch(baseUrl)).text();
    expect(index).toContain("the book é.pdf");
    expect(index).toContain("Release 2.0");
    expect(index).toMatch(/href="magnet:\?xt=urn:btih:[0-9a-f]{40}/);
    expect(index).not.toContain(".hidden");

    const torrentResponse = await fetch(`${baseUrl}${encodeURIComponent("the book é.pdf.torrent")}`);
    expect(torrentResponse.headers.get("content-type")).toBe("application/x-bittorrent");
    // Read back by an independent parser (parse-torrent): the URL is the file for a single-file torrent.
    const single = await parseTorrentFile(Buffer.from(await torrentResponse.arrayBuffer()));
    expect(single.name).toBe("the book é.pdf");
    expect(single.urlList).toEqual([`${baseUrl}${encodeURIComponent("the book é.pdf")}`]);
    const multi = await parseTorrentFile(readFileSync(path.join(publicDir, "Release 2.0.torrent")));
    expect(multi.urlList).toEqual([baseUrl]);
    expect(multi.files.map((f) => f.length).sort((a, b) => a - b)).toEqual([0, 5000, 300001]);

    const aria = path.join(dir, "aria2");
    mkdirSync(aria);
    for (const name of ["the book é.pdf.torrent", "Release 2.0.torrent"]) {
      await run(
        "aria2c",
        [
          `--dir=${aria}`,
          "--seed-time=0",
          "--enable-dht=false",
          "--enable-dht6=false",
          "--bt-enable-lpd=false",
          "--enable-peer-exchange=false",
          "--bt-stop-timeout=60",
          "--file-allocation=none",
          "--console-log-level=warn",
          "--summary-interval=0",
          "--no-conf",
          path.join(publicDir, name),
        ],
        { timeout: 90_000 },
      );
    }
    expectSame(aria, "");

    const lt = path.join(dir, "libtorrent");
    mkdirSync(lt);
    for (const name of ["the book é.pdf.torrent", "Release 2.0.torrent"]) {
      const { stdout } = await run("/usr/bin/python3", [ltScript, path.join(publicDir, name), lt, "60"], {
        timeout: 90_000,
      });
      expect(JSON.parse(stdout.trim().split("\n").pop()!).done).toBe(true);
    }
    expectSame(lt, "");

    expect(output()).toMatch(/GET \/the%20book%20%C3%A9\.pdf 206/); // --verbose logs requests
    expect(await stop(child)).toBe(0);
  }, 180_000);

  it("reuses the torrents on the next run and serves them with the new base URL, info hash unchanged", async () => {
    const before = await parseTorrentFile(readFileSync(path.join(publicDir, "the book é.pdf.torrent")));
    const { child, baseUrl, output } = await startServe([
      publicDir,
      "--port",
      "0",
      "--base-url",
      "http://downloads.example/pub",
      "--verify",
    ]);
    expect(baseUrl).toBe("http://downloads.example/pub/");
    expect(output()).not.toContain("made now");
    expect(output()).not.toContain("refusing");
    const listening = /listening on (\S+)/.exec(output())![1]!;
    const served = await parseTorrentFile(
      Buffer.from(
        await (await fetch(`${listening}${encodeURIComponent("the book é.pdf.torrent")}`)).arrayBuffer(),
      ),
    );
    // url-list and trackers sit outside the info dictionary: re-wrapped for the public base URL, the
    // loopback URLs of the earlier local run dropped, the info hash unchanged, and the log says so.
    expect(served.infoHash).toBe(before.infoHash);
    expect(served.urlList).toEqual([`http://downloads.example/pub/${encodeURIComponent("the book é.pdf")}`]);
    expect(before.urlList[0]).toMatch(/^http:\/\/127\.0\.0\.1:/);
    expect(served.announce[0]).toBe("http://downloads.example/pub/announce");
    expect(served.announce.join(" ")).not.toMatch(/127\.0\.0\.1/);
    expect(output()).toMatch(/the book é\.pdf: reused .*info hash unchanged/);
    expect(await stop(child)).toBe(0);
  }, 180_000);

  it("bad input: a missing folder or a bad port is exit 2 with a one-line error", () => {
    const missing = seedpress(["serve", path.join(dir, "nope")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such folder/);
    const badPort = seedpress(["serve", publicDir, "--port", "99999"]);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/--port/);
  }, 60_000);
});
