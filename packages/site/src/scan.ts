// Tokenizes one HTML page (parse5's SAX parser, with source offsets) and lists its <base> and <a href> tags.
// Nothing is re-serialised: callers splice the original text at these offsets.
import { SAXParser, type StartTag } from "parse5-sax-parser";

export interface SourceAttr {
  /** Lowercased name, as parse5 reports it. */
  name: string;
  /** Value with character references decoded. */
  value: string;
  /** Offsets of the whole attribute (`name="value"`) in the page text. */
  start: number;
  end: number;
}

export interface Anchor {
  href: SourceAttr;
  attrs: SourceAttr[];
  /** Offsets of the start tag. */
  tagStart: number;
  tagEnd: number;
  /** Inside <svg> or <math>: an SVG link, where added HTML would not belong. */
  foreign: boolean;
  /** Where a sibling link may go: after this link's </a> or before the next <a>; -1 when neither comes. */
  after: number;
}

export interface ScanResult {
  /** href of the first <base href>, when the page has one. */
  baseHref: string | undefined;
  anchors: Anchor[];
  /** Links `keep` accepted past `limit`: counted, not kept. */
  dropped: number;
}

export interface ScanOptions {
  /** Which <a href> to keep, from its (decoded) href and attributes. Default: every one. */
  keep?: (href: string, attrs: readonly { name: string; value: string }[]) => boolean;
  /** Keep at most this many links (memory stays bounded whatever the page holds). Default: no limit. */
  limit?: number;
}

type OffsetRange = { startOffset: number; endOffset: number };

function sourceAttrs(tag: StartTag): SourceAttr[] {
  // Start tags carry per-attribute locations (parse5's LocationWithAttributes).
  const locations = (tag.sourceCodeLocation as { attrs?: Record<string, OffsetRange> } | null | undefined)
    ?.attrs;
  const out: SourceAttr[] = [];
  if (!locations) return out;
  for (const attr of tag.attrs) {
    const loc = locations[attr.name];
    // parse5 keeps the first of duplicate attributes, as browsers do; its location is the first one's.
    if (loc && !out.some((a) => a.name === attr.name)) {
      out.push({ name: attr.name, value: attr.value, start: loc.startOffset, end: loc.endOffset });
    }
  }
  return out;
}

/** The SAX parser minus text: it builds a located text token per character run, which we never read. */
class TagParser extends SAXParser {
  override onCharacter(): void {}
  override onWhitespaceCharacter(): void {}
  override onNullCharacter(): void {}
}

/** Lists the links of one page. `html` is the whole page text. */
export function scanHtml(html: string, options: ScanOptions = {}): ScanResult {
  const parser = new TagParser({ sourceCodeLocationInfo: true });
  const anchors: Anchor[] = [];
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  let dropped = 0;
  let baseHref: string | undefined;
  let foreignDepth = 0;
  let open: Anchor | undefined;

  parser.on("startTag", (tag: StartTag) => {
    const name = tag.tagName;
    const loc = tag.sourceCodeLocation;
    if (!loc) return;
    if (name === "a") {
      if (open) open.after = loc.startOffset;
      open = undefined;
      const raw = tag.attrs.find((a) => a.name === "href");
      if (!raw || (options.keep && !options.keep(raw.value, tag.attrs))) return;
      if (anchors.length >= limit) {
        dropped++;
        return;
      }
      const attrs = sourceAttrs(tag);
      const href = attrs.find((a) => a.name === "href");
      if (!href) return;
      const anchor: Anchor = {
        href,
        attrs,
        tagStart: loc.startOffset,
        tagEnd: loc.endOffset,
        foreign: foreignDepth > 0,
        after: -1,
      };
      anchors.push(anchor);
      if (!tag.selfClosing || foreignDepth === 0) open = anchor;
      else anchor.after = loc.endOffset;
    } else if (name === "base" && baseHref === undefined && foreignDepth === 0) {
      const href = tag.attrs.find((a) => a.name === "href");
      if (href) baseHref = href.value;
    } else if ((name === "svg" || name === "math") && !tag.selfClosing) {
      foreignDepth++;
    }
  });
  parser.on("endTag", (tag) => {
    const loc = tag.sourceCodeLocation;
    if (tag.tagName === "a" && open && loc) {
      open.after = loc.endOffset;
      open = undefined;
    } else if ((tag.tagName === "svg" || tag.tagName === "math") && foreignDepth > 0) {
      foreignDepth--;
    }
  });
  // The parser is a Transform stream; nothing reads its output, so let it flow away.
  parser.resume();
  parser.end(html);
  return { baseHref, anchors, dropped };
}
