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
  // URL parsing strips leading and trailing C0 controls and spaces, drops tabs and newlines, and reads
  // "\" as "/".
  const value = stripC0(href.trim()).replace(/[\t\n\r]/g, "");
  const cut = value.search(/[?#]/);
  const path = cut < 0 ? value : value.slice(0, cut);
  const name = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1).trim();
  // A link the resolver refuses is warned about by its last "/" part (a "\" kept): match that too.
  const lastPart = path.slice(path.lastIndexOf("/") + 1);
  return nameMayMatch(name, nameMatches) || (lastPart !== name && nameMayMatch(lastPart, nameMatches));
}

function nameMayMatch(encoded: string, nameMatches: (name: string) => boolean): boolean {
  if (encoded === "") return false;
  let name = encoded;
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

/** The text without leading and trailing C0 controls or spaces (code points up to U+0020). */
function stripC0(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return text.slice(start, end);
}
