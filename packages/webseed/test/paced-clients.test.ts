// Real clients against an origin capped far below their demand: every one completes, because a response
// over the cap is sent slowly instead of refused (libtorrent 2.0 never came back to a web seed after a 503
// once it had no peer, so a refusing cap stranded clients).
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createWebseedServer, type WebseedServer } from "../src/index.js";
import { makeContent, SINGLE_NAME } from "./torrent-fixture.js";

const run = promisify(execFile);
const here = import.meta.dirname;
let content: ReturnType<typeof makeContent>;
let ws: WebseedServer;
let torrent: string;

beforeAll(async () => {
  content = makeContent();
  // 300 kB per client, 8 clients at once, 256 KiB/s with a 1 s burst: most requests meet a bucket in debt.
  ws = createWebseedServer({ root: content.root, maxBytesPerSecond: 256 * 1024, burstSeconds: 1 });
  const { port } = await ws.listen(0);
  torrent = content.torrents(`http://127.0.0.1:${port}/`).singleTorrent;
});
afterAll(async () => {
  await ws?.close();
  content?.cleanup();
});

function libtorrent(out: string): Promise<unknown> {
  return run("/usr/bin/python3", [join(here, "interop/lt_download.py"), torrent, out, "100"], {
    timeout: 110_000,
  }).catch((error) => {
    throw new Error(`libtorrent did not finish: ${(error as { stdout?: string }).stdout ?? error}`);
  });
}

function aria2(out: string): Promise<unknown> {
  return run(
    "aria2c",
    [
      `--dir=${out}`,
      "--seed-time=0",
      "--enable-dht=false",
      "--enable-dht6=false",
      "--bt-enable-lpd=false",
      "--enable-peer-exchange=false",
      "--bt-stop-timeout=100",
      "--file-allocation=none",
      "--console-log-level=warn",
      "--summary-interval=0",
      "--no-conf",
      torrent,
    ],
    { timeout: 110_000 },
  );
}

it("6 libtorrent sessions and 2 aria2c at once, capped origin: every client completes, nothing is refused", async () => {
  const outs = Array.from({ length: 8 }, (_, i) => join(content.dir, `paced-${i}`));
  for (const out of outs) mkdirSync(out);
  await Promise.all(outs.map((out, i) => (i < 6 ? libtorrent(out) : aria2(out))));
  const expected = content.files.get(SINGLE_NAME)!;
  for (const out of outs) expect(readFileSync(join(out, SINGLE_NAME)).equals(expected), out).toBe(true);
  const stats = ws.webseed.stats();
  expect(stats.shed).toBe(0);
  // The cap was really in the way: the clients together asked for far more than one burst.
  expect(stats.bytes).toBeGreaterThan(8 * expected.length - 1);
}, 120_000);
