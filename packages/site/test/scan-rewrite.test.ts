import { describe, expect, it } from "vitest";
import { documentBase, pageUrl, type Root, resolveHref } from "../src/resolve.js";
import { applyEdits, linkEdits, torrentHref } from "../src/rewrite.js";
import { scanHtml } from "../src/scan.js";
import { unusualPage, unusualPageRewritten } from "./unusual-page.js";

const rewrite = (html: string, filter: (href: string) => boolean, sibling?: string) => {
  const { anchors } = scanHtml(html);
  const edits = anchors
    .filter((a) => filter(a.href.value))
    .flatMap((a) =>
      linkEdits(html, a, {
        href: torrentHref(a.href.value),
        direct: a.href.value.trim(),
        attribute: "data-seedpress-direct",
        sibling,
      }),
    );
  return applyEdits(html, edits);
};

describe("scanHtml", () => {
  it("finds links in markup, but not in comments, scripts, styles or textareas", () => {
    const html = [
      `<!-- <a href="comment.iso"> -->`,
      `<script>document.write('<a href="script.iso">')</script>`,
      `<style>a[href="style.iso"]{}</style>`,
      `<textarea><a href="textarea.iso"></textarea>`,
      `<title><a href="title.iso"></title>`,
      `<pre><a href=pre.iso>x</a></pre>`,
      `<template><a href='template.iso'>t</a></template>`,
      `<svg><a href="svg.iso"><text>s</text></a></svg>`,
      `<A HREF="upper.iso">u</A>`,
    ].join("\n");
    const hrefs = scanHtml(html).anchors.map((a) => a.href.value);
    expect(hrefs).toEqual(["pre.iso", "template.iso", "svg.iso", "upper.iso"]);
    expect(scanHtml(html).anchors.find((a) => a.href.value === "svg.iso")?.foreign).toBe(true);
  });

  it("decodes character references in values and reports the first <base href>", () => {
    const r = scanHtml(
      `<base target=_top><base href="/a/&amp;b/"><base href="/ignored/"><a href="x&amp;y.iso">`,
    );
    expect(r.baseHref).toBe("/a/&b/");
    expect(r.anchors[0]?.href.value).toBe("x&y.iso");
  });
});

describe("resolveHref", () => {
  const base = new URL("https://example.com/docs/");
  const roots: Root[] = [
    {
      url: new URL("https://cdn.example.net/iso/"),
      dir: "/srv/mirror",
      label: "https://cdn.example.net/iso/",
    },
    { url: base, dir: "/site", label: "." },
  ];
  const page = pageUrl(base, "guide/install/index.html");
  const local = (href: string, doc = page) => {
    const r = resolveHref(href, doc, roots);
    return r.kind === "local" ? `${r.root.label}|${r.rel}|${r.path}|${r.url.href}` : r.kind;
  };

  it("resolves relative to the page, honouring ./ ../ query and fragment", () => {
    expect(local("big.iso")).toBe(
      ".|guide/install/big.iso|/site/guide/install/big.iso|https://example.com/docs/guide/install/big.iso",
    );
    expect(local("./big.iso?v=2#sha")).toBe(
      ".|guide/install/big.iso|/site/guide/install/big.iso|https://example.com/docs/guide/install/big.iso",
    );
    expect(local("../../files/a%20b.iso")).toBe(
      ".|files/a b.iso|/site/files/a b.iso|https://example.com/docs/files/a%20b.iso",
    );
    expect(local("/docs/files/x.iso")).toBe(
      ".|files/x.iso|/site/files/x.iso|https://example.com/docs/files/x.iso",
    );
    expect(local("https://EXAMPLE.com:443/docs/x.iso")).toBe(
      ".|x.iso|/site/x.iso|https://example.com/docs/x.iso",
    );
  });

  it("honours <base> and leaves links outside the base path, other hosts and schemes alone", () => {
    const doc = documentBase(page, "/docs/releases/");
    expect(local("r.iso", doc)).toBe(
      ".|releases/r.iso|/site/releases/r.iso|https://example.com/docs/releases/r.iso",
    );
    expect(local("/other/x.iso")).toBe("external");
    expect(local("http://example.com/docs/x.iso")).toBe("external");
    expect(local("https://elsewhere.org/docs/x.iso")).toBe("external");
    expect(local("mailto:a@b.c")).toBe("external");
    expect(local("#top")).toBe("external");
    expect(local("../../")).toBe("external");
  });

  it("maps an external URL prefix to its folder", () => {
    expect(local("https://cdn.example.net/iso/v1/os.iso")).toBe(
      "https://cdn.example.net/iso/|v1/os.iso|/srv/mirror/v1/os.iso|https://cdn.example.net/iso/v1/os.iso",
    );
  });

  it("refuses paths that would leave the folder through encoded separators", () => {
    expect(local("/docs/a%2F..%2F..%2Fetc%2Fpasswd.iso")).toBe("bad");
    expect(local("/docs/..%5C..%5Cx.iso")).toBe("bad");
    expect(local("/docs/%E0%A4%A.iso")).toBe("bad");
    expect(local("/docs/../../x.iso")).toBe("external");
  });
});

describe("rewriting keeps every other byte", () => {
  it("changes only the rewritten attributes of an unusual page", () => {
    const page = unusualPage;
    const out = rewrite(page, (h) => h.includes("big.iso") && !h.includes("elsewhere"));
    const expected = unusualPageRewritten();
    expect(expected).not.toBe(page);
    expect(out).toBe(expected);
    // The UTF-8 round trip is exact, BOM and CRLF included.
    expect(Buffer.from(out, "utf8").subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it("adds a sibling after </a>, or before an <a> that implicitly closes it, never inside SVG", () => {
    const html = `<p><a href="a.iso">A</a> x <a href="b.iso">B <a href="c.html">C</a><svg><a href="d.iso"/></svg>`;
    const out = rewrite(html, (h) => h.endsWith(".iso"), "<i>+</i>");
    expect(out).toBe(
      `<p><a href="a.iso.torrent" type="application/x-bittorrent" data-seedpress-direct="a.iso">A</a><i>+</i> x ` +
        `<a href="b.iso.torrent" type="application/x-bittorrent" data-seedpress-direct="b.iso">B <i>+</i><a href="c.html">C</a>` +
        `<svg><a href="d.iso.torrent" type="application/x-bittorrent" data-seedpress-direct="d.iso"/></svg>`,
    );
  });

  it("escapes what it writes into attributes", () => {
    const out = rewrite(`<a href='it&#39;s "q" &amp; r.iso'>x</a>`, () => true);
    expect(out).toBe(
      `<a href='it&#39;s "q" &amp; r.iso.torrent' type="application/x-bittorrent" data-seedpress-direct="it's &quot;q&quot; &amp; r.iso">x</a>`,
    );
  });
});
