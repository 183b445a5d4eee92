// /stats (HTML for people, JSON for programs) and /metrics (Prometheus text exposition format 0.0.4).
import type { Tracker } from "./tracker.js";
import type { UdpMetrics } from "./udp.js";
import type { WsMetrics } from "./ws.js";

/** The front ends whose own counters the stats show, when they run. */
export interface StatsParts {
  ws?: { peers: number; metrics: WsMetrics };
  udp?: { metrics: UdpMetrics };
}

export interface TrackerStats {
  uptimeSeconds: number;
  torrentsAllowed: number;
  open: boolean;
  swarms: number;
  peers: number;
  seeders: number;
  leechers: number;
  peersIpv6: number;
  wsPeers: number;
  /** Where completed counts are kept (e.g. "sqlite /var/lib/seedpress/tracker.db", "redis …"). */
  storage: string;
  /** False while a shared store (Redis) cannot be reached; announces then get "tracker storage unavailable". */
  storageUp: boolean;
  completed: number;
  announces: Record<string, number>;
  scrapes: Record<string, number>;
  failures: Record<string, number>;
  rateLimited: number;
  udpConnects: number;
  udpBadPackets: number;
  wsConnections: number;
  wsRelayedOffers: number;
  wsRelayedAnswers: number;
  wsRejectedAnswers: number;
  heapUsedBytes: number;
  rssBytes: number;
}

/**
 * Synchronous: with a shared store (Redis) the totals are the last ones read (each call asks for fresh
 * ones), so /stats answers at once, and while Redis is down too.
 */
