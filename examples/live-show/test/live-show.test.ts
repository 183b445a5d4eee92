// The taper's library end to end: `seedpress serve` publishes one torrent per show; libtorrent and aria2
// fetch a show each; the trader's copies pass md5sum -c (the checksum files that travel with the show)
// and `seedpress verify`; a new show's torrent dropped into the library is picked up by a tracker
// watching the folder, and by serve on its next start (the earlier torrents reused, info hashes kept).
import { type ChildProcess, execFile, execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const script = fileURLToPath(new URL("../scripts/make-library.js", import.meta.url));
const cli = fileURLToPath(new URL("../../../apps/cli/dist/index.js", import.meta.url));
const ltScript = fileURLToPath(
  new URL("../../../packages/webseed/test/interop/lt_download.py", import.meta.url),
);
const dir = mkdtempSync(path.join(tmpdir(), "seedpress-live-show-"));
const library = path.join(dir, "library");
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

const SHOW_A = "sp1977-05-08.sbd.flac16";
const SHOW_B = "sp1978-04-24.aud.flac16";
const SHOW_C = "sp1979-11-02.mtx.flac16";

function makeShows(...names: string[]) {
  execFileSync(process.execPath, [script, library, ...names]);
}

/** Starts a long-running seedpress command and resolves with its output once `ready` matches it. */
function start(args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  return new Promise((resolve, reject) => {
    const look = (d: Buffer) => {
      out += d;
      const match = ready.exec(out);
      if (match) resolve({ child, match });
    };
    child.stdout!.on("data", look);
    child.stderr!.on("data", (d) => (out += d));
    child.once("exit", (code) => reject(new Error(`seedpress ${args[0]} exited ${code}: ${out}`)));
  });
}

function stop(child: ChildProcess): Promise<unknown> {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGINT");
  return exited;
}

function infoHash(torrent: string): string {
  return JSON.parse(execFileSync(process.execPath, [cli, "info", torrent, "--json"], { encoding: "utf8" }))
    .infoHash;
}

async function announce(trackerUrl: string, hash: string): Promise<string> {
  const q = `info_hash=${hash.replace(/../g, (b) => `%${b}`)}&peer_id=-XX0001-000000000001&port=7000&left=0`;
  return Buffer.from(await (await fetch(`${trackerUrl}?${q}`)).arrayBuffer()).toString("latin1");
}

describe("examples/live-show", () => {
  makeShows(SHOW_A, SHOW_B);

  it("serves one torrent per show; libtorrent and aria2 fetch them; the traders' copies check out", async () => {
    const { child, match } = await start(
      ["serve", library, "--port", "0"],
      /serving .* at (\S+) \(2 torrents\)[\s\S]*Ctrl\+C/,
    );
    const base = match[1]!;
    const trader = path.join(dir, "trader");
    mkdirSync(trader);
    const torrentA = path.join(library, `${SHOW_A}.torrent`);
    const torrentB = path.join(library, `${SHOW_B}.torrent`);
    const lt = await run("/usr/bin/python3", [ltScript, torrentA, trader, "90"], { timeout: 120_000 });
    expect(JSON.parse(lt.stdout.trim().split("\n").pop()!).done).toBe(true);
    await run(
      "aria2c",
      [
        `--dir=${trader}`,
        "--seed-time=0",
        "--enable-dht=false",
        "--enable-dht6=false",
        "--bt-enable-lpd=false",
        "--enable-peer-exchange=false",
        "--bt-stop-timeout=90",
        "--file-allocation=none",
        "--console-log-level=warn",
        "--summary-interval=0",
        "--no-conf",
        `${base}${encodeURIComponent(`${SHOW_B}.torrent`)}`,
      ],
      { timeout: 120_000 },
    );
    await stop(child);
    for (const [show, torrent] of [
      [SHOW_A, torrentA],
      [SHOW_B, torrentB],
    ] as const) {
      const copy = path.join(trader, show);
      // The checksum file that travels with the show, checked by coreutils: an independent reader.
      const md5 = spawnSync("md5sum", ["-c", `${show}.md5`], { cwd: copy, encoding: "utf8" });
      expect(md5.status, md5.stdout + md5.stderr).toBe(0);
      expect(md5.stdout.match(/: OK$/gm)).toHaveLength(6);
      expect(readFileSync(path.join(copy, "info.txt"), "utf8")).toContain("Seedpress Live");
      expect(spawnSync(process.execPath, [cli, "verify", torrent, copy]).status).toBe(0);
    }
    // A damaged track in a trader's copy: verify says so (exit 1), as md5sum does.
    const damaged = path.join(trader, SHOW_A, "sp1977-05-08d2t02.flac");
    const bytes = readFileSync(damaged);
    bytes[400_000]! ^= 1;
    writeFileSync(damaged, bytes);
    expect(spawnSync(process.execPath, [cli, "verify", torrentA, path.join(trader, SHOW_A)]).status).toBe(1);
    expect(
      spawnSync("md5sum", ["--quiet", "-c", `${SHOW_A}.md5`], { cwd: path.join(trader, SHOW_A) }).status,
    ).toBe(1);
  }, 300_000);

  it("a new show: the watching tracker allows it, and serve publishes it next to the reused ones", async () => {
    const before = {
      a: infoHash(path.join(library, `${SHOW_A}.torrent`)),
      b: infoHash(path.join(library, `${SHOW_B}.torrent`)),
    };
    const { child: tracker, match } = await start(
      ["tracker", "--http-port", "0", "--udp-port", "0", "--allow", library, "--json"],
      /"httpUrl":\s*"([^"]+)"/,
    );
    const trackerUrl = match[1]!;
    expect(await announce(trackerUrl, before.a)).toMatch(/^d8:complete/);
    makeShows(SHOW_C);
    const torrentC = path.join(library, `${SHOW_C}.torrent`);
    expect(
      spawnSync(process.execPath, [cli, "create", path.join(library, SHOW_C), "-o", torrentC]).status,
    ).toBe(0);
    const hashC = infoHash(torrentC);
    let answer = "";
    for (let i = 0; i < 100 && !answer.startsWith("d8:complete"); i++) {
      answer = await announce(trackerUrl, hashC);
      if (!answer.startsWith("d8:complete")) await new Promise((r) => setTimeout(r, 100));
    }
    expect(answer).toMatch(/^d8:complete/);
    await stop(tracker);

    const { child, match: serving } = await start(
      ["serve", library, "--port", "0"],
      /\(3 torrents\)[\s\S]*Ctrl\+C/,
    );
    const out = serving.input;
    expect(out).not.toMatch(new RegExp(`${SHOW_A.replace(/\./g, "\\.")} .*made now`));
    expect(infoHash(path.join(library, `${SHOW_A}.torrent`))).toBe(before.a);
    expect(infoHash(path.join(library, `${SHOW_B}.torrent`))).toBe(before.b);
    expect(infoHash(torrentC)).toBe(hashC);
    await stop(child);
  }, 120_000);
});
