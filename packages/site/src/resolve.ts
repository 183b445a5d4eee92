// Turns an href on a page into the local file it names, following the browser's URL rules.
import { isAbsolute, join, relative, sep } from "node:path";

export interface Root {
  /** Public URL of the folder, path ending in "/". */
  url: URL;
  /** Absolute local folder. */
  dir: string;
  /** "." for the site itself, else the map prefix. */
  label: string;
}

export type Resolution<R extends Root = Root> =
  | { kind: "external" }
  | { kind: "bad"; reason: string }
  | {
      kind: "local";
      root: R;
      /** Path below the root, "/"-separated, percent-decoded. */
      rel: string;
      /** Absolute local path. */
      path: string;
      /** The file's public URL without query or fragment. */
      url: URL;
    };

/** The public URL of a page from its path relative to the site folder. */
export function pageUrl(base: URL, relPage: string): URL {
  return new URL(relPage.split("/").map(encodeURIComponent).join("/"), base);
}

/** The page's document base: its own URL, or its first <base href> resolved against it. */
export function documentBase(page: URL, baseHref: string | undefined): URL {
  if (baseHref === undefined) return page;
  try {
    return new URL(baseHref.trim(), page);
  } catch {
    return page;
  }
}

export function resolveHref<R extends Root>(href: string, docBase: URL, roots: R[]): Resolution<R> {
  // Browsers strip leading/trailing ASCII whitespace and remove tabs and newlines inside URLs.
  const text = href.trim();
  if (text === "" || text.startsWith("#")) return { kind: "external" };
  let url: URL;
  try {
    url = new URL(text, docBase);
  } catch {
    return { kind: "bad", reason: "is not a valid URL" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { kind: "external" };
  url.hash = "";
  url.search = "";
  for (const root of roots) {
    if (url.origin !== root.url.origin || !url.pathname.startsWith(root.url.pathname)) continue;
    const encoded = url.pathname.slice(root.url.pathname.length);
    if (encoded === "" || encoded.endsWith("/")) return { kind: "external" };
    let rel: string;
    try {
      rel = encoded.split("/").map(decodeURIComponent).join("/");
    } catch {
      return { kind: "bad", reason: "has a malformed percent-encoding" };
    }
    const parts = rel.split("/");
    // A decoded "%2F" or "%5C" must not smuggle in a separator or a ".." the URL parser never saw.
    if (parts.some((p) => p === "" || p === "." || p === ".." || p.includes("\\") || p.includes("\0"))) {
      return { kind: "bad", reason: "names a path outside the site folder" };
    }
    const path = join(root.dir, ...parts);
    const back = relative(root.dir, path);
    if (back.startsWith(`..${sep}`) || back === ".." || isAbsolute(back)) {
      return { kind: "bad", reason: "names a path outside the site folder" };
    }
    return { kind: "local", root, rel, path, url };
  }
  return { kind: "external" };
}
