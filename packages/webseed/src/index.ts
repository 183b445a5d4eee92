// @seedpress/webseed: a BEP 19 web-seed server (standalone or as an express 5 router).

export {
  type CheckedFile,
  type CheckedTorrent,
  type CheckOptions,
  type CheckReport,
  checkTorrents,
  type ServedTorrent,
} from "./check.js";
export { WebseedError, type WebseedErrorCode } from "./errors.js";
export type { LimitOptions } from "./limits.js";
export { parseRange, type RangeResult } from "./range.js";
export { type WebseedRouter, webseedRouter } from "./router.js";
export { createWebseedServer, type WebseedServer, type WebseedServerOptions } from "./server.js";
export { type PathResult, parseRequestPath } from "./url-path.js";
export {
  createWebseed,
  type FileStats,
  type NextFunction,
  type Pin,
  type PolicyDecision,
  type PolicyRequest,
  type RequestLog,
  type Webseed,
  type WebseedOptions,
  type WebseedStats,
} from "./webseed.js";
