// A cheap test that tells which pages cannot hold a link worth rewriting, so a big site's thousands of
// ordinary pages are never tokenized. It must never say "no" to a page the full scan would act on: it
// looks at every href= in the raw text (comments and scripts included) and errs towards "maybe".
import picomatch from "picomatch";

const HREF = /\bhref[\t\n\f\r ]*=[\t\n\f\r ]*("[^"]*"|'[^']*'|[^\t\n\f\r >]+)/gi;

/** A matcher over a file's base name that accepts at least every name the include globs could accept. */
export function baseNameMatcher(include: string[]): (name: string) => boolean {
  const lastSegments: string[] = [];
  for (const glob of include) {
    // A slash inside braces or parentheses makes the last segment ambiguous: accept everything.
    if (/[{(][^})]*\/[^})]*[})]/.test(glob)) return () => true;
    const last = glob.slice(glob.lastIndexOf("/") + 1);
    if (last === "" || last === "**") return () => true;
    lastSegments.push(last);
  }
  const match = picomatch(lastSegments, { nocase: true, dot: true });
  const memo = new Map<string, boolean>();
  return (name) => {
    let hit = memo.get(name);
    if (hit === undefined) {
      hit = match(name);
      memo.set(name, hit);
    }
    return hit;
  };
}

/** Might this page link to a file the include globs match? */
export function mayHaveDownloadLink(text: string, nameMatches: (name: string) => boolean): boolean {
  HREF.lastIndex = 0;
  for (let m = HREF.exec(text); m !== null; m = HREF.exec(text)) {
    let value = m[1] ?? "";
    if (value.startsWith('"') || value.startsWith("'")) value = value.slice(1, -1);
    if (hrefMayMatch(value, nameMatches)) return true;
  }
  return false;
}

/** Might this href (raw or decoded) name a file the include globs match? Errs towards "maybe". */
export function hrefMayMatch(href: string, nameMatches: (name: string) => boolean): boolean {
  // Character references could spell anything: let the real tokenizer decide.
  if (href.includes("&")) return true;
  // URL parsing drops tabs and newlines, and reads "\" as "/".
  const value = href.replace(/[\t\n\r]/g, "");
  const cut = value.search(/[?#]/);
  const path = cut < 0 ? value : value.slice(0, cut);
  let name = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1).trim();
  if (name === "") return false;
  if (name.includes("%")) {
    try {
      name = decodeURIComponent(name);
    } catch {
      return true;
    }
    // An escaped separator: the full scan resolves (and warns about) it.
    if (name.includes("/") || name.includes("\\")) return true;
  }
  return nameMatches(name);
}
