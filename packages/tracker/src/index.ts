// @seedpress/tracker: an embeddable BitTorrent tracker (HTTP, UDP, WebSocket), allowlist by default.
export { Allowlist, hexToKey, keyToHex } from "./allowlist.js";
export { type AssembledTracker, type AssembleOptions, assembleTracker } from "./assemble.js";
export { type TrackerBeside, type TrackerBesideOptions, trackerBeside } from "./beside.js";
export { type DurableEngine, type DurableState, openDurable } from "./durable.js";
export { TrackerError, type TrackerErrorCode } from "./errors.js";
export { compactAddress, createHttpHandler, type HttpHandlerOptions } from "./http.js";
export type { RateLimitOptions } from "./rate-limit.js";
export { trackerRouter } from "./router.js";
export { type RunningTracker, type StartTrackerOptions, startTracker } from "./server.js";
export { metricsText, type StatsParts, statsHtml, type TrackerStats, trackerStats } from "./stats.js";
export {
  type AnnounceEvent,
  MemoryStore,
  type MemoryStoreOptions,
  type PeerAnnounce,
  type PeerList,
  type SignalBus,
  type SignalMessage,
  type StoreTotals,
  type SwarmCounts,
  type SwarmStore,
  type WsAddress,
} from "./store.js";
export { MAX_BENCODE_DEPTH, type TorrentHashes, torrentHashes } from "./torrent-hashes.js";
export {
  type AnnounceInput,
  type AnnounceOutput,
  type Protocol,
  type ScrapeEntry,
  Tracker,
  type TrackerMetrics,
  type TrackerOptions,
} from "./tracker.js";
export { ConnectionIds, type UdpListenOptions, type UdpMetrics, UdpTracker } from "./udp.js";
export { type WsMetrics, type WsOptions, WsTracker } from "./ws.js";
