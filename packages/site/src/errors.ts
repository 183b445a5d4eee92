// The one error class of @seedpress/site; `code` is stable and safe to branch on.

export type SiteErrorCode =
  | "ERR_SITE_BASE_URL"
  | "ERR_SITE_DIR"
  | "ERR_SITE_OPTION"
  | "ERR_SITE_MISSING_FILE"
  | "ERR_SITE_NOT_A_FILE"
  | "ERR_SITE_BAD_HREF"
  | "ERR_SITE_UNREADABLE"
  | "ERR_SITE_OUTSIDE"
  | "ERR_SITE_PAGE_TOO_BIG"
  | "ERR_SITE_TOO_MANY_LINKS"
  | "ERR_SITE_WRITE"
  | "ERR_SITE_STRICT"
  | "ERR_SITE_ABORTED";

export class SiteError extends Error {
  readonly code: SiteErrorCode;
  /** The page (relative to the site folder) and link the error is about, when there is one. */
  readonly page?: string;
  readonly href?: string;

  constructor(
    code: SiteErrorCode,
    message: string,
    where: { page?: string; href?: string; cause?: unknown } = {},
  ) {
    super(message, where.cause === undefined ? undefined : { cause: where.cause });
    this.name = "SiteError";
    this.code = code;
    if (where.page !== undefined) this.page = where.page;
    if (where.href !== undefined) this.href = where.href;
  }
}
