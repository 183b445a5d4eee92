// @seedpress/torrent: make, read and verify BitTorrent v1, v2 and hybrid torrents.
export {
  type BDict,
  type BInput,
  BRaw,
  type BValue,
  type Decoded,
  type DecodeOptions,
  decode as bdecode,
  encode as bencode,
  type KeyIssue,
} from "./bencode.js";
export { checkCreateOptions, createTorrent } from "./create.js";
export { TorrentError, type TorrentErrorCode } from "./errors.js";
export { FileLayout, type LayoutFile, type PlacedFile, torrentFileOf } from "./file-layout.js";
export { compareBytes, comparePathSegments, sortByPath } from "./file-order.js";
export {
  MAX_BENCODE_DEPTH,
  MAX_BENCODE_TOKENS,
  MAX_FILES,
  MAX_PIECES,
  MAX_TORRENT_BYTES,
  resolveLimits,
  type TorrentLimits,
} from "./limits.js";
export { type MagnetInfo, type MagnetOptions, parseMagnet, toMagnet } from "./magnet.js";
export { BLOCK_SIZE as MERKLE_BLOCK_SIZE, merkleRoot, nextPowerOfTwo } from "./merkle.js";
export { Metainfo, type MetainfoChanges, trackerTiers, webSeedUrls } from "./metainfo.js";
export { type ParseOptions, parseTorrent } from "./parse.js";
export { autoPieceLength, checkPieceLength, MAX_PIECE_LENGTH, MIN_PIECE_LENGTH } from "./piece-length.js";
export { readTorrentFile } from "./read-torrent.js";
export { checkPathSegment } from "./safe-path.js";
export { type SanitizedPath, sanitizeComponent, sanitizePath } from "./sanitize-path.js";
export { creationDate, sourceDateEpoch } from "./source-date.js";
export * from "./types.js";
export {
  type FileStatus,
  type VerifyFailure,
  type VerifyOptions,
  type VerifyReport,
  verifyTorrent,
} from "./verify.js";
export { VERSION } from "./version.js";
export { type WalkedFile, type WalkOptions, type WalkResult, type WalkWarning, walk } from "./walk.js";
export { writeFileAtomic, writeTorrentFile } from "./write-file.js";
