// @seedpress/mirrors: check that every web seed serves the right bytes under the URL each client
// builds, and write Metalink 4 files.
export { checkMirrors } from "./check-mirrors.js";
export { MirrorsError, type MirrorsErrorCode } from "./errors.js";
export { type FileHashOptions, hashLocalFiles } from "./file-hashes.js";
export type { RedirectHop } from "./http-request.js";
export { buildMetalink, type MetalinkOptions } from "./metalink.js";
export type { CheckMirrorsOptions } from "./options.js";
export type { PieceReason } from "./piece-plan.js";
export {
  type BadPiece,
  type CheckMirrorsReport,
  FAILING_KINDS,
  type FileUrlStatus,
  MAX_LISTED,
  type MirrorProblem,
  type MirrorProblemKind,
  type MirrorProgress,
  type MirrorReport,
  type StaleFile,
} from "./report.js";
export { WEB_SEED_CLIENTS, type WebSeedClient, webSeedFileUrl } from "./web-seed-url.js";
