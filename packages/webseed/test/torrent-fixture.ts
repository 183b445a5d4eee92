// Content for interop tests (odd sizes, a 0-byte file, spaces and non-ASCII names) and torrents made for it
// by mktorrent, an implementation independent of ours, with our server as the only web seed.

import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const SINGLE_NAME = "single file é.bin";
export const MULTI_NAME = "Multi Ünï folder";

export interface TorrentFixture {
  dir: string;
  /** The folder the web seed serves. */
  root: string;
  /** Relative path (under root) → expected bytes. */
  files: Map<string, Buffer>;
  singleTorrent: string;
  multiTorrent: string;
  cleanup(): void;
}

/** Makes the content; `torrents(baseUrl)` then writes the two .torrent files once the server's port is known. */
export function makeContent(): Omit<TorrentFixture, "singleTorrent" | "multiTorrent"> & {
  torrents(baseUrl: string): { singleTorrent: string; multiTorrent: string };
} {
  const dir = mkdtempSync(join(tmpdir(), "webseed-interop-"));
  const root = join(dir, "root");
  const files = new Map<string, Buffer>([
    [SINGLE_NAME, randomBytes(300_001)],
    [`${MULTI_NAME}/a b.bin`, randomBytes(70_001)],
    [`${MULTI_NAME}/empty file.txt`, Buffer.alloc(0)],
    [`${MULTI_NAME}/sub dir/ç €.dat`, randomBytes(123_457)],
    [`${MULTI_NAME}/z.bin`, randomBytes(40_000)],
  ]);
  for (const [path, data] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), data);
  }
  return {
    dir,
    root,
    files,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
    torrents(baseUrl: string) {
      const singleTorrent = join(dir, "single.torrent");
      const multiTorrent = join(dir, "multi.torrent");
      // 32 KiB pieces: several pieces per file, pieces spanning file boundaries in the multi-file torrent.
      execFileSync(
        "mktorrent",
        [
          "-l",
          "15",
          "-w",
          `${baseUrl}${encodeURIComponent(SINGLE_NAME)}`,
          "-o",
          singleTorrent,
          join(root, SINGLE_NAME),
        ],
        {
          stdio: "pipe",
        },
      );
      execFileSync("mktorrent", ["-l", "15", "-w", baseUrl, "-o", multiTorrent, join(root, MULTI_NAME)], {
        stdio: "pipe",
      });
      return { singleTorrent, multiTorrent };
    },
  };
}
