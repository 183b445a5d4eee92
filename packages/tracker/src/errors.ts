// The one error class of @seedpress/tracker: a stable `code` for programs, a message for people.
export type TrackerErrorCode =
  | "ERR_TRACKER_OPTION"
  | "ERR_TRACKER_ALLOWLIST"
  | "ERR_TRACKER_TORRENT"
  | "ERR_TRACKER_LISTEN"
  | "ERR_TRACKER_DB"
  | "ERR_TRACKER_STORE"
  | "ERR_TRACKER_REQUEST";

export class TrackerError extends Error {
  readonly code: TrackerErrorCode;
  constructor(code: TrackerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TrackerError";
    this.code = code;
  }
}

/**
 * A request the tracker refuses. Never thrown to the caller: every protocol turns it into its own
 * failure answer (bencoded `failure reason`, UDP error packet, JSON `failure reason`).
 */
export class RequestError extends TrackerError {
  readonly reason: string;
  constructor(reason: string, code: "ERR_TRACKER_REQUEST" | "ERR_TRACKER_STORE" = "ERR_TRACKER_REQUEST") {
    super(code, reason);
    this.reason = reason;
  }
}

/** The shared store cannot be reached: every protocol answers with this reason, the process stays up. */
export function storageUnavailable(cause?: unknown): RequestError {
  const error = new RequestError("tracker storage unavailable", "ERR_TRACKER_STORE");
  if (cause !== undefined) Object.defineProperty(error, "cause", { value: cause });
  return error;
}
