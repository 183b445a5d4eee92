// parseTorrent: any v1, v2 or hybrid .torrent into a TorrentMeta, read as libtorrent 2.0.8 reads it:
// info hashes over the exact `info` bytes, paths sanitised (and flagged) rather than refused, BEP 47
// pad files and symlinks, bytes after the root dictionary ignored, piece layer problems reported
// rather than fatal. Beyond libtorrent: a key repeated inside `info` is refused (the info hash must
// mean one thing), and the limits of limits.ts bound what a hostile file can cost.
import { createHash } from "node:crypto";
import { type BDict, type BValue, type Decoded, decode } from "./bencode.js";
import { TorrentError } from "./errors.js";
import { FileLayout, torrentFileOf } from "./file-layout.js";
import { layerMatchesRoot } from "./info-dict.js";
import { overLimit, resolveLimits, type TorrentLimits } from "./limits.js";
import {
  extendTreePath,
  type SanitizedPath,
  sanitizeComponent,
  sanitizePath,
  type TreePath,
  treePathResult,
} from "./sanitize-path.js";
import type { PieceLayerIssue, TorrentFile, TorrentMeta, TorrentVersion } from "./types.js";

export type ParseOptions = TorrentLimits;

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

function invalid(message: string): never {
  throw new TorrentError("ERR_TORRENT_INVALID", message);
}

const isDict = (v: BValue | undefined): v is BDict => v instanceof Map;
const isBytes = (v: BValue | undefined): v is Uint8Array => v instanceof Uint8Array;

function getInt(dict: BDict, key: string, where: string, required: true): number;
function getInt(dict: BDict, key: string, where: string, required?: false): number | undefined;
function getInt(dict: BDict, key: string, where: string, required = false): number | undefined {
  const v = dict.get(key);
  if (v === undefined) return required ? invalid(`${where} has no "${key}"`) : undefined;
  if (typeof v !== "number") invalid(`${where} "${key}" is not an integer`);
  return v;
}

/** A file entry as read, before offsets: one per v1 `files` entry or v2 leaf. */
interface ReadFile {
  path: SanitizedPath;
  length: number;
  padding: boolean;
  symlink?: string;
  piecesRoot?: Uint8Array;
}

function attrOf(dict: BDict): string {
  const attr = dict.get("attr");
  return isBytes(attr) ? Buffer.from(attr).toString("latin1") : "";
}

function symlinkOf(dict: BDict, attr: string): string | undefined {
  const target = dict.get("symlink path");
  if (!attr.includes("l") || !Array.isArray(target)) return undefined;
  return sanitizePath(target.filter(isBytes)).segments.join("/");
}

/** BEP 47: a symlink takes no bytes, whatever its `length` says. */
function fileLength(dict: BDict, attr: string, where: string): number {
  if (attr.includes("l")) return 0;
  const length = dict.get("length");
  if (typeof length !== "number" || length < 0) invalid(`${where} has no non-negative "length"`);
  return length;
}

function pathList(entry: BDict, where: string): Uint8Array[] | undefined {
  const list = entry.get("path.utf-8") ?? entry.get("path");
  if (!Array.isArray(list) || list.length === 0) return undefined;
  return list.map((c) => (isBytes(c) ? c : invalid(`${where} path has a non-string component`)));
}

function readV1Entry(entry: BValue, i: number): ReadFile {
  const where = `info.files[${i}]`;
  if (!isDict(entry)) invalid(`${where} is not a dictionary`);
  const attr = attrOf(entry);
  const length = fileLength(entry, attr, where);
  const components = pathList(entry, where);
  let path: SanitizedPath;
  if (components) path = sanitizePath(components);
  else if (attr.includes("p")) path = { segments: [".pad", String(length)], changed: false, original: "" };
  else return invalid(`${where} has no path list`);
  const padding = attr.includes("p") || path.segments.some((s) => s.includes("_____padding_file_"));
  const symlink = symlinkOf(entry, attr);
  return { path, length, padding, ...(symlink !== undefined && { symlink }) };
}

