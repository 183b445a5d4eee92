// Fuzz (fast-check) over the HTML scan and rewrite: on any input, nothing throws but SiteError, and the
// rewritten page equals the input except the link attributes we mean to change. The check is
// independent of the splice: the output is tokenized again and compared attribute by attribute.
import fc from "fast-check";
import picomatch from "picomatch";
import { describe, expect, it } from "vitest";
import { SiteError } from "../src/errors.js";
import { baseNameMatcher, hrefMayMatch, mayHaveDownloadLink } from "../src/prefilter.js";
import { documentBase, pageUrl, type Root, resolveHref } from "../src/resolve.js";
import { applyEdits, linkEdits, TORRENT_TYPE, torrentHref } from "../src/rewrite.js";
import { type Anchor, type SourceAttr, scanHtml } from "../src/scan.js";

const DIRECT = "data-seedpress-direct";

const valueChar = fc.constantFrom(
  ..."ab.iso/?#%20 \t\n\r&;<>=\"'`\\\0é€😀",
  "&amp;",
  "&quot;",
  "&#39;",
  "&lt",
  "\r\n",
);
const value = fc.array(valueChar, { maxLength: 12 }).map((a) => a.join(""));
const attrName = fc.constantFrom(
  "href",
  "HREF",
  "type",
  "download",
  DIRECT,
  "class",
  "title",
  "data-x",
  "x/y",
);
const attribute = fc
  .tuple(
    fc.constantFrom(" ", "\n", "\t", "", "  "),
    attrName,
    fc.constantFrom("=", " = "),
    fc.constantFrom('"', "'", "", "none"),
    value,
  )
  .map(([ws, name, eq, quote, v]) => {
    if (quote === "none") return `${ws}${name}`;
    const body = quote === "" ? v.replace(/[\s>"'=<`]/g, "") || "v" : v.split(quote).join("");
    return `${ws}${name}${eq}${quote}${body}${quote}`;
  });
const anchorTag = fc
  .tuple(fc.constantFrom("<a", "<A"), fc.array(attribute, { maxLength: 5 }), fc.constantFrom(">", "/>", " >"))
  .map(([open, attrs, close]) => `${open}${attrs.join("")}${close}`);
const otherTag = fc.constantFrom(
  "</a>",
  "<svg>",
  "</svg>",
  "<math>",
  "</math>",
  "<base href='/x/'>",
  "<script>",
  "</script>",
  "<style>",
  "</style>",
  "<textarea>",
  "</textarea>",
  "<title>",
  "</title>",
  "<!--",
  "-->",
  "<![CDATA[",
  "]]>",
  "<template>",
  "</template>",
  "<p class=x>",
  "<br/>",
  "<!doctype html>",
  "<plaintext>",
  "\uFEFF",
  "\r\n",
);
const text = fc.string({ maxLength: 10 });
const html = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(fc.oneof(anchorTag, anchorTag, otherTag, text), { maxLength: 25 })
      .map((p) => p.join("")),
  },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
);

function rewriteAll(page: string, sibling: string | undefined): { out: string; anchors: Anchor[] } {
  const { anchors } = scanHtml(page);
  const edits = anchors.flatMap((a) =>
    linkEdits(page, a, {
      href: torrentHref(a.href.value),
      direct: a.href.value.trim(),
      attribute: DIRECT,
      sibling,
    }),
  );
  return { out: applyEdits(page, edits), anchors };
}

const attr = (a: Anchor, name: string) => a.attrs.find((x) => x.name === name);
const downloadChanged = (d: SourceAttr | undefined) =>
  d !== undefined && d.value.trim() !== "" && !d.value.endsWith(".torrent");

/** The page with the given attribute spans cut out, each with the whitespace just before it. */
function without(page: string, spans: SourceAttr[]): string {
  let out = "";
  let pos = 0;
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    out += page.slice(pos, s.start).replace(/[\t\n\f\r ]+$/, "");
    pos = s.end;
  }
  return out + page.slice(pos);
}

