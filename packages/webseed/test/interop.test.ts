// Real clients download from our web seed alone (no tracker, no DHT, no other peer) and the data checks out:
// aria2c and libtorrent (python3-libtorrent), single-file and multi-file torrents made by mktorrent.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, statSync } from "node:fs";
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

function expectDownloaded(out: string, which: "single" | "multi"): void {
  for (const [path, data] of content.files) {
    const isMulti = path.startsWith(`${MULTI_NAME}/`);
    if ((which === "multi") !== isMulti) continue;
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
