// Test fixtures: small sites made in a temp folder, files of pseudo-random bytes.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

export const run = promisify(execFile);

export async function tempDir(prefix = "seedpress-site-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Deterministic, incompressible-looking bytes (xorshift32), so pieces differ from one another. */
export function pseudoRandom(size: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export async function put(root: string, rel: string, data: string | Uint8Array): Promise<string> {
  const file = join(root, ...rel.split("/"));
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, data);
  return file;
}

/** The v1 info hash libtorrent (an independent implementation) gives one file at a piece length. */
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

/** What libtorrent reads from a .torrent file: info hash, name, size, web seeds, trackers. */
export async function libtorrentRead(torrentFile: string): Promise<{
  infoHash: string;
  name: string;
  size: number;
  webSeeds: string[];
  trackers: string[];
}> {
  const script = [
    "import libtorrent as lt, json, sys",
    "ti = lt.torrent_info(sys.argv[1])",
    "print(json.dumps({'infoHash': str(ti.info_hashes().v1), 'name': ti.name(), 'size': ti.total_size(),",
    "  'webSeeds': [w['url'] for w in ti.web_seeds()], 'trackers': [t.url for t in ti.trackers()]}))",
  ].join("\n");
  const { stdout } = await run("/usr/bin/python3", ["-c", script, torrentFile]);
  return JSON.parse(stdout);
}
