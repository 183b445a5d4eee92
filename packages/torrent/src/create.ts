// createTorrent: walk → piece length → hash (v1 pieces, v2 merkle roots, or both in one read) → info → bencode.
import { createHash } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { type BInput, BRaw, encode } from "./bencode.js";
import { TorrentError } from "./errors.js";
import { hashPerFile, hashV1Pieces, IN_THREAD_BYTES } from "./hash-engine.js";
import { HashPool } from "./hash-pool.js";
import { fileRootAndLayer, fileTree, type LayoutFile, withPadFiles } from "./info-dict.js";
import type { HashSource } from "./piece-hasher.js";
import { resolvePieceLength } from "./piece-length.js";
import { checkPathSegment } from "./safe-path.js";
import type {
  CreatedTorrent,
  CreateTorrentOptions,
  TorrentFile,
  TorrentMeta,
  TorrentVersion,
} from "./types.js";
import { VERSION } from "./version.js";
import { walk } from "./walk.js";

/** libtorrent refuses to load a .torrent bigger than this by default. */
const LIBTORRENT_LOAD_LIMIT = 10 * 1000 * 1000;

function trackerTiers(announce: CreateTorrentOptions["announce"]): string[][] {
  if (!announce) return [];
  const tiers = announce
    .map((entry) => (Array.isArray(entry) ? entry : [entry]))
    .filter((tier) => tier.length > 0);
  for (const url of tiers.flat()) {
    if (!/^(https?|udp|wss?):\/\/[^\s/]+/i.test(url)) {
      throw new TorrentError(
        "ERR_TORRENT_OPTION",
        `announce URL "${url}" is not an http(s), udp or ws(s) URL`,
      );
    }
  }
  return tiers;
}

function creationDate(option: CreateTorrentOptions["creationDate"]): number | undefined {
  if (option === false) return undefined;
  if (typeof option === "number") return option;
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && epoch !== "") {
    if (!/^\d+$/.test(epoch))
      throw new TorrentError("ERR_TORRENT_OPTION", `SOURCE_DATE_EPOCH "${epoch}" is not a number of seconds`);
    return Number(epoch);
  }
  return Math.floor(Date.now() / 1000);
}

export async function createTorrent(
  input: string,
  options: CreateTorrentOptions = {},
): Promise<CreatedTorrent> {
  const version = options.version ?? "v1";
  if (!["v1", "v2", "hybrid"].includes(version))
    throw new TorrentError("ERR_TORRENT_OPTION", `version "${version}" is not v1, v2 or hybrid`);
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw new TorrentError("ERR_TORRENT_OPTION", `threads ${options.threads} is not a positive integer`);
  }
  const tiers = trackerTiers(options.announce);
  // For a folder, start the hash threads now so they come up while it is walked.
  let isFolder = false;
  try {
    isFolder = statSync(input).isDirectory();
  } catch {
    // walk() reports a missing or unreadable path with its own clear error
  }
  const pool =
    isFolder && mayNeedThreads(input) ? new HashPool(options.threads ?? availableParallelism()) : undefined;
  try {
    return await create(input, options, version, tiers, pool);
  } finally {
    await pool?.close();
  }
}

/** A folder of a few small files is hashed in this thread (no threads to start): one look at its top level. */
function mayNeedThreads(folder: string): boolean {
  let bytes = 0;
  try {
    const entries = readdirSync(folder, { withFileTypes: true });
    if (entries.length > 256) return true;
    for (const entry of entries) {
      if (!entry.isFile()) return true;
      bytes += statSync(path.join(folder, entry.name)).size;
      if (bytes >= IN_THREAD_BYTES) return true;
    }
  } catch {
    return true;
  }
  return false;
}

