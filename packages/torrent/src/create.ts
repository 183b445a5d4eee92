// createTorrent, as a pipeline of named stages: check options → walk → plan the layout → hash
// (v1 pieces, v2 merkle roots, or both in one read) → build `info` → wrap it in a Metainfo.
import { createHash } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import type { BInput } from "./bencode.js";
import { encode } from "./bencode.js";
import { TorrentError } from "./errors.js";
import { FileLayout, torrentFileOf } from "./file-layout.js";
import { type EngineOptions, hashPerFile, hashV1Pieces, IN_THREAD_BYTES } from "./hash-engine.js";
import { HashPool } from "./hash-pool.js";
import { buildInfo, fileRootAndLayer } from "./info-dict.js";
import { Metainfo, trackerTiers, webSeedUrls } from "./metainfo.js";
import type { HashSource } from "./piece-hasher.js";
import { resolvePieceLength } from "./piece-length.js";
import { checkPathSegment } from "./safe-path.js";
import { creationDate } from "./source-date.js";
import type {
  CreatedTorrent,
  CreateTorrentOptions,
  TorrentFile,
  TorrentMeta,
  TorrentVersion,
} from "./types.js";
import { VERSION } from "./version.js";
import { type WalkedFile, walk } from "./walk.js";

/** libtorrent refuses to load a .torrent bigger than this by default. */
const LIBTORRENT_LOAD_LIMIT = 10 * 1000 * 1000;

interface Checked {
  version: TorrentVersion;
  tiers: string[][];
}

/** Options that can be refused before touching the disk. */
export function checkCreateOptions(options: CreateTorrentOptions): Checked {
  const version = options.version ?? "v1";
  if (!["v1", "v2", "hybrid"].includes(version))
    throw new TorrentError("ERR_TORRENT_OPTION", `version "${version}" is not v1, v2 or hybrid`);
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw new TorrentError("ERR_TORRENT_OPTION", `threads ${options.threads} is not a positive integer`);
  }
  return { version, tiers: trackerTiers(options.announce) };
}

