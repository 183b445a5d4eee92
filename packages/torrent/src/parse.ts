// parseTorrent: any v1, v2 or hybrid .torrent into a TorrentMeta, with the info hashes taken over
// the exact `info` bytes in the file. Every field is type-checked; paths are checked for safety;
// a hybrid's v1 and v2 halves must describe the same files.
import { createHash } from "node:crypto";
import { type BDict, type BValue, decode, keyText } from "./bencode.js";
import { TorrentError } from "./errors.js";
import { layerMatchesRoot } from "./info-dict.js";
import { checkPathSegment } from "./safe-path.js";
import type { TorrentFile, TorrentMeta, TorrentVersion } from "./types.js";

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

function getString(dict: BDict, key: string, where: string): string | undefined {
  const v = dict.get(key);
  if (v === undefined) return undefined;
  if (!isBytes(v)) invalid(`${where} "${key}" is not a string`);
  return text(v);
}

function parsePathList(value: BValue | undefined, where: string): string[] {
  if (!Array.isArray(value) || value.length === 0) invalid(`${where} has no path list`);
  return value.map((segment) => {
    if (!isBytes(segment)) invalid(`${where} path has a non-string component`);
    return checkPathSegment(text(segment), where);
  });
}

interface V1Files {
  files: TorrentFile[];
  single: boolean;
}

function parseV1Files(info: BDict, name: string): V1Files {
  const length = info.get("length");
  const files = info.get("files");
  if (length !== undefined && files !== undefined) invalid(`info has both "length" and "files"`);
  if (length !== undefined) {
    if (typeof length !== "number" || length < 0) invalid(`info "length" is not a non-negative integer`);
    return { single: true, files: [{ path: name, pathSegments: [name], length, offset: 0, padding: false }] };
  }
  if (!Array.isArray(files) || files.length === 0)
    invalid(`info has neither "length" nor a non-empty "files" list`);
  let offset = 0;
  const out = files.map((entry, i) => {
    const where = `info.files[${i}]`;
    if (!isDict(entry)) invalid(`${where} is not a dictionary`);
    const fileLength = getInt(entry, "length", where, true);
    if (fileLength < 0) invalid(`${where} has a negative length`);
    const pathSegments = parsePathList(entry.get("path.utf-8") ?? entry.get("path"), where);
    const attr = getString(entry, "attr", where) ?? "";
    const file: TorrentFile = {
      path: pathSegments.join("/"),
      pathSegments,
      length: fileLength,
      offset,
      padding: attr.includes("p") || (pathSegments[0] === ".pad" && pathSegments.length === 2),
    };
    offset += fileLength;
    if (!Number.isSafeInteger(offset)) invalid("the total length is too large");
    return file;
  });
  return { single: false, files: out };
}

interface V2File {
  pathSegments: string[];
  length: number;
  piecesRoot?: Uint8Array;
}

function parseFileTree(tree: BValue | undefined): V2File[] {
  if (!isDict(tree) || tree.size === 0) invalid(`info "file tree" is not a non-empty dictionary`);
  const out: V2File[] = [];
  const walkNode = (node: BDict, segments: string[]) => {
    // Keys in bencoded order are raw-byte order (BEP 52's file order); sort in case a writer did not.
    const keys = [...node.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const key of keys) {
      const child = node.get(key);
      const where = `file tree ${[...segments, keyText(key)].join("/") || "(top)"}`;
      if (!isDict(child)) invalid(`${where} is not a dictionary`);
      if (key === "") {
        if (segments.length === 0) invalid(`file tree has a file with no name`);
        const length = getInt(child, "length", where, true);
        if (length < 0) invalid(`${where} has a negative length`);
        const root = child.get("pieces root");
        if (length > 0 && (!isBytes(root) || root.length !== 32))
          invalid(`${where} has no 32-byte "pieces root"`);
        out.push({ pathSegments: segments, length, ...(length > 0 && { piecesRoot: root as Uint8Array }) });
        if (node.size > 1) invalid(`${where} is both a file and a folder`);
      } else {
        walkNode(child, [...segments, checkPathSegment(keyText(key), "file tree")]);
      }
    }
  };
  walkNode(tree, []);
  return out;
}