async function create(
  input: string,
  options: CreateTorrentOptions,
  version: TorrentVersion,
  tiers: string[][],
  pool: HashPool | undefined,
): Promise<CreatedTorrent> {
  const walked = await walk(input, options);
  const name = options.name ?? path.basename(walked.root);
  checkPathSegment(name, "name");
  const single = walked.singleFile;
  const totalLength = walked.files.reduce((sum, f) => sum + f.length, 0);
  if (totalLength === 0)
    throw new TorrentError("ERR_TORRENT_EMPTY", `${input}: every file is empty, there is nothing to hash`);
  const pieceLength = resolvePieceLength(options.pieceLength, totalLength);
  const webSeeds = (options.webSeeds ?? []).map((url) => {
    if (!/^https?:\/\/[^\s/]+/i.test(url))
      throw new TorrentError("ERR_TORRENT_OPTION", `web seed "${url}" is not an http(s) URL`);
    return single || url.endsWith("/") ? url : `${url}/`;
  });

  const real: (LayoutFile & { absolutePath: string; mtimeMs: number })[] = walked.files.map((f) => ({
    ...f,
    pathSegments: single ? [name] : f.pathSegments,
    padding: false,
  }));
  const engine = { threads: options.threads, signal: options.signal, onProgress: options.onProgress, pool };
  const info: Record<string, BInput | undefined> = { name, "piece length": pieceLength };
  const pieceLayers = new Map<Uint8Array, BInput>();
  // What the returned TorrentMeta lists: built here from what we made rather than by parsing it back.
  let metaFiles: TorrentFile[];
  let pieceCount: number;

  if (version === "v1") {
    const sources: HashSource[] = real.map((f) => ({
      path: f.absolutePath,
      length: f.length,
      mtimeMs: f.mtimeMs,
    }));
    info.pieces = await hashV1Pieces(sources, pieceLength, engine);
    if (single) info.length = totalLength;
    else info.files = real.map((f) => ({ length: f.length, path: f.pathSegments }));
    metaFiles = metaFileList(real, new Map());
    pieceCount = Math.ceil(totalLength / pieceLength);
  } else {
    const layout =
      version === "hybrid" ? withPadFiles(real, pieceLength, options.tailPad !== false, single) : real;
    // Each source carries its mtime: a file that changes while it is read fails the hashing
    // (ERR_TORRENT_FILE_CHANGED) rather than making a torrent no one can complete.
    const sources: HashSource[] = layout.map((f) =>
      f.padding
        ? { path: null, length: f.length }
        : {
            path: (f as (typeof real)[number]).absolutePath,
            length: f.length,
            mtimeMs: (f as (typeof real)[number]).mtimeMs,
          },
    );
    const lastReal = layout.length - 1 - [...layout].reverse().findIndex((f) => !f.padding && f.length > 0);
    // The last real file's last v1 piece stays short unless a pad file follows it.
    const shortLast = layout[lastReal + 1]?.padding ? -1 : lastReal;
    const hashes = await hashPerFile(
      sources,
      pieceLength,
      { roots: true, sha1: version === "hybrid", shortLastFile: shortLast },
      engine,
    );
    const roots = new Map<LayoutFile, Uint8Array>();
    const treeFiles = layout.flatMap((f, i) => {
      if (f.padding) return [];
      if (f.length === 0) return [{ pathSegments: f.pathSegments, length: 0 }];
      const { root, layer } = fileRootAndLayer(hashes.roots[i]!, f.length, pieceLength);
      if (layer) pieceLayers.set(root, layer);
      roots.set(f, root);
      return [{ pathSegments: f.pathSegments, length: f.length, piecesRoot: root }];
    });
    metaFiles = metaFileList(layout, roots);
    pieceCount =
      version === "hybrid"
        ? Math.ceil(layout.reduce((sum, f) => sum + f.length, 0) / pieceLength)
        : real.reduce((sum, f) => sum + Math.ceil(f.length / pieceLength), 0);
    info["file tree"] = fileTree(treeFiles);
    info["meta version"] = 2;
    if (version === "hybrid") {
      info.pieces = Buffer.concat(layout.flatMap((_, i) => (hashes.sha1[i] ? [hashes.sha1[i]!] : [])));
      if (single) info.length = totalLength;
      else {
        info.files = layout.map((f) =>
          f.padding
            ? { attr: "p", length: f.length, path: f.pathSegments }
            : { length: f.length, path: f.pathSegments },
        );
      }
    }
  }
  if (options.private) info.private = 1;
  if (options.source) info.source = options.source;

  const date = creationDate(options.creationDate);
  const createdBy = options.createdBy === false ? undefined : (options.createdBy ?? `seedpress/${VERSION}`);
  const root: Record<string, BInput | undefined> = {
    announce: tiers[0]?.[0],
    "announce-list": tiers.flat().length > 1 ? tiers : undefined,
    comment: options.comment,
    "created by": createdBy,
    "creation date": date,
    info,
    "piece layers": pieceLayers.size > 0 ? pieceLayers : undefined,
    "url-list": webSeeds.length > 0 ? webSeeds : undefined,
  };
  const infoBuffer = encode(info);
  root.info = new BRaw(infoBuffer);
  const torrent = encode(root);
  const warnings: string[] = [];
  if (torrent.length > LIBTORRENT_LOAD_LIMIT) {
    warnings.push(
      `the .torrent is ${torrent.length} bytes, over libtorrent's default 10 MB load limit: use a larger piece length`,
    );
  }
  const meta: TorrentMeta = {
    version,
    name,
    pieceLength,
    pieceCount,
    length: totalLength,
    singleFile: single,
    files: metaFiles,
    announce: tiers,
    urlList: webSeeds,
    private: options.private === true,
    infoBuffer,
  };
  if (version !== "v2") {
    meta.infoHash = createHash("sha1").update(infoBuffer).digest("hex");
    meta.pieces = info.pieces as Uint8Array;
  }
  if (version !== "v1") {
    meta.infoHashV2 = createHash("sha256").update(infoBuffer).digest("hex");
    meta.pieceLayers = new Map([...pieceLayers].map(([r, layer]) => [hex(r), layer as Uint8Array]));
  }
  if (options.comment !== undefined) meta.comment = options.comment;
  if (createdBy !== undefined) meta.createdBy = createdBy;
  if (date !== undefined) meta.creationDate = date;
  if (options.source) meta.source = options.source;
  return { ...meta, torrent, warnings };
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** The TorrentFile list for files in v1 order (pad files included), with offsets and v2 roots. */
function metaFileList(files: LayoutFile[], roots: Map<LayoutFile, Uint8Array>): TorrentFile[] {
  let offset = 0;
  return files.map((f) => {
    const file: TorrentFile = {
      path: f.pathSegments.join("/"),
      pathSegments: f.pathSegments,
      length: f.length,
      offset,
      padding: f.padding,
    };
    const root = roots.get(f);
    if (root) file.piecesRoot = hex(root);
    offset += f.length;
    return file;
  });
}
