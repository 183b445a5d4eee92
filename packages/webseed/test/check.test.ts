// Start-up check against torrents made by mktorrent: changed files are refused, good ones served and pinned.
import { execFileSync } from "node:child_process";
import { appendFileSync, closeSync, openSync, utimesSync, writeSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { checkTorrents, createWebseedServer, type WebseedServer } from "../src/index.js";
import { raw } from "./helpers.js";
import { MULTI_NAME, makeContent, SINGLE_NAME } from "./torrent-fixture.js";

let content: ReturnType<typeof makeContent>;
let ws: WebseedServer;
let port: number;
let torrents: { singleTorrent: string; multiTorrent: string };

beforeEach(async () => {
  content = makeContent();
  ws = createWebseedServer({ root: content.root, statTtl: 0 });
  port = (await ws.listen(0)).port;
  torrents = content.torrents(`http://127.0.0.1:${port}/`);
});
afterEach(async () => {
  await ws.close();
  content.cleanup();
});

const url = (path: string) => `/${path.split("/").map(encodeURIComponent).join("/")}`;

function flipByte(path: string, offset: number): void {
  const fd = openSync(join(content.root, path), "r+");
  const original = content.files.get(path)![offset]!;
  writeSync(fd, Buffer.from([original ^ 0xff]), 0, 1, offset);
  closeSync(fd);
}

it("all files match: everything served, report ok (sizes and hashes)", async () => {
  const report = await checkTorrents(
    ws.webseed,
    [{ torrent: torrents.singleTorrent }, { torrent: torrents.multiTorrent }],
    {
      verify: true,
    },
  );
  expect(report.ok).toBe(true);
  expect(report.torrents.map((t) => t.name)).toEqual([SINGLE_NAME, MULTI_NAME]);
  expect(report.torrents[1]!.files.map((f) => f.path).sort()).toEqual(
    [...content.files.keys()].filter((p) => p.startsWith(`${MULTI_NAME}/`)).sort(),
  );
  expect((await raw(port, url(SINGLE_NAME), { Range: "bytes=0-9" })).status).toBe(206);
});

it("a file of the wrong size is refused without hashing", async () => {
  appendFileSync(join(content.root, `${MULTI_NAME}/z.bin`), "x");
  const report = await checkTorrents(ws.webseed, [{ torrent: torrents.multiTorrent }]);
  expect(report.ok).toBe(false);
  const z = report.torrents[0]!.files.find((f) => f.path.endsWith("z.bin"))!;
  expect([z.ok, z.reason]).toEqual([false, "size"]);
  expect((await raw(port, url(`${MULTI_NAME}/z.bin`))).status).toBe(404);
  expect((await raw(port, url(`${MULTI_NAME}/a b.bin`), { Range: "bytes=0-0" })).status).toBe(206);
});

it("a same-size change is caught by verify: that file refused, the others served", async () => {
  flipByte(`${MULTI_NAME}/sub dir/ç €.dat`, 5000);
  const sizesOnly = await checkTorrents(ws.webseed, [{ torrent: torrents.multiTorrent }]);
  expect(sizesOnly.ok).toBe(true);
  const report = await checkTorrents(ws.webseed, [{ torrent: torrents.multiTorrent }], { verify: true });
  expect(report.ok).toBe(false);
  // Byte 5000 of ç €.dat sits in piece 2 (32 KiB pieces), which starts in "a b.bin": both files share the bad
  // piece, and neither can be told apart from the other by its hash, so both are refused; z.bin is not touched.
  const bad = report.torrents[0]!.files.filter((f) => !f.ok);
  expect(bad.map((f) => [f.path, f.reason]).sort()).toEqual([
    [`${MULTI_NAME}/a b.bin`, "hash"],
    [`${MULTI_NAME}/sub dir/ç €.dat`, "hash"],
  ]);
  expect((await raw(port, url(`${MULTI_NAME}/sub dir/ç €.dat`))).status).toBe(404);
  expect(ws.webseed.refused().has(`${MULTI_NAME}/sub dir/ç €.dat`)).toBe(true);
  expect((await raw(port, url(`${MULTI_NAME}/z.bin`), { Range: "bytes=0-0" })).status).toBe(206);
});

it("a file that changes after the check is refused from then on", async () => {
  const report = await checkTorrents(ws.webseed, [{ torrent: torrents.singleTorrent }]);
  expect(report.ok).toBe(true);
  expect((await raw(port, url(SINGLE_NAME), { Range: "bytes=0-0" })).status).toBe(206);
  flipByte(SINGLE_NAME, 10);
  utimesSync(join(content.root, SINGLE_NAME), new Date(), new Date(Date.now() + 10_000));
  expect((await raw(port, url(SINGLE_NAME), { Range: "bytes=0-0" })).status).toBe(404);
});

it("a missing file and an unreadable torrent", async () => {
  const report = await checkTorrents(ws.webseed, [
    { torrent: torrents.singleTorrent, path: "elsewhere/file.bin" },
  ]);
  expect(report.torrents[0]!.files[0]).toMatchObject({ ok: false, reason: "missing" });
  await expect(checkTorrents(ws.webseed, [{ torrent: new Uint8Array([1, 2, 3]) }])).rejects.toMatchObject({
    code: "ERR_WEBSEED_TORRENT",
  });
  // A torrent path given by mistake: a device or a FIFO is refused at once, not read (or waited on).
  const fifo = join(content.root, "not-a-torrent.fifo");
  execFileSync("mkfifo", [fifo]);
  for (const path of ["/dev/zero", fifo])
    await expect(checkTorrents(ws.webseed, [{ torrent: path }])).rejects.toMatchObject({
      code: "ERR_WEBSEED_TORRENT",
      message: expect.stringMatching(/not a \.torrent file/),
    });
  await expect(
    checkTorrents(ws.webseed, [{ torrent: torrents.singleTorrent, path: "../x" }]),
  ).rejects.toMatchObject({
    code: "ERR_WEBSEED_OPTION",
  });
});
