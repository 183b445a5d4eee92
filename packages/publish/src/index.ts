// @seedpress/publish: a publisher's server in one call — a folder's torrents, their web seed, the tracker
// beside it, an index page, and the swarm-aware origin that lets the swarm carry the crowd.
export { PublishError, type PublishErrorCode } from "./errors.js";
export {
  type OffloadOptions,
  offloadPolicy,
  type PolicyDecision,
  type PolicyDeps,
  type PolicyRequest,
  resolveOffload,
  type SwarmCounts,
  waitBound,
} from "./offload-policy.js";
export type { Sample, TorrentOffload } from "./offload-stats.js";
export type { PublishEvent, PublisherLimits, PublisherOptions } from "./options.js";
export { OriginLedger, type TorrentLedger } from "./origin-ledger.js";
export { createPublisher, type Publisher } from "./publisher.js";
export { isLocalUrl, type Reconciled, reconcile } from "./reconcile.js";
export type { PublishedTorrent } from "./torrents.js";
export { cacheFolder, type TorrentsDir } from "./torrents-dir.js";