function readV1Files(
  info: BDict,
  name: SanitizedPath,
  limit: number,
): { files: ReadFile[]; single: boolean } {
  const files = info.get("files");
  if (files === undefined) {
    const attr = attrOf(info);
    const symlink = symlinkOf(info, attr);
    const file = { path: name, length: fileLength(info, attr, "info"), padding: false };
    return { single: true, files: [{ ...file, ...(symlink !== undefined && { symlink }) }] };
  }
  if (info.has("length")) invalid(`info has both "length" and "files"`);
  if (!Array.isArray(files)) invalid(`info "files" is not a list`);
  if (files.length > limit) overLimit(`info "files" lists ${files.length} files, which`, limit, "maxFiles");
  return { single: false, files: files.map(readV1Entry) };
}

function readV2Leaf(leaf: BValue | undefined, path: SanitizedPath, whereOf: () => string): ReadFile {
  // The file's name is only spelled out when something is wrong: 200,000 leaves must not mean 200,000 strings.
  const fail = (why: string): never => invalid(`${whereOf()} ${why}`);
  if (!isDict(leaf)) return fail("is not a dictionary");
  const attr = attrOf(leaf);
  if (attr.includes("p")) fail("is a pad file, which a v2 file tree may not hold");
  const length = attr.includes("l") ? 0 : leaf.get("length");
  if (typeof length !== "number" || length < 0) return fail(`has no non-negative "length"`);
  const symlink = symlinkOf(leaf, attr);
  if (symlink !== undefined) return { path, length, padding: false, symlink };
  const root = leaf.get("pieces root");
  if (root === undefined && length === 0) return { path, length, padding: false };
  if (!isBytes(root) || root.length !== 32) return fail(`has no 32-byte "pieces root"`);
  if (length > 0 && root.every((b) => b === 0)) fail(`has an all-zero "pieces root"`);
  return { path, length, padding: false, ...(length > 0 && { piecesRoot: root }) };
}

/** BEP 52 `file tree` in stored order (byte order: unsorted keys are refused before this). */
function readFileTree(
  tree: BValue | undefined,
  hasFiles: boolean,
  limit: number,
): { files: ReadFile[]; single: boolean } {
  if (!isDict(tree) || tree.size === 0) invalid(`info "file tree" is not a non-empty dictionary`);
  const out: ReadFile[] = [];
  let single = false;
  const visit = (node: BDict, parent: TreePath, top: boolean) => {
    for (const [key, child] of node) {
      const path = extendTreePath(parent, key);
      const where = () =>
        `file tree ${path.keys.map((k) => Buffer.from(k, "latin1").toString("utf8")).join("/")}`;
      if (!isDict(child) || key === "") invalid(`${where()} is not a named dictionary`);
      const leaf = child.size === 1 && child.has("");
      if (leaf) {
        if (out.length >= limit) overLimit("the file tree's file count", limit, "maxFiles");
        single = top && !hasFiles && node.size === 1;
        out.push(readV2Leaf(child.get(""), treePathResult(path), where));
      } else visit(child, path, false);
    }
  };
  visit(tree, { segments: [], changed: false, keys: [] }, true);
  return { files: out, single };
}

function parseTrackers(root: BDict): string[][] {
  const list = root.get("announce-list");
  if (Array.isArray(list) && list.length > 0) {
    const tiers = list
      .map((tier) =>
        Array.isArray(tier) ? tier.filter(isBytes).map(text) : isBytes(tier) ? [text(tier)] : [],
      )
      .map((tier) => tier.map((url) => url.trimStart()).filter((url) => url.length > 0))
      .filter((tier) => tier.length > 0);
    if (tiers.length > 0) return tiers;
  }
  const announce = root.get("announce");
  const url = isBytes(announce) ? text(announce).trimStart() : "";
  return url.length > 0 ? [[url]] : [];
}

