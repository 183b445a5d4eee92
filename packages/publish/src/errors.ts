// The one error class of @seedpress/publish: a stable `code` for programs, a message naming the culprit.
// `environment` tells a caller (the CLI) whether the input was wrong or the machine failed it.

export type PublishErrorCode =
  /** An option is malformed (bad port, base URL, policy knob). */
  | "ERR_PUBLISH_OPTION"
  /** The folder to publish does not exist or is not a folder. */
  | "ERR_PUBLISH_ROOT"
  /** The HTTP or UDP port could not be opened (taken, not permitted). */
  | "ERR_PUBLISH_LISTEN"
  /** No folder to keep torrents in could be made or written. */
  | "ERR_PUBLISH_TORRENTS_DIR";

const ENVIRONMENT: ReadonlySet<PublishErrorCode> = new Set([
  "ERR_PUBLISH_LISTEN",
  "ERR_PUBLISH_TORRENTS_DIR",
]);

export class PublishError extends Error {
  readonly code: PublishErrorCode;

  constructor(code: PublishErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PublishError";
    this.code = code;
  }

  /** True when the machine failed (a port taken, a disk not writable), false when the input was wrong. */
  get environment(): boolean {
    return ENVIRONMENT.has(this.code);
  }
}
