// The one error class of @seedpress/mirrors: a stable `code` for programs, a message naming the culprit for people.

export type MirrorsErrorCode =
  /** The torrent lists no web seed and no mirror was given. */
  | "ERR_MIRRORS_NO_WEB_SEEDS"
  /** A mirror URL is not an absolute http(s) URL. */
  | "ERR_MIRRORS_URL"
  /** An option is out of range (concurrency, timeout, pieces…). */
  | "ERR_MIRRORS_OPTION"
  /** A local copy given for hashing does not match the torrent (missing, wrong size, outside the folder). */
  | "ERR_MIRRORS_LOCAL_FILE"
  /** The run was aborted through the signal. */
  | "ERR_MIRRORS_ABORTED";

export class MirrorsError extends Error {
  readonly code: MirrorsErrorCode;

  constructor(code: MirrorsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MirrorsError";
    this.code = code;
  }
}
