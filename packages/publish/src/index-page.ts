// The page at "/": every torrent served, with its .torrent, magnet link and (single files) a direct link.
import { toMagnet } from "@seedpress/torrent";
import { encodePath, escapeHtml, humanBytes } from "./html.js";
import type { PublishedTorrent } from "./torrents.js";

function row(t: PublishedTorrent): string {
  const files = t.meta.files.filter((f) => !f.padding).length;
  const direct = t.meta.singleFile
    ? ` · <a href="${escapeHtml(encodePath(t.name))}">direct download</a>`
    : "";
  return `<li><strong>${escapeHtml(t.meta.name)}</strong> — ${escapeHtml(humanBytes(t.meta.length))}, ${files} file${files === 1 ? "" : "s"}<br>
<a href="${escapeHtml(encodePath(t.torrentPath))}" type="application/x-bittorrent">.torrent</a> · <a href="${escapeHtml(toMagnet(t.meta))}">magnet link</a>${direct}<br>
<code>${escapeHtml(t.meta.infoHash ?? t.meta.infoHashV2 ?? "")}</code></li>`;
}

export function indexPage(torrents: PublishedTorrent[], baseUrl: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Torrents at ${escapeHtml(baseUrl)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}li{margin:1rem 0}code{font-size:.8em;color:#555}</style>
</head><body>
<h1>Torrents</h1>
<p>Each download below works in any BitTorrent client; this server is its web seed, so it starts at once.</p>
<ul>
${torrents.map(row).join("\n") || "<li>Nothing to serve yet.</li>"}
</ul>
<p><a href="stats">Offload statistics</a></p>
</body></html>
`;
}