function parseUrlList(root: BDict): string[] {
  const v = root.get("url-list");
  if (isBytes(v)) return v.length > 0 ? [text(v)] : [];
  if (Array.isArray(v)) return [...new Set(v.filter(isBytes).map(text))].filter((u) => u.length > 0);
  return [];
}

function checkInfoKeys(decoded: Decoded, v2: boolean): void {
  const issue = decoded.infoKeyIssue;
  if (!issue) return;
  const key = JSON.stringify(Buffer.from(issue.key, "latin1").toString("utf8"));
  if (issue.kind === "duplicate") {
    throw new TorrentError(
      "ERR_TORRENT_DUPLICATE_KEY",
      `key ${key} appears twice in one dictionary of "info" (byte ${issue.at}): readers would disagree on what the info hash names`,
    );
  }
  if (v2) {
    throw new TorrentError(
      "ERR_TORRENT_UNSORTED_KEYS",
      `key ${key} is out of order in "info" (byte ${issue.at}): a v2 torrent's keys must be sorted`,
    );
  }
}

/** Reads a .torrent. Throws TorrentError (ERR_TORRENT_BENCODE, _INVALID, _LIMIT, _DUPLICATE_KEY, ...) on what libtorrent refuses. */
export function parseTorrent(bytes: Uint8Array, options: ParseOptions = {}): TorrentMeta {
  return parseWithSpans(bytes, options).meta;
}

/** parseTorrent, also giving the byte spans of the top-level values (for Metainfo). */
export function parseWithSpans(
  bytes: Uint8Array,
  options: ParseOptions = {},
): { meta: TorrentMeta; spans: Decoded["spans"] } {
  const limits = resolveLimits(options);
  if (bytes.length > limits.maxBytes)
    overLimit(`a .torrent of ${bytes.length} bytes`, limits.maxBytes, "maxBytes");
  const decoded = decode(bytes, {
    maxDepth: limits.maxDepth,
    maxTokens: limits.maxTokens,
    allowTrailing: true,
  });
  const root = decoded.value;
  if (!isDict(root)) invalid("the file is not a bencoded dictionary");
  const info = root.get("info");
  const span = decoded.spans.get("info");
  if (!isDict(info) || !span) invalid(`there is no "info" dictionary`);
  const infoBuffer = bytes.subarray(span[0], span[1]);
  const metaVersion = getInt(info, "meta version", "info");
  if (metaVersion !== undefined && metaVersion > 2)
    invalid(`info "meta version" ${metaVersion} is not supported`);
  const hasV2 = metaVersion === 2;
  checkInfoKeys(decoded, hasV2);
  const hasV1 = !hasV2 || info.has("pieces") || info.has("files") || info.has("length");
  const version: TorrentVersion = hasV1 && hasV2 ? "hybrid" : hasV2 ? "v2" : "v1";
  const infoHash = hasV1 ? createHash("sha1").update(infoBuffer).digest("hex") : undefined;
  const infoHashV2 = hasV2 ? createHash("sha256").update(infoBuffer).digest("hex") : undefined;

  const pieceLength = readPieceLength(info, hasV2);
  const namePath = readName(info);
  const safeName = namePath.segments[0]!;
  const nameChanged = namePath.changed;

  const read = readFiles(info, hasV1, hasV2, namePath, pieceLength, limits.maxFiles);
  const layout = new FileLayout(
    read.files.map((f) => ({ pathSegments: f.path.segments, length: f.length, padding: f.padding })),
    pieceLength,
  );
  if (layout.totalLength === 0) invalid("the torrent's total length is zero");
  const pieceCount = hasV1 ? layout.pieceCount : layout.v2PieceCount;
  if (layout.pieceCount > limits.maxPieces)
    overLimit(`${layout.pieceCount} pieces`, limits.maxPieces, "maxPieces");
  const pieces = hasV1 ? readPieces(info, layout) : undefined;
  const files: TorrentFile[] = layout.files.map((f, i) => toTorrentFile(f, read.files[i]!));
  // A single-file torrent is named by its file (a v2 tree's one key), as libtorrent names it.
  const name = read.single ? files[0]!.path : safeName;
  const meta: TorrentMeta = {
    version,
    name,
    pieceLength,
    pieceCount,
    length: layout.length,
    singleFile: read.single,
    files,
    announce: parseTrackers(root),
    urlList: parseUrlList(root),
    private: info.get("private") === 1,
    infoBuffer,
  };
  if (infoHash) meta.infoHash = infoHash;
  if (infoHashV2) meta.infoHashV2 = infoHashV2;
  if (read.single ? files[0]!.pathSanitized : nameChanged) meta.nameSanitized = true;
  if (pieces) meta.pieces = pieces;
  if (hasV2) Object.assign(meta, readPieceLayers(root, read.files, layout, pieceLength));
  addOuterFields(meta, root, info);
  return { meta, spans: decoded.spans };
}

