// The one error class of @seedpress/webseed: a stable `code` for programs, a message naming the culprit for people.

export type WebseedErrorCode =
  | "ERR_WEBSEED_OPTION"
  | "ERR_WEBSEED_ROOT"
  | "ERR_WEBSEED_TORRENT"
  | "ERR_WEBSEED_LISTEN";

export class WebseedError extends Error {
  readonly code: WebseedErrorCode;

  constructor(code: WebseedErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "WebseedError";
    this.code = code;
  }
}
