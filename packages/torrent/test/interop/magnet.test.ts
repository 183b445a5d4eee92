// Magnet links (BEP 9 / BEP 52): libtorrent's parse_magnet_uri and parse-torrent read ours back with the
// right info hashes (btih, btmh 1220…), name, trackers and web seeds; Transmission makes the same btih.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTorrent, parseTorrent, toMagnet } from "@seedpress/torrent";
import parseTorrentPeer from "parse-torrent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KiB, tempDir, writeTree } from "./fixtures.js";
import { ltMagnet, transmissionShow } from "./peers.js";

let dir: string;
let cleanup: () => Promise<void>;
let folder: string;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("seedpress-magnet-"));
  folder = await writeTree(join(dir, "Rélease & co"), { "disk.img": 40_000, "notes/ü.txt": 123 });
});
afterAll(async () => {
  await cleanup();
});

const announce = [["http://127.0.0.1:6969/announce?x=1&y=2"], ["udp://127.0.0.1:6970"]];
const webSeeds = ["http://127.0.0.1:8080/files/"];

describe("magnet links", () => {
  for (const version of ["v1", "v2", "hybrid"] as const) {
    it(`${version}: libtorrent reads our magnet link back`, async () => {
      const t = await createTorrent(folder, { version, pieceLength: 16 * KiB, announce, webSeeds });
      const meta = parseTorrent(t.torrent);
      const link = toMagnet(meta);
      const [lt] = await ltMagnet([link]);
      expect(lt?.error).toBeUndefined();
      expect(lt?.infoHash ?? undefined).toBe(version === "v2" ? undefined : t.infoHash);
      expect(lt?.infoHashV2 ?? undefined).toBe(version === "v1" ? undefined : t.infoHashV2);
      expect(lt?.name).toBe("Rélease & co");
      expect(lt?.trackers).toEqual(announce.flat());
      expect(lt?.urlSeeds).toEqual(webSeeds);
      if (version !== "v1") expect(link).toContain(`xt=urn:btmh:1220${t.infoHashV2}`);
      expect(link).toContain(`xl=${40_000 + 123}`);

      if (version !== "v2") {
        const peer = await parseTorrentPeer(link);
        expect(peer.infoHash).toBe(t.infoHash);
        expect(peer.name).toBe("Rélease & co");
        expect(peer.announce).toEqual(announce.flat());
        expect(peer.urlList).toEqual(webSeeds);
      }
    });
  }

  it("v1: Transmission's magnet link names the same btih", async () => {
    const t = await createTorrent(folder, { version: "v1", pieceLength: 16 * KiB, announce });
    const file = join(dir, "v1.torrent");
    await writeFile(file, t.torrent);
    const show = await transmissionShow(file);
    expect(show.magnet).toContain(`xt=urn:btih:${t.infoHash}`);
    const [fromTransmission, fromUs] = await ltMagnet([show.magnet, toMagnet(parseTorrent(t.torrent))]);
    expect(fromUs?.infoHash).toBe(fromTransmission?.infoHash);
    expect(fromUs?.name).toBe(fromTransmission?.name);
  });
});
