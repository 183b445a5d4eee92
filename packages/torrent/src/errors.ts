// The one error class of @seedpress/torrent: a stable `code` for programs, a message naming the culprit for people.

export type TorrentErrorCode =
  | "ERR_TORRENT_BENCODE"
  | "ERR_TORRENT_INVALID"
  | "ERR_TORRENT_PATH_UNSAFE"
  | "ERR_TORRENT_PATH_NOT_FOUND"
  | "ERR_TORRENT_PATH_UNREADABLE"
  | "ERR_TORRENT_EMPTY"
  | "ERR_TORRENT_PIECE_LENGTH"
  | "ERR_TORRENT_FILE_CHANGED"
  | "ERR_TORRENT_WRITE"
  | "ERR_TORRENT_OPTION"
  | "ERR_TORRENT_MAGNET"
  | "ERR_TORRENT_ABORTED"
  /** Over a limit of limits.ts: torrent bytes, bencode depth or tokens, files, pieces. */
  | "ERR_TORRENT_LIMIT"
  /** A key appears twice in one dictionary inside `info`: the info hash would mean two things. */
  | "ERR_TORRENT_DUPLICATE_KEY"
  /** v2/hybrid `info` with keys out of byte order: libtorrent refuses it, so do we. */
  | "ERR_TORRENT_UNSORTED_KEYS"
  /** A .torrent path that is a folder, FIFO, device or socket: refused before reading. */
  | "ERR_TORRENT_NOT_A_FILE";

export class TorrentError extends Error {
  readonly code: TorrentErrorCode;

  constructor(code: TorrentErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TorrentError";
    this.code = code;
  }
}
