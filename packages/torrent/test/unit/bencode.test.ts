import { describe, expect, it } from "vitest";
import { decode, encode } from "../../src/bencode.js";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("bencode", () => {
  it("encodes the BEP 3 examples", () => {
    expect(Buffer.from(encode("spam")).toString()).toBe("4:spam");
    expect(Buffer.from(encode(3)).toString()).toBe("i3e");
    expect(Buffer.from(encode(-3)).toString()).toBe("i-3e");
    expect(Buffer.from(encode(["spam", "eggs"])).toString()).toBe("l4:spam4:eggse");
    expect(Buffer.from(encode({ spam: ["a", "b"], cow: "moo" })).toString()).toBe(
      "d3:cow3:moo4:spaml1:a1:bee",
    );
  });

  it("sorts keys by raw UTF-8 bytes, not UTF-16 code units", () => {
    // U+FF5E (UTF-8 EF BD 9E) sorts before U+1F600 (F0 9F 98 80) by bytes, after it in UTF-16 (D83D...).
    const out = Buffer.from(
      encode(
        new Map([
          ["\u{1F600}", 1],
          ["\uFF5E", 2],
        ]),
      ),
    ).toString();
    expect(out.indexOf("\uFF5E")).toBeLessThan(out.indexOf("\u{1F600}"));
  });

  it("reports the span of each top-level value", () => {
    const data = bytes("d4:infod1:ai1ee1:zi2ee");
    const { spans } = decode(data);
    expect(Buffer.from(data.subarray(...spans.get("info")!)).toString()).toBe("d1:ai1ee");
  });

  it.each([
    ["", "unexpected end"],
    ["i12", "unterminated integer"],
    ["i-0e", "not an integer"],
    ["i03e", "not an integer"],
    ["ie", "not an integer"],
    ["5:abc", "runs past the end"],
    ["l4:spam", "unterminated list"],
    ["d3:cow", "unexpected end"],
    ["di1ei2ee", "key is not a string"],
    ["i1ei2e", "trailing"],
    ["x", "unexpected byte"],
    ["99999999999999999999:a", "string length"],
    ["i99999999999999999999e", "too large"],
  ])("rejects %j with a clear error", (input, message) => {
    expect(() => decode(bytes(input))).toThrowError(
      expect.objectContaining({ code: "ERR_TORRENT_BENCODE", message: expect.stringContaining(message) }),
    );
  });

  it("stops at the nesting and token limits with ERR_TORRENT_LIMIT", () => {
    const deep = (n: number) => bytes("l".repeat(n) + "e".repeat(n));
    expect(() => decode(deep(99))).not.toThrow();
    expect(() => decode(deep(100))).toThrowError(
      expect.objectContaining({ code: "ERR_TORRENT_LIMIT", message: expect.stringContaining("maxDepth") }),
    );
    // "li1ei2ee": list, two integers, list end = 4 tokens.
    expect(() => decode(bytes("li1ei2ee"), { maxTokens: 4 })).not.toThrow();
    expect(() => decode(bytes("li1ei2ee"), { maxTokens: 3 })).toThrowError(
      expect.objectContaining({ code: "ERR_TORRENT_LIMIT", message: expect.stringContaining("maxTokens") }),
    );
  });

  it("keeps the first of repeated keys (as libtorrent) and reports repeats and disorder", () => {
    const { value, keyIssues } = decode(bytes("d1:bi1e1:ai2e1:bi3ee"));
    expect((value as Map<string, unknown>).get("b")).toBe(1);
    expect(keyIssues).toEqual([
      { kind: "unsorted", key: "a", at: 7 },
      { kind: "duplicate", key: "b", at: 13 },
    ]);
  });

  it("names the first key issue inside the top-level info only", () => {
    expect(decode(bytes("d1:zi1e1:ai1e4:infod1:ai1eee")).infoKeyIssue).toBeUndefined();
    expect(decode(bytes("d4:infod1:ai1e1:ai2eee")).infoKeyIssue).toMatchObject({
      kind: "duplicate",
      key: "a",
    });
  });

  it("reads past trailing bytes only when asked", () => {
    expect(() => decode(bytes("i1eXYZ"))).toThrowError(
      expect.objectContaining({ message: expect.stringContaining("trailing") }),
    );
    expect(decode(bytes("i1eXYZ"), { allowTrailing: true })).toMatchObject({ value: 1, end: 3 });
  });
});