export function trackerStats(tracker: Tracker, parts: StatsParts = {}): TrackerStats {
  const store = tracker.store;
  const storageUp = store.available?.() ?? true;
  const t = tracker.totals();
  const m = tracker.metrics;
  const ws = parts.ws?.metrics;
  const udp = parts.udp?.metrics;
  const mem = process.memoryUsage();
  return {
    uptimeSeconds: Math.round((tracker.clock() - m.startedAt) / 1000),
    torrentsAllowed: tracker.allowlist.size,
    open: tracker.open,
    swarms: t.swarms,
    peers: t.peers,
    seeders: t.seeders,
    leechers: t.leechers,
    peersIpv6: t.peers6,
    wsPeers: parts.ws?.peers ?? 0,
    storage: store.describe?.() ?? "custom store",
    storageUp,
    completed: m.completed,
    announces: { ...m.announces },
    scrapes: { ...m.scrapes },
    failures: Object.fromEntries(m.failures),
    rateLimited: m.rateLimited,
    udpConnects: udp?.connects ?? 0,
    udpBadPackets: udp?.badPackets ?? 0,
    wsConnections: ws?.connections ?? 0,
    wsRelayedOffers: ws?.relayedOffers ?? 0,
    wsRelayedAnswers: ws?.relayedAnswers ?? 0,
    wsRejectedAnswers: ws?.rejectedAnswers ?? 0,
    heapUsedBytes: mem.heapUsed,
    rssBytes: mem.rss,
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function statsHtml(s: TrackerStats): string {
  const rows: [string, string | number][] = [
    ["Uptime (s)", s.uptimeSeconds],
    ["Storage", `${s.storage}${s.storageUp ? "" : " (UNAVAILABLE)"}`],
    ["Mode", s.open ? "open (any info hash)" : "allowlist"],
    ["Torrents allowed", s.torrentsAllowed],
    ["Active swarms", s.swarms],
    ["Peers", s.peers],
    ["Seeders", s.seeders],
    ["Leechers", s.leechers],
    ["IPv6 peers", s.peersIpv6],
    ["WebSocket peers", s.wsPeers],
    ["Completed downloads (since start)", s.completed],
    ["Announces HTTP / UDP / WS", `${s.announces.http} / ${s.announces.udp} / ${s.announces.ws}`],
    ["Scrapes HTTP / UDP / WS", `${s.scrapes.http} / ${s.scrapes.udp} / ${s.scrapes.ws}`],
    ["Rate limited", s.rateLimited],
    ["Heap used", `${(s.heapUsedBytes / 1048576).toFixed(1)} MiB`],
  ];
  const failures = Object.entries(s.failures)
    .map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${v}</td></tr>`)
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>seedpress tracker</title>
<style>body{font:15px system-ui,sans-serif;margin:2em}td{padding:2px 12px 2px 0}td+td{text-align:right}</style></head>
<body><h1>seedpress tracker</h1><table>${rows.map(([k, v]) => `<tr><td>${k}</td><td>${escapeHtml(String(v))}</td></tr>`).join("")}</table>
<h2>Refused requests</h2><table>${failures || "<tr><td>none</td></tr>"}</table>
<p><a href="stats.json">JSON</a> · <a href="metrics">Prometheus</a></p></body></html>
`;
}

export function metricsText(s: TrackerStats): string {
  const lines: string[] = [];
  const metric = (name: string, type: "gauge" | "counter", help: string, samples: [string, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, v] of samples) lines.push(`${name}${labels} ${v}`);
  };
  const label = (k: string, v: string) =>
    `{${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"}`;
  metric("seedpress_tracker_torrents_allowed", "gauge", "Info hashes on the allowlist.", [
    ["", s.torrentsAllowed],
  ]);
  metric(
    "seedpress_tracker_storage_up",
    "gauge",
    "1 when the swarm store answers, 0 while it is unreachable.",
    [["", s.storageUp ? 1 : 0]],
  );
  metric("seedpress_tracker_swarms", "gauge", "Swarms with at least one peer.", [["", s.swarms]]);
  metric("seedpress_tracker_peers", "gauge", "Peers by kind.", [
    [label("kind", "seeder"), s.seeders],
    [label("kind", "leecher"), s.leechers],
    [label("kind", "websocket"), s.wsPeers],
  ]);
  metric("seedpress_tracker_peers_ipv6", "gauge", "Peers with an IPv6 address.", [["", s.peersIpv6]]);
  metric(
    "seedpress_tracker_announces_total",
    "counter",
    "Announces answered, by protocol.",
    Object.entries(s.announces).map(([k, v]) => [label("protocol", k), v]),
  );
  metric(
    "seedpress_tracker_scrapes_total",
    "counter",
    "Scrapes answered, by protocol.",
    Object.entries(s.scrapes).map(([k, v]) => [label("protocol", k), v]),
  );
  metric(
    "seedpress_tracker_failures_total",
    "counter",
    "Requests refused, by reason.",
    Object.entries(s.failures).map(([k, v]) => [label("reason", k), v]),
  );
  metric("seedpress_tracker_completed_total", "counter", "Completed events counted since start.", [
    ["", s.completed],
  ]);
  metric("seedpress_tracker_rate_limited_total", "counter", "Requests refused by the per-IP rate limit.", [
    ["", s.rateLimited],
  ]);
  metric("seedpress_tracker_udp_connects_total", "counter", "UDP connect requests answered.", [
    ["", s.udpConnects],
  ]);
  metric(
    "seedpress_tracker_udp_bad_packets_total",
    "counter",
    "UDP packets dropped or refused as malformed.",
    [["", s.udpBadPackets]],
  );
  metric("seedpress_tracker_ws_connections", "gauge", "Open WebSocket connections.", [["", s.wsConnections]]);
  metric("seedpress_tracker_ws_relayed_total", "counter", "WebRTC signals relayed, by kind.", [
    [label("kind", "offer"), s.wsRelayedOffers],
    [label("kind", "answer"), s.wsRelayedAnswers],
    [label("kind", "rejected_answer"), s.wsRejectedAnswers],
  ]);
  metric("seedpress_tracker_heap_used_bytes", "gauge", "V8 heap in use.", [["", s.heapUsedBytes]]);
  metric("seedpress_tracker_resident_memory_bytes", "gauge", "Resident set size.", [["", s.rssBytes]]);
  return `${lines.join("\n")}\n`;
}
