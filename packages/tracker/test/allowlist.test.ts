import { createHash } from "node:crypto";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  MAX_BENCODE_DEPTH,
  type RunningTracker,
  startTracker,
  Tracker,
  TrackerError,
  torrentHashes,
} from "../src/index.js";
import {
  announce,
  compactPeers,
  libtorrentHashes,
  libtorrentHybrid,
  mktorrent,
  peerIdBytes,
  tempDir,
  text,
} from "./helpers.js";

let running: RunningTracker | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("info hashes of .torrent files", () => {
  it("match libtorrent's for a mktorrent v1 torrent", async () => {
    const dir = tempDir();
    const { torrent } = mktorrent(dir, "a.bin");
    const ours = torrentHashes(await readFile(torrent));
    expect(ours.v1).toBe(libtorrentHashes(torrent).v1);
    expect(ours.v2).toBeUndefined();
  });

  it("match libtorrent's v1 and v2 hashes for a libtorrent hybrid torrent", async () => {
    const dir = tempDir();
    const torrent = libtorrentHybrid(dir, "h.bin");
    const lt = libtorrentHashes(torrent);
    expect(lt.v1).toMatch(/^[0-9a-f]{40}$/);
    expect(lt.v2).toMatch(/^[0-9a-f]{64}$/);
    const ours = torrentHashes(await readFile(torrent));
    expect(ours).toEqual({ v1: lt.v1, v2: lt.v2, v2Truncated: lt.v2.slice(0, 40) });
  });

  it("rejects broken files with ERR_TRACKER_TORRENT", () => {
    for (const bytes of [
      "",
      "d4:infoi1e",
      "d4:infod6:lengthi1eee",
      "d4:info",
      "l4:infoe",
      "d4:infod4:name3:abcee",
    ]) {
      expect(() => torrentHashes(Buffer.from(bytes), "x.torrent")).toThrow(TrackerError);
    }
    try {
      torrentHashes(Buffer.from("garbage"), "x.torrent");
    } catch (error) {
      expect((error as TrackerError).code).toBe("ERR_TRACKER_TORRENT");
      expect((error as Error).message).toMatch(/^x\.torrent: /);
    }
  });
});

