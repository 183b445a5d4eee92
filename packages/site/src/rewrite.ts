// Rewrites one link by splicing the page text at parse5's source offsets; every other byte stays as it was.
import type { Anchor, SourceAttr } from "./scan.js";

export interface Edit {
  start: number;
  end: number;
  text: string;
}

export const TORRENT_TYPE = "application/x-bittorrent";

export function escapeAttr(value: string, quote: '"' | "'"): string {
  const out = value.replace(/&/g, "&amp;");
  return quote === '"' ? out.replace(/"/g, "&quot;") : out.replace(/'/g, "&#39;");
}

export function escapeText(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The href without query and fragment, plus ".torrent": the torrent sits beside the file. */
export function torrentHref(href: string): string {
  const text = href.trim();
  const cut = text.search(/[?#]/);
  return `${cut < 0 ? text : text.slice(0, cut)}.torrent`;
}

/** Replaces an attribute's value, keeping the attribute's own spelling, spacing and quote style. */
function replaceValue(html: string, attr: SourceAttr, value: string): Edit {
  const raw = html.slice(attr.start, attr.end);
  const eq = raw.indexOf("=");
  if (eq < 0) return { start: attr.start, end: attr.end, text: `${raw}="${escapeAttr(value, '"')}"` };
  let i = eq + 1;
  while (i < raw.length && /\s/.test(raw.charAt(i))) i++;
  const q = raw[i] === "'" ? "'" : '"';
  return { start: attr.start, end: attr.end, text: `${raw.slice(0, i)}${q}${escapeAttr(value, q)}${q}` };
}

export interface LinkRewrite {
  /** New href (the .torrent). */
  href: string;
  /** The direct URL kept in `attribute`. */
  direct: string;
  attribute: string;
  /** HTML to add after the link, or undefined. */
  sibling: string | undefined;
}

export function linkEdits(html: string, anchor: Anchor, r: LinkRewrite): Edit[] {
  const edits: Edit[] = [replaceValue(html, anchor.href, r.href)];
  let inserted = "";
  const type = anchor.attrs.find((a) => a.name === "type");
  if (type) edits.push(replaceValue(html, type, TORRENT_TYPE));
  else inserted += ` type="${TORRENT_TYPE}"`;
  const kept = anchor.attrs.find((a) => a.name === r.attribute);
  if (kept) edits.push(replaceValue(html, kept, r.direct));
  else inserted += ` ${r.attribute}="${escapeAttr(r.direct, '"')}"`;
  // A named download would save the .torrent under the big file's name.
  const download = anchor.attrs.find((a) => a.name === "download");
  if (download && download.value.trim() !== "" && !download.value.endsWith(".torrent")) {
    edits.push(replaceValue(html, download, `${download.value}.torrent`));
  }
  if (inserted) edits.push({ start: anchor.href.end, end: anchor.href.end, text: inserted });
  if (r.sibling !== undefined && !anchor.foreign && anchor.after >= 0) {
    edits.push({ start: anchor.after, end: anchor.after, text: r.sibling });
  }
  return edits;
}

/** Applies non-overlapping edits (insertions at one offset keep their order). */
export function applyEdits(html: string, edits: Edit[]): string {
  const sorted = edits
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i)
    .map((x) => x.e);
  let out = "";
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos) continue;
    out += html.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + html.slice(pos);
}
