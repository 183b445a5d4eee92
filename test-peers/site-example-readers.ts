// Independent readers for what a site example's build produced: parse-torrent for .torrent files, libtorrent
// for info hashes. Shared by the vite, astro and eleventy examples' tests.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import parseTorrent from "parse-torrent";

export const run = promisify(execFile);

/** The environment for a child build, without what Vitest adds (BASE_URL=/ would override Astro's base). */
export function buildEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ["BASE_URL", "MODE", "DEV", "PROD", "SSR", "NODE_ENV"]) delete env[key];
  return env;
}

export interface ParsedTorrent {
  infoHash: string;
  name: string;
  length: number;
  pieceLength: number;
  urlList: string[];
  announce: string[];
  files: { length: number }[];
}

export async function readTorrent(bytes: Uint8Array): Promise<ParsedTorrent> {
  return (await parseTorrent(Buffer.from(bytes))) as ParsedTorrent;
}

/** The v1 info hash libtorrent computes for one file at a piece length. */
export async function libtorrentInfoHash(file: string, pieceLength: number): Promise<string> {
  const script = [
    "import libtorrent as lt, os, sys",
    "path, piece = sys.argv[1], int(sys.argv[2])",
    "fs = lt.file_storage()",
    "lt.add_files(fs, path)",
    "ct = lt.create_torrent(fs, piece, flags=lt.create_torrent.v1_only)",
    "lt.set_piece_hashes(ct, os.path.dirname(path))",
    "print(str(lt.torrent_info(ct.generate()).info_hashes().v1))",
  ].join("\n");
  const { stdout } = await run("/usr/bin/python3", ["-c", script, file, String(pieceLength)]);
  return stdout.trim();
}
