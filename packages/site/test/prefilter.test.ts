import { describe, expect, it } from "vitest";
import { DEFAULT_INCLUDE } from "../src/options.js";
import { baseNameMatcher, mayHaveDownloadLink } from "../src/prefilter.js";

const names = baseNameMatcher([...DEFAULT_INCLUDE]);
const may = (html: string, m = names) => mayHaveDownloadLink(html, m);

describe("mayHaveDownloadLink", () => {
  it("skips pages whose links cannot name a matching file", () => {
    expect(may(`<a href="/docs/">x</a><a href='page.html'>y</a><a href=#top>z</a><p>big.iso</p>`)).toBe(
      false,
    );
    expect(may(`<link href="style.css"><a href="https://x.org/a.html?file=a.iso">q</a>`)).toBe(false);
  });

  it("says maybe for every spelling the tokenizer and URL parser would accept", () => {
    expect(may(`<a href="files/a.iso">`)).toBe(true);
    expect(may(`<A HREF = 'files/A.ISO?x#y'>`)).toBe(true);
    expect(may(`<a href=files/a.iso>`)).toBe(true);
    expect(may(`<a href="files/a%2Eiso">`)).toBe(true);
    expect(may(`<a href="files/a&#46;iso">`)).toBe(true);
    expect(may(`<a href="files/a.i\nso">`)).toBe(true);
    expect(may(`<a href="files\\a.iso">`)).toBe(true);
    expect(may(`<a href="files/a%ZZ">`)).toBe(true);
    expect(may(`<a href="files/book.tar.gz">`)).toBe(true);
    expect(may(`<a href="a%2F..%2F..%2Fetc">`)).toBe(true);
    expect(may(`<a href="a%5C..">`)).toBe(true);
  });

  it("accepts every base name when a glob's last segment cannot be told apart", () => {
    expect(may(`<a href="x/readme">`, baseNameMatcher(["files/**"]))).toBe(true);
    expect(may(`<a href="x/readme">`, baseNameMatcher(["{a/*.iso,b/*.txt}"]))).toBe(true);
    expect(may(`<a href="x/readme">`, baseNameMatcher(["files/*.zip"]))).toBe(false);
    expect(may(`<a href="x/y.zip">`, baseNameMatcher(["files/*.zip"]))).toBe(true);
  });
});
