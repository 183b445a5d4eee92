// Real clients download from our web seed alone (no tracker, no DHT, no other peer) and the data checks out:
// aria2c, libtorrent (python3-libtorrent) and Transmission (transmission-cli), single-file and multi-file
// torrents made by mktorrent.
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebseedServer, type WebseedServer } from "../src/index.js";
import { MULTI_NAME, makeContent, SINGLE_NAME } from "./torrent-fixture.js";

const run = promisify(execFile);
const here = import.meta.dirname;

let content: ReturnType<typeof makeContent>;
let ws: WebseedServer;
let torrents: { singleTorrent: string; multiTorrent: string };

beforeAll(async () => {
  content = makeContent();
  ws = createWebseedServer({ root: content.root });
  const { port } = await ws.listen(0);
  torrents = content.torrents(`http://127.0.0.1:${port}/`);
});

afterAll(async () => {
  await ws?.close();
  content?.cleanup();
});

function expectDownloaded(out: string, which: "single" | "multi", skipEmpty = false): void {
  for (const [path, data] of content.files) {
    const isMulti = path.startsWith(`${MULTI_NAME}/`);
    if ((which === "multi") !== isMulti) continue;
    if (skipEmpty && data.length === 0) continue;
    const file = join(out, path);
    expect(statSync(file).size, path).toBe(data.length);
    expect(readFileSync(file).equals(data), path).toBe(true);
  }
}

function bytesServed(prefix: string): number {
  return Object.entries(ws.webseed.stats().files)
    .filter(([path]) => path.startsWith(prefix))
    .reduce((sum, [, s]) => sum + s.bytes, 0);
}

describe("aria2c", () => {
  for (const which of ["single", "multi"] as const) {
    it(`downloads the ${which}-file torrent from the web seed alone`, async () => {
      const out = join(content.dir, `aria2-${which}`);
      mkdirSync(out);
      const before = bytesServed(which === "single" ? SINGLE_NAME : MULTI_NAME);
      await run(
        "aria2c",
        [
          `--dir=${out}`,
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
          which === "single" ? torrents.singleTorrent : torrents.multiTorrent,
        ],
        { timeout: 90_000 },
      );
      expectDownloaded(out, which);
      expect(bytesServed(which === "single" ? SINGLE_NAME : MULTI_NAME)).toBeGreaterThan(before);
    });
  }
});

describe("libtorrent 2.0 (python3-libtorrent)", () => {
  for (const which of ["single", "multi"] as const) {
    it(`downloads the ${which}-file torrent from the web seed alone`, async () => {
      const out = join(content.dir, `lt-${which}`);
      mkdirSync(out);
      const before = bytesServed(which === "single" ? SINGLE_NAME : MULTI_NAME);
      const torrent = which === "single" ? torrents.singleTorrent : torrents.multiTorrent;
      let stdout: string;
      try {
        ({ stdout } = await run(
          "/usr/bin/python3",
          [join(here, "interop/lt_download.py"), torrent, out, "60"],
          {
            timeout: 90_000,
          },
        ));
      } catch (error) {
        throw new Error(`libtorrent did not finish: ${(error as { stdout?: string }).stdout ?? error}`);
      }
      const result = JSON.parse(stdout.trim().split("\n").pop()!);
      expect(result.done).toBe(true);
      expectDownloaded(out, which);
      expect(bytesServed(which === "single" ? SINGLE_NAME : MULTI_NAME)).toBeGreaterThan(before);
    });
  }
});

describe("Transmission 3 (transmission-cli)", () => {
  for (const which of ["single", "multi"] as const) {
    it(`downloads the ${which}-file torrent from the web seed alone`, async () => {
      const base = join(content.dir, `transmission-${which}`);
      const out = join(base, "out");
      const config = join(base, "config");
      const flag = join(base, "finished");
      mkdirSync(out, { recursive: true });
      mkdirSync(config);
      writeFileSync(
        join(config, "settings.json"),
        JSON.stringify({
          "dht-enabled": false,
          "lpd-enabled": false,
          "pex-enabled": false,
          "port-forwarding-enabled": false,
          "utp-enabled": false,
          "bind-address-ipv4": "127.0.0.1",
          "peer-port": 0,
        }),
      );
      const script = join(base, "finished.sh");
      writeFileSync(script, `#!/bin/sh\ntouch '${flag}'\n`, { mode: 0o755 });
      const before = bytesServed(which === "single" ? SINGLE_NAME : MULTI_NAME);
      const torrent = which === "single" ? torrents.singleTorrent : torrents.multiTorrent;
      // transmission-cli seeds forever once done: its finish script drops a flag, then we stop it.
      const child = spawn("transmission-cli", ["-g", config, "-w", out, "-f", script, "-M", torrent], {
        stdio: "ignore",
      });
      try {
        const deadline = Date.now() + 90_000;
        while (!existsSync(flag) && Date.now() < deadline && child.exitCode === null) {
          await new Promise((r) => setTimeout(r, 200));
        }
        expect(existsSync(flag)).toBe(true);
      } finally {
        child.kill("SIGTERM");
        await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
      }
      // Transmission does not create 0-byte files; every other file must be there and exact.
      expectDownloaded(out, which, true);
      expect(bytesServed(which === "single" ? SINGLE_NAME : MULTI_NAME)).toBeGreaterThan(before);
    });
  }
});
