// A news page's attachment under a small crowd: `seedpress site` turns the page's download link into a
// .torrent, `seedpress serve` serves the attachments (reusing that torrent, info hash unchanged) with its
// tracker and the swarm-aware origin, and six libtorrent clients (the crowd bench's own script: own
// loopback addresses, 1 MiB/s upload each, arriving within 0.3 s, staying 10 s) fetch it. Prints the offload.
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const script = fileURLToPath(new URL("../scripts/make-news.js", import.meta.url));
const cli = fileURLToPath(new URL("../../../apps/cli/dist/index.js", import.meta.url));
const crowdScript = fileURLToPath(new URL("../../../bench/crowd_lt.py", import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), "seedpress-news-"));
const site = path.join(dir, "site");
const PDF = "city-budget-2027.pdf";
let serve: ChildProcess | undefined;
afterAll(() => {
  serve?.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function infoHash(torrent: string): string {
  return JSON.parse(execFileSync(process.execPath, [cli, "info", torrent, "--json"], { encoding: "utf8" }))
    .infoHash;
}

function startServe(root: string): Promise<string> {
  serve = spawn(process.execPath, [cli, "serve", root, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  return new Promise((resolve, reject) => {
    serve!.stdout!.on("data", (d) => {
      out += d;
      const m = /serving .* at (\S+) /.exec(out);
      if (m && out.includes("press Ctrl+C")) resolve(m[1]!);
    });
    serve!.stderr!.on("data", (d) => (out += d));
    serve!.once("exit", (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}

describe("examples/news-crowd", () => {
  it("the site plugin links a torrent; serve carries a small crowd and prints how much of it the swarm carried", async () => {
    execFileSync(process.execPath, [script, site]);
    execFileSync(process.execPath, [cli, "site", site, "--base-url", "https://news.example/", "--no-cache"]);
    const page = readFileSync(path.join(site, "index.html"), "utf8");
    expect(page).toContain(`href="attachments/${PDF}.torrent"`);
    const torrent = path.join(site, "attachments", `${PDF}.torrent`);
    const madeBySite = infoHash(torrent);

    const base = await startServe(path.join(site, "attachments"));
    expect(infoHash(torrent)).toBe(madeBySite); // reused, re-wrapped for this server
    const crowdTorrent = path.join(dir, "crowd.torrent");
    writeFileSync(crowdTorrent, Buffer.from(await (await fetch(`${base}${PDF}.torrent`)).arrayBuffer()));
    const clients = Array.from({ length: 6 }, (_, i) => ({ ip: `127.0.3.${i + 1}`, at: i * 0.05 }));
    const config = path.join(dir, "crowd.json");
    writeFileSync(
      config,
      JSON.stringify({
        torrent: crowdTorrent,
        save_root: path.join(dir, "clients"),
        clients,
        upload_limit: 1024 * 1024,
        linger: 10,
        timeout: 150,
      }),
    );
    const { stdout } = await run("/usr/bin/python3", [crowdScript, config], { timeout: 200_000 });
    const events = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const end = events.find((e) => e.ev === "end");
    expect(end.complete).toBe(6);
    for (let i = 0; i < 6; i++) {
      const copy = readFileSync(path.join(dir, "clients", String(i), PDF));
      expect(copy.equals(readFileSync(path.join(site, "attachments", PDF))), `client ${i}`).toBe(true);
    }
    // Delivered bytes counted at the clients (every copy is whole), origin bytes by the web seed itself.
    const stats = (await (await fetch(`${base}stats.json`)).json()).torrents[0];
    const delivered = 6 * stats.length;
    expect(stats.originBytes).toBeGreaterThanOrEqual(stats.length);
    expect(stats.originBytes).toBeLessThanOrEqual(delivered + stats.length);
    process.stdout.write(
      `news-crowd: 6 downloads of ${(stats.length / 2 ** 20).toFixed(1)} MiB; origin sent ${(stats.originBytes / 2 ** 20).toFixed(1)} MiB = ${stats.originCopies.toFixed(2)} copies; the swarm carried ${((1 - stats.originBytes / delivered) * 100).toFixed(0)} % (${stats.slowed} slices slowed)\n`,
    );
  }, 240_000);
});