function readPieceLength(info: BDict, hasV2: boolean): number {
  const pieceLength = getInt(info, "piece length", "info", true);
  if (pieceLength <= 0 || pieceLength > 2 ** 30 - 1) invalid(`piece length ${pieceLength} is out of range`);
  if (hasV2 && (pieceLength < 16384 || (pieceLength & (pieceLength - 1)) !== 0)) {
    invalid(`piece length ${pieceLength} is not a power of two of at least 16 KiB, as v2 requires`);
  }
  return pieceLength;
}

/** The name as libtorrent saves it; one that is empty once made safe is refused, as libtorrent does. */
function readName(info: BDict): SanitizedPath {
  const nameBytes = info.get("name.utf-8") ?? info.get("name");
  if (!isBytes(nameBytes)) invalid(`info has no "name"`);
  const safeName = sanitizeComponent(nameBytes);
  if (!safeName) invalid(`info "name" ${JSON.stringify(text(nameBytes))} is empty once made safe`);
  const changed = Buffer.compare(Buffer.from(safeName), nameBytes) !== 0;
  return { segments: [safeName], changed, original: text(nameBytes) };
}

/** v1 `pieces`: one SHA-1 per piece of the concatenation, pad files included. */
function readPieces(info: BDict, layout: FileLayout): Uint8Array {
  const p = info.get("pieces");
  if (!isBytes(p) || p.length !== layout.pieceCount * 20) {
    invalid(
      `info "pieces" holds ${isBytes(p) ? p.length / 20 : 0} hashes but ${layout.totalLength} bytes in pieces of ${layout.pieceLength} need ${layout.pieceCount}`,
    );
  }
  return p;
}

function toTorrentFile(f: FileLayout["files"][number], r: ReadFile): TorrentFile {
  const file = torrentFileOf(f);
  if (r.piecesRoot) file.piecesRoot = hex(r.piecesRoot);
  if (r.symlink !== undefined) file.symlink = r.symlink;
  if (r.path.changed) {
    file.pathSanitized = true;
    file.originalPath = r.path.original;
  }
  return file;
}

/** The file list: v1 (with pad files) when present, checked against the v2 tree for a hybrid. */
function readFiles(
  info: BDict,
  hasV1: boolean,
  hasV2: boolean,
  name: SanitizedPath,
  pieceLength: number,
  maxFiles: number,
): { files: ReadFile[]; single: boolean } {
  const v1 = hasV1 ? readV1Files(info, name, maxFiles) : undefined;
  if (!hasV2) return v1!;
  const tree = readFileTree(info.get("file tree"), info.has("files"), maxFiles);
  if (!v1) return tree;
  checkHybridAgreement(v1, tree, pieceLength);
  // Keep the v1 list (with pad files) and give each real file its v2 pieces root.
  let j = 0;
  return {
    single: v1.single,
    files: v1.files.map((f) => {
      if (f.padding) return f;
      const r = tree.files[j++]!.piecesRoot;
      return r ? { ...f, piecesRoot: r } : f;
    }),
  };
}

