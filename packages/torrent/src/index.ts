// @seedpress/torrent: make, read and verify BitTorrent v1, v2 and hybrid torrents.
export { type BDict, type BInput, type BValue, decode as bdecode, encode as bencode } from "./bencode.js";
export { createTorrent } from "./create.js";
export { TorrentError, type TorrentErrorCode } from "./errors.js";
export { compareBytes, comparePathSegments, sortByPath } from "./file-order.js";
export { type MagnetInfo, parseMagnet, toMagnet } from "./magnet.js";
export { BLOCK_SIZE as MERKLE_BLOCK_SIZE, merkleRoot, nextPowerOfTwo } from "./merkle.js";
export { parseTorrent } from "./parse.js";
export { autoPieceLength, checkPieceLength, MAX_PIECE_LENGTH, MIN_PIECE_LENGTH } from "./piece-length.js";
export { checkPathSegment } from "./safe-path.js";
export * from "./types.js";
export {
  type FileStatus,
  type VerifyFailure,
  type VerifyOptions,
  type VerifyReport,
  verifyTorrent,
} from "./verify.js";
export { VERSION } from "./version.js";
export { type WalkOptions, type WalkResult, walk } from "./walk.js";
export { writeFileAtomic, writeTorrentFile } from "./write-file.js";