function parseTrackers(root: BDict): string[][] {
  const list = root.get("announce-list");
  if (Array.isArray(list) && list.length > 0) {
    const tiers = list
      .map((tier) =>
        Array.isArray(tier) ? tier.filter(isBytes).map(text) : isBytes(tier) ? [text(tier)] : [],
      )
      .filter((tier) => tier.length > 0);
    if (tiers.length > 0) return tiers;
  }
  const announce = root.get("announce");
  return isBytes(announce) && announce.length > 0 ? [[text(announce)]] : [];
}

function parseUrlList(root: BDict): string[] {
  const v = root.get("url-list");
  if (isBytes(v)) return v.length > 0 ? [text(v)] : [];
  if (Array.isArray(v))
    return v
      .filter(isBytes)
      .map(text)
      .filter((u) => u.length > 0);
  return [];
}

/** Reads a .torrent. Throws TorrentError (ERR_TORRENT_BENCODE or ERR_TORRENT_INVALID) on anything malformed. */
export function parseTorrent(bytes: Uint8Array): TorrentMeta {
  const { value: root, spans } = decode(bytes);
  if (!isDict(root)) invalid("the file is not a bencoded dictionary");
  const info = root.get("info");
  const span = spans.get("info");
  if (!isDict(info) || !span) invalid(`there is no "info" dictionary`);
  const infoBuffer = bytes.subarray(span[0], span[1]);

  const nameBytes = info.get("name.utf-8") ?? info.get("name");
  if (!isBytes(nameBytes)) invalid(`info has no "name"`);
  const name = checkPathSegment(text(nameBytes), "info name");
  const pieceLength = getInt(info, "piece length", "info", true);
  const metaVersion = getInt(info, "meta version", "info");
  if (metaVersion !== undefined && metaVersion !== 2)
    invalid(`info "meta version" ${metaVersion} is not supported`);
  const hasV1 = info.has("pieces");
  const hasV2 = metaVersion === 2;
  if (!hasV1 && !hasV2) invalid(`info has neither "pieces" (v1) nor "meta version" 2`);
  const version: TorrentVersion = hasV1 && hasV2 ? "hybrid" : hasV2 ? "v2" : "v1";
  if (pieceLength <= 0 || pieceLength > 2 ** 30) invalid(`piece length ${pieceLength} is out of range`);
  if (hasV2 && (pieceLength < 16384 || (pieceLength & (pieceLength - 1)) !== 0)) {
    invalid(`piece length ${pieceLength} is not a power of two of at least 16 KiB, as v2 requires`);
  }

  let files: TorrentFile[] = [];
  let single = false;
  let pieces: Uint8Array | undefined;
  let pieceCount = 0;
  if (hasV1) {
    const v1 = parseV1Files(info, name);
    files = v1.files;
    single = v1.single;
    const p = info.get("pieces");
    if (!isBytes(p) || p.length % 20 !== 0) invalid(`info "pieces" is not a multiple of 20 bytes`);
    pieces = p;
    const total = files.reduce((sum, f) => sum + f.length, 0);
    pieceCount = Math.ceil(total / pieceLength);
    if (p.length / 20 !== pieceCount) {
      invalid(
        `info "pieces" holds ${p.length / 20} hashes but ${total} bytes in pieces of ${pieceLength} need ${pieceCount}`,
      );
    }
  }

  let pieceLayers: Map<string, Uint8Array> | undefined;
  if (hasV2) {
    const tree = parseFileTree(info.get("file tree"));
    const treeSingle =
      tree.length === 1 && tree[0]!.pathSegments.length === 1 && tree[0]!.pathSegments[0] === name;
    const layersValue = root.get("piece layers");
    if (layersValue !== undefined && !isDict(layersValue)) invalid(`"piece layers" is not a dictionary`);
    pieceLayers = new Map();
    let v2Pieces = 0;
    for (const file of tree) {
      if (!file.piecesRoot) continue;
      const count = Math.ceil(file.length / pieceLength);
      v2Pieces += count;
      if (file.length <= pieceLength) continue;
      const key = Buffer.from(file.piecesRoot).toString("latin1");
      const layer = layersValue?.get(key);
      const where = file.pathSegments.join("/");
      if (!isBytes(layer)) invalid(`"piece layers" has no layer for ${where}`);
      if (layer.length !== count * 32)
        invalid(`the piece layer of ${where} has ${layer.length / 32} hashes, ${count} expected`);
      if (!layerMatchesRoot(layer, file.piecesRoot, pieceLength))
        invalid(`the piece layer of ${where} does not hash to its pieces root`);
      pieceLayers.set(hex(file.piecesRoot), layer);
    }
    const v2Files: TorrentFile[] = [];
    let offset = 0;
    for (const f of tree) {
      const segments = treeSingle ? [name] : f.pathSegments;
      v2Files.push({
        path: segments.join("/"),
        pathSegments: segments,
        length: f.length,
        offset,
        padding: false,
        ...(f.piecesRoot && { piecesRoot: hex(f.piecesRoot) }),
      });
      offset += f.length;
    }
    if (hasV1) {
      checkHybridAgreement(files, v2Files, single, treeSingle, pieceLength);
      // Keep the v1 list (with pad files and offsets) and add each real file's pieces root.
      let j = 0;
      files = files.map((f) => {
        if (f.padding) return f;
        const root = v2Files[j++]!.piecesRoot;
        return root ? { ...f, piecesRoot: root } : f;
      });
    } else {
      files = v2Files;
      single = treeSingle;
      pieceCount = v2Pieces;
    }
  }

  const meta: TorrentMeta = {
    version,
    name,
    pieceLength,
    pieceCount,
    length: files.reduce((sum, f) => sum + (f.padding ? 0 : f.length), 0),
    singleFile: single,
    files,
    announce: parseTrackers(root),
    urlList: parseUrlList(root),
    private: info.get("private") === 1,
    infoBuffer,
  };
  if (hasV1) meta.infoHash = createHash("sha1").update(infoBuffer).digest("hex");
  if (hasV2) meta.infoHashV2 = createHash("sha256").update(infoBuffer).digest("hex");
  if (pieces) meta.pieces = pieces;
  if (pieceLayers) meta.pieceLayers = pieceLayers;
  const comment = getString(root, "comment", "torrent");
  const createdBy = getString(root, "created by", "torrent");
  const date = root.get("creation date");
  const source = getString(info, "source", "info");
  if (comment !== undefined) meta.comment = comment;
  if (createdBy !== undefined) meta.createdBy = createdBy;
  if (typeof date === "number") meta.creationDate = date;
  if (source !== undefined) meta.source = source;
  return meta;
}

/** A hybrid's v1 file list (minus pad files) must equal its v2 file tree, each file piece-aligned. */
function checkHybridAgreement(
  v1: TorrentFile[],
  v2: TorrentFile[],
  v1Single: boolean,
  v2Single: boolean,
  pieceLength: number,
): void {
  const disagree = (why: string): never => invalid(`hybrid torrent's v1 and v2 halves disagree: ${why}`);
  if (v1Single !== v2Single)
    disagree(`v1 is ${v1Single ? "single" : "multi"}-file, v2 is ${v2Single ? "single" : "multi"}-file`);
  const realV1 = v1.filter((f) => !f.padding);
  if (realV1.length !== v2.length) disagree(`v1 lists ${realV1.length} files, v2 ${v2.length}`);
  realV1.forEach((f, i) => {
    const g = v2[i]!;
    if (f.path !== g.path) disagree(`file ${i} is "${f.path}" in v1 but "${g.path}" in v2`);
    if (f.length !== g.length) disagree(`"${f.path}" is ${f.length} bytes in v1 but ${g.length} in v2`);
    if (f.length > 0 && f.offset % pieceLength !== 0)
      disagree(`"${f.path}" does not start on a piece boundary (missing pad file)`);
  });
}