function expectOnlyLinkAttrsChanged(page: string): void {
  let result: ReturnType<typeof rewriteAll>;
  try {
    result = rewriteAll(page, undefined);
  } catch (error) {
    if (error instanceof SiteError) return;
    throw error;
  }
  const again = scanHtml(result.out).anchors;
  expect(again.length).toBe(result.anchors.length);
  const cutIn: SourceAttr[] = [];
  const cutOut: SourceAttr[] = [];
  result.anchors.forEach((before, i) => {
    const after = again[i] as Anchor;
    expect(after.href.value).toBe(torrentHref(before.href.value));
    expect(attr(after, "type")?.value).toBe(TORRENT_TYPE);
    expect(attr(after, DIRECT)?.value).toBe(before.href.value.trim());
    const d = attr(before, "download");
    if (downloadChanged(d)) expect(attr(after, "download")?.value).toBe(`${d?.value}.torrent`);
    const touched = ["href", "type", DIRECT, ...(downloadChanged(d) ? ["download"] : [])];
    for (const name of touched) {
      const a = attr(before, name);
      if (a) cutIn.push(a);
      cutOut.push(attr(after, name) as SourceAttr);
    }
  });
  expect(without(result.out, cutOut)).toBe(without(page, cutIn));
}

describe("HTML scan and rewrite, fuzzed", () => {
  it("never throws but SiteError, and changes nothing but the rewritten link attributes", () => {
    fc.assert(fc.property(html, expectOnlyLinkAttrsChanged), { numRuns: 400 });
  });

  it("adds one marked sibling link per rewritten link (append mode) without breaking the tokenizer", () => {
    const sibling = ` <a href="d.iso" class="seedpress-direct" data-seedpress-skip>Direct</a>`;
    fc.assert(
      fc.property(html, (page) => {
        const { out, anchors } = rewriteAll(page, sibling);
        const again = scanHtml(out).anchors;
        const added = anchors.filter((a) => !a.foreign && a.after >= 0).length;
        expect(again.length).toBe(anchors.length + added);
        const marked = again.filter(
          (a) => attr(a, "data-seedpress-skip") && attr(a, "class")?.value === "seedpress-direct",
        );
        const markedBefore = anchors.filter(
          (a) => attr(a, "data-seedpress-skip") && attr(a, "class")?.value === "seedpress-direct",
        );
        expect(marked.length).toBe(markedBefore.length + added);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps every byte of pages with no link", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), (page) => {
        const noLinks = page.replace(/<a/gi, "<b");
        expect(rewriteAll(noLinks, undefined).out).toBe(noLinks);
      }),
      { numRuns: 200 },
    );
  });
});

describe("the cheap link filters, fuzzed", () => {
  // Every link the full resolution would act on must pass both the page prefilter and the per-link
  // filter the scan keeps links by: they may say "maybe" too often, never "no" wrongly.
  const include = ["**/*.iso", "files/*.zip", "**/*.tar.*"];
  const wanted = picomatch(include, { nocase: true, dot: true });
  const nameMatches = baseNameMatcher(include);
  const roots: Root[] = [{ url: new URL("https://example.com/docs/"), dir: "/srv/site", label: "." }];
  const hrefChar = fc.constantFrom(
    ..."aZ./?#%\\ \t\n:",
    "x.iso",
    ".ISO",
    "files/",
    "a.zip",
    ".tar.gz",
    "%2F",
    "%2e",
    "%5C",
    "%GG",
    "&amp;",
    "&#46;",
    "..",
    "/docs/",
    "https://example.com/docs/",
    "//example.com/",
    "\u00a0",
    "\u0001",
  );
  const href = fc.array(hrefChar, { maxLength: 10 }).map((a) => a.join(""));
  const quoted = fc
    .tuple(href, fc.constantFrom('"', "'"))
    .map(([h, q]) => `<a href=${q}${h.split(q).join("")}${q}>x</a>`);

  it("never drop a link the resolver would rewrite or warn about", () => {
    fc.assert(
      fc.property(fc.array(quoted, { minLength: 1, maxLength: 4 }), (links) => {
        const page = links.join("\n");
        const base = documentBase(pageUrl(roots[0]!.url, "sub/page.html"), undefined);
        for (const anchor of scanHtml(page).anchors) {
          const value = anchor.href.value;
          const res = resolveHref(value, base, roots);
          const acts =
            (res.kind === "local" && wanted(res.rel)) ||
            (res.kind === "bad" && wanted((value.trim().split(/[?#]/)[0] ?? "").split("/").pop() ?? ""));
          if (!acts) continue;
          expect(hrefMayMatch(value, nameMatches)).toBe(true);
          expect(mayHaveDownloadLink(page, nameMatches)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
