// /stats (a page with a small chart per torrent), /stats.json and /metrics (Prometheus text format 0.0.4)
// for the offload figures; the tracker's own metrics are appended to /metrics.
import { escapeHtml, humanBytes } from "./html.js";
import type { Sample, TorrentOffload } from "./offload-stats.js";

/** Origin bytes (red) and swarm-delivered bytes (green) over time, as a 320×80 SVG. */
export function chart(samples: Sample[]): string {
  if (samples.length < 2) return "";
  const t0 = samples[0]!.t;
  const span = Math.max(1, samples.at(-1)!.t - t0);
  const top = Math.max(1, ...samples.map((s) => Math.max(s.originBytes, s.deliveredBytes)));
  const line = (pick: (s: Sample) => number) =>
    samples
      .map((s) => `${(((s.t - t0) / span) * 318 + 1).toFixed(1)},${(79 - (pick(s) / top) * 78).toFixed(1)}`)
      .join(" ");
  return `<svg width="320" height="80" viewBox="0 0 320 80" role="img" aria-label="origin and swarm bytes over time">
<rect width="320" height="80" fill="#fafafa" stroke="#ddd"/>
<polyline fill="none" stroke="#2a2" stroke-width="2" points="${line((s) => s.deliveredBytes)}"/>
<polyline fill="none" stroke="#c33" stroke-width="2" points="${line((s) => s.originBytes)}"/></svg>`;
}

export function statsPage(rows: TorrentOffload[], history: (infoHash: string) => Sample[]): string {
  const body = rows
    .map(
      (
        r,
      ) => `<tr><td>${escapeHtml(r.name)}</td><td>${humanBytes(r.originBytes)} (${r.originCopies.toFixed(2)} copies)</td>
<td>${humanBytes(r.deliveredBytes)} (${r.completed} done)</td><td>${(r.offload * 100).toFixed(1)} %</td>
<td>${humanBytes(r.savedBytes)}</td><td>${r.seeders} / ${r.leechers}</td><td>${r.slowed}</td><td>${chart(history(r.infoHash))}</td></tr>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>Offload</title>
<style>body{font:15px/1.4 system-ui,sans-serif;margin:2rem}td,th{padding:.3rem .6rem;text-align:left;vertical-align:top;border-bottom:1px solid #eee}</style>
</head><body><h1>Offload</h1>
<p>Origin: bytes this server sent. Delivered: completed downloads × size (the tracker's count).
Offload: the share of delivered bytes the swarm carried. Chart: origin (red) and delivered (green) over time.</p>
<table><tr><th>Torrent</th><th>Origin</th><th>Delivered</th><th>Offload</th><th>Saved</th><th>Seeders / leechers</th><th>Slowed</th><th></th></tr>
${body}
</table></body></html>
`;
}

function label(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

const METRICS: [keyof TorrentOffload, string, "counter" | "gauge", string][] = [
  [
    "originBytes",
    "seedpress_origin_bytes_total",
    "counter",
    "Bytes the origin (web seed) sent for the torrent.",
  ],
  [
    "deliveredBytes",
    "seedpress_delivered_bytes_total",
    "counter",
    "Completed downloads times the torrent's size.",
  ],
  ["savedBytes", "seedpress_saved_bytes_total", "counter", "Delivered bytes the origin did not send."],
  ["offload", "seedpress_offload_ratio", "gauge", "Share of delivered bytes carried by the swarm (0..1)."],
  ["originCopies", "seedpress_origin_copies", "gauge", "Origin bytes divided by the torrent's size."],
  ["slowed", "seedpress_policy_slowed_total", "counter", "Requests the offload policy sent in a slow lane."],
  ["seeders", "seedpress_swarm_seeders", "gauge", "Seeders the tracker knows."],
  ["leechers", "seedpress_swarm_leechers", "gauge", "Leechers the tracker knows."],
];

export function offloadMetrics(rows: TorrentOffload[]): string {
  const lines: string[] = [];
  for (const [key, name, type, help] of METRICS) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const r of rows)
      lines.push(`${name}{torrent="${label(r.name)}",info_hash="${r.infoHash}"} ${r[key]}`);
  }
  return `${lines.join("\n")}\n`;
}