/** A hybrid's v1 file list (minus pad files) must equal its v2 file tree, each file piece-aligned. */
function checkHybridAgreement(
  v1: { files: ReadFile[]; single: boolean },
  v2: { files: ReadFile[]; single: boolean },
  pieceLength: number,
): void {
  const disagree = (why: string): never => invalid(`hybrid torrent's v1 and v2 halves disagree: ${why}`);
  const kind = (single: boolean) => (single ? "single" : "multi");
  if (v1.single !== v2.single) disagree(`v1 is ${kind(v1.single)}-file, v2 is ${kind(v2.single)}-file`);
  const real = v1.files.filter((f) => !f.padding);
  if (real.length !== v2.files.length) disagree(`v1 lists ${real.length} files, v2 ${v2.files.length}`);
  let offset = 0;
  let i = 0;
  for (const f of v1.files) {
    if (!f.padding) {
      const g = v2.files[i++]!;
      const path = f.path.segments.join("/");
      const other = g.path.segments.join("/");
      if (path !== other) disagree(`file ${i - 1} is "${path}" in v1 but "${other}" in v2`);
      if (f.length !== g.length) disagree(`"${path}" is ${f.length} bytes in v1 but ${g.length} in v2`);
      if (f.length > 0 && offset % pieceLength !== 0)
        disagree(`"${path}" does not start on a piece boundary (missing pad file)`);
    }
    offset += f.length;
  }
}

/** Piece layers of files larger than a piece; a missing or wrong one is listed, not fatal (as libtorrent). */
function readPieceLayers(
  root: BDict,
  files: ReadFile[],
  layout: FileLayout,
  pieceLength: number,
): { pieceLayers: Map<string, Uint8Array>; pieceLayerIssues?: PieceLayerIssue[] } {
  const value = root.get("piece layers");
  const layers = isDict(value) ? value : new Map<string, BValue>();
  const pieceLayers = new Map<string, Uint8Array>();
  const issues: PieceLayerIssue[] = [];
  files.forEach((f, i) => {
    if (!f.piecesRoot || f.length <= pieceLength) return;
    const rootHex = hex(f.piecesRoot);
    if (pieceLayers.has(rootHex)) return;
    const layer = layers.get(Buffer.from(f.piecesRoot).toString("latin1"));
    const path = layout.files[i]!.pathSegments.join("/");
    const count = layout.filePieceCount(i);
    let reason: PieceLayerIssue["reason"] | undefined;
    if (!isBytes(layer)) reason = "missing";
    // libtorrent 2.0.8 refuses a layer of the wrong size, and loads a missing or mismatching one.
    else if (layer.length !== count * 32)
      invalid(`the piece layer of ${path} has ${layer.length / 32} hashes, ${count} expected`);
    else if (!layerMatchesRoot(layer, f.piecesRoot, pieceLength)) reason = "mismatch";
    if (reason) issues.push({ path, piecesRoot: rootHex, reason });
    else pieceLayers.set(rootHex, layer as Uint8Array);
  });
  return { pieceLayers, ...(issues.length > 0 && { pieceLayerIssues: issues }) };
}

/** Optional text fields: a value of the wrong type is ignored, as libtorrent ignores it. */
function addOuterFields(meta: TorrentMeta, root: BDict, info: BDict): void {
  const optional = (dict: BDict, key: string) => {
    const v = dict.get(key);
    return isBytes(v) ? text(v) : undefined;
  };
  const comment = optional(root, "comment.utf-8") ?? optional(root, "comment");
  const createdBy = optional(root, "created by.utf-8") ?? optional(root, "created by");
  const date = root.get("creation date");
  const source = optional(info, "source");
  if (comment !== undefined) meta.comment = comment;
  if (createdBy !== undefined) meta.createdBy = createdBy;
  if (typeof date === "number" && date >= 0) meta.creationDate = date;
  if (source !== undefined) meta.source = source;
}