describe("allowlist sources", () => {
  it("puts the v1 and truncated v2 hash of a hybrid torrent in one swarm", async () => {
    const dir = tempDir();
    const torrent = libtorrentHybrid(dir, "hy.bin");
    const lt = libtorrentHashes(torrent);
    running = await startTracker({ allowPaths: [torrent], udpPort: false, rateLimit: false });
    const url = running.httpUrl!;
    await announce(url, { infoHash: lt.v1, peerId: peerIdBytes(1), port: 6101 });
    const v2 = await announce(url, { infoHash: lt.v2.slice(0, 40), peerId: peerIdBytes(2), port: 6102 });
    expect(compactPeers(v2.data.peers)).toEqual(["127.0.0.1:6101"]);
    expect(v2.data.incomplete).toBe(2);
  });

  it("reads a text file of hex hashes, with comments, and names the bad line", async () => {
    const dir = tempDir();
    const good = join(dir, "hashes.txt");
    writeFileSync(good, `# ours\n${"ab".repeat(20)}\n\n${"CD".repeat(32)}  # a v2 hash\n`);
    const tracker = await new Tracker({ allowPaths: [good] }).ready();
    expect(tracker.allowlist.hexes().sort()).toEqual(["ab".repeat(20), "cd".repeat(20)]);
    await tracker.close();
    const bad = join(dir, "bad.txt");
    writeFileSync(bad, `${"ab".repeat(20)}\nnot-a-hash\n`);
    const t2 = new Tracker({ allowPaths: [bad] });
    await expect(t2.ready()).rejects.toMatchObject({
      code: "ERR_TRACKER_ALLOWLIST",
      message: expect.stringMatching(/bad\.txt:2:/),
    });
    await t2.close();
    const t3 = new Tracker({ allowPaths: [join(dir, "missing")] });
    await expect(t3.ready()).rejects.toMatchObject({ code: "ERR_TRACKER_ALLOWLIST" });
    await t3.close();
  });

  it("reads a hash list by its content, even when the first hash starts with d", async () => {
    const dir = tempDir();
    const list = join(dir, "allowed");
    const hash = `d${"1".repeat(39)}`;
    writeFileSync(list, `${hash}\n${"e".repeat(64)}\n`);
    const tracker = await new Tracker({ allowPaths: [list] }).ready();
    expect(tracker.allowlist.hexes().sort()).toEqual([hash, "e".repeat(40)]);
    await tracker.close();
    // A .torrent without the extension is still read as one.
    const { torrent } = mktorrent(dir, "x.bin");
    const bare = join(dir, "x-torrent");
    writeFileSync(bare, await readFile(torrent));
    const t2 = await new Tracker({ allowPaths: [bare] }).ready();
    expect(t2.allowlist.hexes()).toEqual([libtorrentHashes(torrent).v1]);
    await t2.close();
  });

  it("accepts nesting up to MAX_BENCODE_DEPTH (99, as @seedpress/torrent and libtorrent) and refuses deeper", () => {
    expect(MAX_BENCODE_DEPTH).toBe(99);
    // info is at depth 2; a chain of one-key dictionaries below it reaches the given depth.
    const nested = (depth: number) => {
      const chain = `${"d1:a".repeat(depth - 2)}i0e${"e".repeat(depth - 2)}`;
      const info = `d6:pieces20:${"x".repeat(20)}4:tree${chain}e`;
      return { bytes: Buffer.from(`d4:info${info}e`, "latin1"), info: Buffer.from(info, "latin1") };
    };
    const ok = nested(99);
    expect(torrentHashes(ok.bytes).v1).toBe(createHash("sha1").update(ok.info).digest("hex"));
    expect(() => torrentHashes(nested(100).bytes)).toThrow(/deeper than 99/);
  });

  it("watches a folder of .torrent files: added files are served, removed ones refused, broken ones skipped", async () => {
    const work = tempDir();
    const folder = join(work, "torrents");
    mkdirSync(folder);
    const a = mktorrent(work, "one.bin");
    renameSync(a.torrent, join(folder, "one.torrent"));
    const hashA = libtorrentHashes(join(folder, "one.torrent")).v1;
    running = await startTracker({ allowPaths: [folder], udpPort: false, rateLimit: false });
    const url = running.httpUrl!;
    const tracker = running.tracker;
    expect((await announce(url, { infoHash: hashA })).data["failure reason"]).toBeUndefined();
    const b = mktorrent(work, "two.bin", 70_000);
    const hashB = libtorrentHashes(b.torrent).v1;
    expect(text((await announce(url, { infoHash: hashB })).data["failure reason"])).toMatch(/not served/);
    writeFileSync(join(folder, "broken.torrent"), "d4:info");
    renameSync(b.torrent, join(folder, "two.torrent"));
    await until(() => tracker.allowlist.hexes().includes(hashB), "the new torrent");
    expect((await announce(url, { infoHash: hashB })).data["failure reason"]).toBeUndefined();
    rmSync(join(folder, "one.torrent"));
    await until(() => !tracker.allowlist.hexes().includes(hashA), "the removed torrent");
    expect(text((await announce(url, { infoHash: hashA })).data["failure reason"])).toMatch(/not served/);
  });

  it("asks a function for hashes not on the list", async () => {
    running = await startTracker({
      allowFunction: (hex) => hex.startsWith("ee"),
      udpPort: false,
      rateLimit: false,
    });
    expect(
      (await announce(running.httpUrl!, { infoHash: "ee".repeat(20) })).data["failure reason"],
    ).toBeUndefined();
    expect(
      text((await announce(running.httpUrl!, { infoHash: "ef".repeat(20) })).data["failure reason"]),
    ).toMatch(/not served/);
  });

  it("allows and disallows hashes at run time", async () => {
    running = await startTracker({ udpPort: false, rateLimit: false });
    const h = "12".repeat(20);
    expect(text((await announce(running.httpUrl!, { infoHash: h })).data["failure reason"])).toMatch(
      /not served/,
    );
    await running.tracker.allow(h);
    expect((await announce(running.httpUrl!, { infoHash: h })).data["failure reason"]).toBeUndefined();
    await running.tracker.disallow(h);
    expect(text((await announce(running.httpUrl!, { infoHash: h })).data["failure reason"])).toMatch(
      /not served/,
    );
    await expect(running.tracker.allow("xyz")).rejects.toThrow(TrackerError);
  });
});