export async function createTorrent(
  input: string,
  options: CreateTorrentOptions = {},
): Promise<CreatedTorrent> {
  const checked = checkCreateOptions(options);
  // For a folder, start the hash threads now so they come up while it is walked.
  let isFolder = false;
  try {
    isFolder = statSync(input).isDirectory();
  } catch {
    // walk() reports a missing or unreadable path with its own clear error
  }
  // The calling thread hashes too (see hash-engine.ts): one worker fewer than the thread count.
  const workers = (options.threads ?? availableParallelism()) - 1;
  const pool = isFolder && workers > 0 && mayNeedThreads(input) ? new HashPool(workers) : undefined;
  try {
    return await create(input, options, checked, pool);
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
  checked: Checked,
  pool: HashPool | undefined,
): Promise<CreatedTorrent> {
  const warnings: string[] = [];
  const walked = await walk(input, {
    ...options,
    onWarning: (warning) => {
      warnings.push(warning.message);
      options.onWarning?.(warning);
    },
  });
  const plan = planLayout(walked.files, walked.singleFile, options, checked.version, input, walked.root);
  const engine = { threads: options.threads, signal: options.signal, onProgress: options.onProgress, pool };
  const hashed = await hashLayout(plan, checked.version, engine);
  const v2 = hashed.pieceRoots ? v2Roots(plan.layout, hashed.pieceRoots) : undefined;
  const info = buildInfo(plan.layout, checked.version, { pieces: hashed.pieces, roots: v2?.roots }, plan);
  const created = wrap(plan, checked, options, info, hashed.pieces, v2);
  if (created.torrent.length > LIBTORRENT_LOAD_LIMIT) {
    warnings.push(
      `the .torrent is ${created.torrent.length} bytes, over libtorrent's default 10 MB load limit: use a larger piece length`,
    );
  }
  return { ...created, warnings };
}

interface Plan {
  name: string;
  singleFile: boolean;
  private?: boolean;
  source?: string;
  layout: FileLayout;
  /** Per layout index: the walked file, or null for a pad file. */
  disk: (WalkedFile | null)[];
}

/** Name, piece length and the file layout (pad files for a hybrid). */
export function planLayout(
  files: WalkedFile[],
  singleFile: boolean,
  options: CreateTorrentOptions,
  version: TorrentVersion,
  input: string,
  top: string,
): Plan {
  const name = options.name ?? path.basename(top);
  checkPathSegment(name, "name");
  const totalLength = files.reduce((sum, f) => sum + f.length, 0);
  if (totalLength === 0)
    throw new TorrentError("ERR_TORRENT_EMPTY", `${input}: every file is empty, there is nothing to hash`);
  const pieceLength = resolvePieceLength(options.pieceLength, totalLength);
  const entries = files.map((f) => ({
    pathSegments: singleFile ? [name] : f.pathSegments,
    length: f.length,
    padding: false,
  }));
  const layout =
    version === "hybrid"
      ? FileLayout.withPadFiles(entries, pieceLength, { tailPad: options.tailPad !== false, singleFile })
      : new FileLayout(entries, pieceLength);
  // Pad files are only inserted, never reordered: the real files come back in walk order.
  let next = 0;
  const disk = layout.files.map((f) => (f.padding ? null : files[next++]!));
  return { name, singleFile, private: options.private, source: options.source, layout, disk };
}

/** Each source carries its mtime and inode: a file that changes or is swapped while read fails the hashing. */
function sourcesOf(plan: Plan): HashSource[] {
  return plan.layout.sources((_, i) => {
    const f = plan.disk[i]!;
    return { path: f.absolutePath, mtimeMs: f.mtimeMs, root: f.root, dev: f.dev, ino: f.ino };
  });
}

interface Hashed {
  /** v1 and hybrid: SHA-1 of every v1 piece. */
  pieces?: Uint8Array;
  /** v2 and hybrid: per layout index, the merkle root of each of the file's pieces. */
  pieceRoots?: Map<number, Uint8Array>;
}

async function hashLayout(plan: Plan, version: TorrentVersion, engine: EngineOptions): Promise<Hashed> {
  const { layout } = plan;
  const sources = sourcesOf(plan);
  if (version === "v1") return { pieces: await hashV1Pieces(sources, layout.pieceLength, engine) };
  const want = { roots: true, sha1: version === "hybrid", shortLastFile: layout.shortLastFile };
  const perFile = await hashPerFile(sources, layout.pieceLength, want, engine);
  const pieceRoots = new Map<number, Uint8Array>();
  perFile.roots.forEach((roots, i) => {
    if (roots) pieceRoots.set(i, roots);
  });
  const hashed: Hashed = { pieceRoots };
  if (version === "hybrid") hashed.pieces = Buffer.concat(perFile.sha1.filter((h): h is Uint8Array => !!h));
  return hashed;
}

interface V2Hashes {
  roots: Map<number, Uint8Array>;
  /** Piece layers by root (latin1 key, as bencoded). */
  layers: Map<string, Uint8Array>;
}

/** Per-piece roots → file roots and piece layers (files larger than a piece). */
function v2Roots(layout: FileLayout, pieceRootsByFile: Map<number, Uint8Array>): V2Hashes {
  const roots = new Map<number, Uint8Array>();
  const layers = new Map<string, Uint8Array>();
  for (const [i, pieceRoots] of pieceRootsByFile) {
    const { root, layer } = fileRootAndLayer(pieceRoots, layout.files[i]!.length, layout.pieceLength);
    roots.set(i, root);
    if (layer) layers.set(Buffer.from(root).toString("latin1"), layer);
  }
  return { roots, layers };
}

/** info dict → exact bytes → Metainfo with the top-level fields; the TorrentMeta built from what we made. */
function wrap(
  plan: Plan,
  checked: Checked,
  options: CreateTorrentOptions,
  info: Record<string, BInput | undefined>,
  pieces: Uint8Array | undefined,
  v2: V2Hashes | undefined,
): Omit<CreatedTorrent, "warnings"> {
  const { layout } = plan;
  const infoBuffer = encode(info);
  const single = plan.singleFile;
  const urlList = webSeedUrls(options.webSeeds, single);
  const meta: TorrentMeta = {
    version: checked.version,
    name: plan.name,
    pieceLength: layout.pieceLength,
    pieceCount: checked.version === "v2" ? layout.v2PieceCount : layout.pieceCount,
    length: layout.length,
    singleFile: single,
    files: metaFiles(layout, v2?.roots),
    announce: checked.tiers,
    urlList,
    private: options.private === true,
    infoBuffer,
  };
  if (checked.version !== "v2") {
    meta.infoHash = createHash("sha1").update(infoBuffer).digest("hex");
    meta.pieces = pieces!;
  }
  if (v2) {
    meta.infoHashV2 = createHash("sha256").update(infoBuffer).digest("hex");
    meta.pieceLayers = new Map(
      [...v2.layers].map(([r, layer]) => [Buffer.from(r, "latin1").toString("hex"), layer]),
    );
  }
  if (options.source) meta.source = options.source;
  const fields = new Map<string, BInput>();
  if (v2 && v2.layers.size > 0)
    fields.set("piece layers", new Map([...v2.layers].map(([r, l]) => [Buffer.from(r, "latin1"), l])));
  const date = creationDate(options.creationDate);
  const createdBy = options.createdBy === false ? null : (options.createdBy ?? `seedpress/${VERSION}`);
  const metainfo = Metainfo.fromParts(meta, fields).with({
    announce: checked.tiers.length > 0 ? checked.tiers : null,
    webSeeds: urlList.length > 0 ? urlList : null,
    comment: options.comment ?? null,
    createdBy,
    creationDate: date ?? null,
  });
  return { ...metainfo.meta, torrent: metainfo.toBytes(), metainfo };
}

/** The TorrentFile list in v1 order (pad files included), with offsets and v2 roots. */
function metaFiles(layout: FileLayout, roots: Map<number, Uint8Array> | undefined): TorrentFile[] {
  return layout.files.map((f, i) => {
    const file = torrentFileOf(f);
    const root = roots?.get(i);
    if (root) file.piecesRoot = Buffer.from(root).toString("hex");
    return file;
  });
}
