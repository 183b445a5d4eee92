// The one place a run's warnings are collected, in the order the stages meet them.
import { SiteError, type SiteErrorCode } from "./errors.js";

export interface SiteWarning {
  code: SiteErrorCode;
  message: string;
  page?: string;
  href?: string;
}

export class Warnings {
  readonly list: SiteWarning[] = [];

  add(code: SiteErrorCode, message: string, where: { page?: string; href?: string } = {}): void {
    const w: SiteWarning = { code, message };
    if (where.page !== undefined) w.page = where.page;
    if (where.href !== undefined) w.href = where.href;
    this.list.push(w);
  }

  /** In strict mode any warning fails the run: the error to throw, naming the first one. */
  strictError(): SiteError | undefined {
    const w = this.list[0];
    if (!w) return undefined;
    const more = this.list.length > 1 ? ` (and ${this.list.length - 1} more warnings)` : "";
    return new SiteError("ERR_SITE_STRICT", `${w.message}${more}; nothing was written`, {
      ...(w.page === undefined ? {} : { page: w.page }),
      ...(w.href === undefined ? {} : { href: w.href }),
    });
  }
}
