// HTTP conformance of the web seed: every rule of RFC 9110 ranges/conditionals that BEP 19 clients lean on.
import { execFileSync } from "node:child_process";
import { truncateSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebseedServer, type WebseedServer } from "../src/index.js";
import { type Fixture, makeFixture, raw, rawRequests, UNICODE_NAME } from "./helpers.js";

let fx: Fixture;
let ws: WebseedServer;
let port: number;

beforeAll(async () => {
  fx = makeFixture();
  // 256 KiB chunks so big.bin exercises the streaming path across many reads.
  ws = createWebseedServer({ root: fx.root, chunkSize: 256 * 1024 });
  port = (await ws.listen(0)).port;
});

afterAll(async () => {
  await ws.close();
  fx.cleanup();
});

describe("whole file and single ranges", () => {
  it("GET without Range: 200, exact length, validators, no compression, no-transform", async () => {
    const r = await raw(port, "/a.bin", { "Accept-Encoding": "gzip, br" });
    expect(r.status).toBe(200);
    expect(r.body.equals(fx.files["a.bin"]!)).toBe(true);
    expect(r.headers["content-length"]).toBe("100003");
    expect(r.headers["accept-ranges"]).toBe("bytes");
    expect(r.headers["content-encoding"]).toBeUndefined();
    expect(r.headers["content-range"]).toBeUndefined();
    expect(r.headers["cache-control"]).toMatch(/(^|, )no-transform(,|$)/);
    expect(r.headers.etag).toMatch(/^"[^"]+"$/); // strong: no W/
    expect(Date.parse(r.headers["last-modified"]!)).not.toBeNaN();
    expect(r.headers["content-type"]).toBe("application/octet-stream");
  });

  it("bytes=0-99 → 206 with the exact Content-Range", async () => {
    const r = await raw(port, "/a.bin", { Range: "bytes=0-99" });
    expect(r.status).toBe(206);
    expect(r.headers["content-range"]).toBe("bytes 0-99/100003");
    expect(r.headers["content-length"]).toBe("100");
    expect(r.body.equals(fx.files["a.bin"]!.subarray(0, 100))).toBe(true);
  });

  it("a range covering the whole file is still 206", async () => {
    const r = await raw(port, "/a.bin", { Range: "bytes=0-" });
    expect(r.status).toBe(206);
    expect(r.headers["content-range"]).toBe("bytes 0-100002/100003");
    expect(r.body.equals(fx.files["a.bin"]!)).toBe(true);
  });

  it("the last byte, a suffix range, a suffix longer than the file, an end past the file", async () => {
    const a = fx.files["a.bin"]!;
    const last = await raw(port, "/a.bin", { Range: "bytes=100002-100002" });
    expect([last.status, last.headers["content-range"], last.body[0]]).toEqual([
      206,
      "bytes 100002-100002/100003",
      a[100002],
    ]);
    const suffix = await raw(port, "/a.bin", { Range: "bytes=-10" });
    expect(suffix.headers["content-range"]).toBe("bytes 99993-100002/100003");
    expect(suffix.body.equals(a.subarray(99993))).toBe(true);
    const longSuffix = await raw(port, "/a.bin", { Range: "bytes=-200000" });
    expect([longSuffix.status, longSuffix.headers["content-range"]]).toEqual([206, "bytes 0-100002/100003"]);
    const pastEnd = await raw(port, "/a.bin", { Range: "bytes=100000-99999999999999999999" });
    expect(pastEnd.headers["content-range"]).toBe("bytes 100000-100002/100003");
    expect(pastEnd.body.equals(a.subarray(100000))).toBe(true);
  });

  it("range unit and spacing are read leniently (case-insensitive unit, whitespace)", async () => {
    const r = await raw(port, "/a.bin", { Range: "Bytes = 10-19" });
    expect(r.status).toBe(206);
    expect(r.headers["content-range"]).toBe("bytes 10-19/100003");
  });

  it("a large range streams across many reads, byte-exact", async () => {
    const big = fx.files["big.bin"]!;
    const r = await raw(port, "/big.bin", { Range: "bytes=1000-2500000" });
    expect(r.status).toBe(206);
    expect(r.body.equals(big.subarray(1000, 2500001))).toBe(true);
    const whole = await raw(port, "/big.bin");
    expect(whole.body.equals(big)).toBe(true);
  });

  it("unsatisfiable → 416 with bytes */length", async () => {
    const r = await raw(port, "/a.bin", { Range: "bytes=100003-" });
    expect(r.status).toBe(416);
    expect(r.headers["content-range"]).toBe("bytes */100003");
    const zero = await raw(port, "/a.bin", { Range: "bytes=-0" });
    expect(zero.status).toBe(416);
  });

  it("a 0-byte file ignores Range → 200 empty (WebTorrent asks empty files for bytes=0-N)", async () => {
    for (const range of ["bytes=0-", "bytes=0-16383", "bytes=-1"]) {
      const r = await raw(port, "/empty.bin", { Range: range });
      expect([range, r.status, r.headers["content-length"], r.headers["content-range"]]).toEqual([
        range,
        200,
        "0",
        undefined,
      ]);
    }
  });

  it("an empty file without Range is 200 with length 0", async () => {
    const r = await raw(port, "/empty.bin");
    expect(r.status).toBe(200);
    expect(r.headers["content-length"]).toBe("0");
  });

  it("malformed Range or another unit is ignored → 200 whole body", async () => {
    for (const range of ["bytes=5-1", "items=0-1", "bytes=abc", "bytes=1-2-3", "bytes="]) {
      const r = await raw(port, "/a.bin", { Range: range });
      expect([range, r.status]).toEqual([range, 200]);
      expect(r.body.length).toBe(100003);
    }
  });

  it("several ranges → 200 with the whole body; several unsatisfiable → 416", async () => {
    const r = await raw(port, "/a.bin", { Range: "bytes=0-9, 20-29" });
    expect(r.status).toBe(200);
    expect(r.body.equals(fx.files["a.bin"]!)).toBe(true);
    const none = await raw(port, "/a.bin", { Range: "bytes=200000-, 300000-" });
    expect(none.status).toBe(416);
  });

  it("HEAD gives the GET headers and no body", async () => {
    const [head, next] = await rawRequests(port, [
      "HEAD /a.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=5-9",
      "GET /a.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1",
    ]);
    expect(head!.status).toBe(206);
    expect(head!.headers["content-length"]).toBe("5");
    expect(head!.headers["content-range"]).toBe("bytes 5-9/100003");
    // The next response on the socket starts right after HEAD's headers: no body bytes were sent.
    expect(next!.status).toBe(206);
    expect(next!.body.equals(fx.files["a.bin"]!.subarray(0, 2))).toBe(true);
  });

  it("pipelined keep-alive requests are answered in order", async () => {
    const a = fx.files["a.bin"]!;
    const ranges = [
      [500, 999],
      [0, 0],
      [90000, 100002],
      [7, 70000],
    ] as const;
    const responses = await rawRequests(
      port,
      ranges.map(([s, e]) => `GET /a.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=${s}-${e}`),
    );
    responses.forEach((r, i) => {
      const [s, e] = ranges[i]!;
      expect(r.headers["content-range"]).toBe(`bytes ${s}-${e}/100003`);
      expect(r.body.equals(a.subarray(s, e + 1))).toBe(true);
    });
  });

  it("content type by extension; .torrent is application/x-bittorrent", async () => {
    writeFileSync(join(fx.root, "x.torrent"), "d4:infod4:name1:xee");
    const r = await raw(port, "/x.torrent");
    expect(r.headers["content-type"]).toBe("application/x-bittorrent");
  });
});

describe("validators and conditional requests", () => {
  let etag: string;
  let lastModified: string;
  beforeAll(async () => {
    const r = await raw(port, "/a.bin", {}, "HEAD");
    etag = r.headers.etag!;
    lastModified = r.headers["last-modified"]!;
  });

  it("If-Range with the current ETag → 206; another ETag or a weak one → 200 whole", async () => {
    expect((await raw(port, "/a.bin", { Range: "bytes=0-9", "If-Range": etag })).status).toBe(206);
    const other = await raw(port, "/a.bin", { Range: "bytes=0-9", "If-Range": '"other"' });
    expect(other.status).toBe(200);
    expect(other.body.length).toBe(100003);
    expect((await raw(port, "/a.bin", { Range: "bytes=0-9", "If-Range": `W/${etag}` })).status).toBe(200);
  });

  it("If-Range with the exact Last-Modified date → 206, another date → 200", async () => {
    expect((await raw(port, "/a.bin", { Range: "bytes=0-9", "If-Range": lastModified })).status).toBe(206);
    const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString();
    expect((await raw(port, "/a.bin", { Range: "bytes=0-9", "If-Range": earlier })).status).toBe(200);
  });

  it("If-None-Match matching (strong, weak or *) → 304 with the ETag, no body", async () => {
    for (const value of [etag, `W/${etag}`, "*", `"x", ${etag}`]) {
      const r = await raw(port, "/a.bin", { "If-None-Match": value });
      expect([value, r.status]).toEqual([value, 304]);
      expect(r.headers.etag).toBe(etag);
      expect(r.headers["content-length"]).toBeUndefined();
    }
    expect((await raw(port, "/a.bin", { "If-None-Match": '"nope"' })).status).toBe(200);
  });

  it("If-Modified-Since: not modified → 304, modified → 200; If-None-Match wins over it", async () => {
    expect((await raw(port, "/a.bin", { "If-Modified-Since": lastModified })).status).toBe(304);
    const before = new Date(Date.parse(lastModified) - 5000).toUTCString();
    expect((await raw(port, "/a.bin", { "If-Modified-Since": before })).status).toBe(200);
    const r = await raw(port, "/a.bin", { "If-None-Match": '"nope"', "If-Modified-Since": lastModified });
    expect(r.status).toBe(200);
    expect((await raw(port, "/a.bin", { "If-Modified-Since": "not a date" })).status).toBe(200);
  });

  it("If-Match mismatch or If-Unmodified-Since in the past → 412", async () => {
    expect((await raw(port, "/a.bin", { "If-Match": '"nope"' })).status).toBe(412);
    expect((await raw(port, "/a.bin", { "If-Match": etag, Range: "bytes=0-0" })).status).toBe(206);
    const past = new Date(Date.parse(lastModified) - 5000).toUTCString();
    expect((await raw(port, "/a.bin", { "If-Unmodified-Since": past })).status).toBe(412);
  });

  it("a rewritten file gets a new ETag once the stat cache expires", async () => {
    const fresh = createWebseedServer({ root: fx.root, statTtl: 0 });
    const p = (await fresh.listen(0)).port;
    try {
      writeFileSync(join(fx.root, "changing.bin"), "one");
      const first = await raw(p, "/changing.bin");
      writeFileSync(join(fx.root, "changing.bin"), "two!");
      utimesSync(join(fx.root, "changing.bin"), new Date(), new Date(Date.now() + 5000));
      const second = await raw(p, "/changing.bin");
      expect(second.body.toString()).toBe("two!");
      expect(second.headers.etag).not.toBe(first.headers.etag);
      expect(
        (await raw(p, "/changing.bin", { Range: "bytes=0-1", "If-Range": first.headers.etag! })).status,
      ).toBe(200);
    } finally {
      await fresh.close();
    }
  });
});

describe("CORS and methods", () => {
  it("OPTIONS preflight → 204 with the CORS headers WebTorrent needs", async () => {
    const r = await raw(
      port,
      "/a.bin",
      {
        Origin: "http://127.0.0.1:1",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "range",
      },
      "OPTIONS",
    );
    expect(r.status).toBe(204);
    expect(r.headers["access-control-allow-origin"]).toBe("*");
    expect(r.headers["access-control-allow-methods"]).toBe("GET, HEAD, OPTIONS");
    const allowed = r.headers["access-control-allow-headers"]!.split(/,\s*/).map((h) => h.toLowerCase());
    for (const h of ["range", "if-range", "cache-control", "user-agent"]) expect(allowed).toContain(h);
  });

  it("GET exposes Content-Range, Accept-Ranges, ETag, Content-Length to scripts", async () => {
    const r = await raw(port, "/a.bin", { Origin: "http://127.0.0.1:1", Range: "bytes=0-0" });
    expect(r.headers["access-control-allow-origin"]).toBe("*");
    const exposed = r.headers["access-control-expose-headers"]!.split(/,\s*/).map((h) => h.toLowerCase());
    for (const h of ["content-range", "accept-ranges", "etag", "content-length"])
      expect(exposed).toContain(h);
  });

  it("other methods → 405 with Allow", async () => {
    for (const method of ["POST", "PUT", "DELETE"]) {
      const r = await raw(port, "/a.bin", { "Content-Length": "0" }, method);
      expect(r.status).toBe(405);
      expect(r.headers.allow).toBe("GET, HEAD, OPTIONS");
    }
  });
});

describe("safety: never a byte outside the root, no dotfiles", () => {
  const cases: [string, string][] = [
    ["dot-dot", "/../outside.txt"],
    ["dot-dot deep", "/dir/../../outside.txt"],
    ["encoded dot-dot", "/%2e%2e/outside.txt"],
    ["encoded dot-dot upper", "/%2E%2E/outside.txt"],
    ["mixed dot-dot", "/.%2e/outside.txt"],
    ["encoded slash", "/dir%2f..%2f..%2foutside.txt"],
    ["encoded slash upper", "/dir%2F..%2F..%2Foutside.txt"],
    ["backslash", "/..\\outside.txt"],
    ["encoded backslash", "/..%5coutside.txt"],
    ["NUL", "/a.bin%00.txt"],
    ["NUL after dot-dot", "/..%00/outside.txt"],
    ["absolute (double slash)", "//etc/passwd"],
    ["absolute (encoded slash)", "/%2fetc%2fpasswd"],
    ["absolute-form URL", "http://127.0.0.1/../outside.txt"],
    ["overlong UTF-8 dot", "/%c0%ae%c0%ae/outside.txt"],
    ["bad percent escape", "/%zz.bin"],
    ["symlink to a file outside", "/escape.txt"],
    ["relative symlink outside", "/escape-relative.txt"],
    ["symlinked folder outside", "/escape-dir/outside.txt"],
    ["symlink to a dotfile", "/to-dotfile.txt"],
    ["dotfile", "/.secret"],
    ["encoded dotfile", "/%2esecret"],
    ["nested dotfile", "/dir/.hidden"],
    ["dot folder", "/.git/config"],
    ["single dot", "/./.secret"],
    ["a folder", "/dir"],
    ["a folder with slash", "/dir/"],
    ["the root", "/"],
  ];
  for (const [name, path] of cases) {
    it(`${name}: ${path} → 400/404, nothing secret`, async () => {
      const r = await raw(port, path);
      expect([400, 404]).toContain(r.status);
      expect(r.body.toString("latin1")).not.toMatch(/SECRET/);
    });
  }

  it("a FIFO under the root → 404 at once, without blocking the server", async () => {
    execFileSync("mkfifo", [join(fx.root, "pipe.bin")]);
    for (let i = 0; i < 6; i++) expect((await raw(port, "/pipe.bin")).status).toBe(404);
    expect((await raw(port, "/a.bin", { Range: "bytes=0-0" })).status).toBe(206);
  });

  it("a symlink that stays inside the root is served (and refused with followSymlinks: false)", async () => {
    const r = await raw(port, "/inside-link.bin", { Range: "bytes=0-9" });
    expect(r.status).toBe(206);
    expect(r.body.equals(fx.files["a.bin"]!.subarray(0, 10))).toBe(true);
    const strict = createWebseedServer({ root: fx.root, followSymlinks: false });
    const p = (await strict.listen(0)).port;
    try {
      expect((await raw(p, "/inside-link.bin")).status).toBe(404);
      expect((await raw(p, "/a.bin", { Range: "bytes=0-0" })).status).toBe(206);
    } finally {
      await strict.close();
    }
  });
});

describe("percent-decoding as real clients encode names", () => {
  const expected = () => fx.files[`dir/${UNICODE_NAME}`]!;
  const utf8 = (s: string) => Buffer.from(s, "utf8");
  // WebTorrent / browsers: encodeURIComponent per segment.
  const component = `/dir/${encodeURIComponent(UNICODE_NAME)}`;
  // libtorrent (escape_path) and aria2 leave sub-delims such as "+" "(" ")" unescaped.
  const keepSubDelims = `/dir/${encodeURIComponent(UNICODE_NAME).replace(/%2B/g, "+").replace(/%28/g, "(").replace(/%29/g, ")")}`;
  // Everything but unreserved escaped, lowercase hex digits (Transmission's tr_http_escape style, lowered).
  const everything = `/dir/${[...utf8(UNICODE_NAME)]
    .map((b) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).padStart(2, "0")}`,
    )
    .join("")}`;
  // A client that sends raw UTF-8 bytes (spaces still escaped).
  const rawUtf8 = `/dir/${utf8(UNICODE_NAME.replace(/ /g, "%20").replace(/#/g, "%23")).toString("latin1")}`;

  for (const [name, path] of [
    ["encodeURIComponent", component],
    ["sub-delims unescaped", keepSubDelims],
    ["all escaped, lowercase hex", everything],
  ] as const) {
    it(`${name} → the file`, async () => {
      const r = await raw(port, path, { Range: "bytes=0-" });
      expect(r.status).toBe(206);
      expect(r.body.equals(expected())).toBe(true);
    });
  }

  it("raw (unencoded) UTF-8 bytes are refused by Node's parser with a clean 400", async () => {
    const r = await raw(port, rawUtf8);
    expect(r.status).toBe(400);
  });

  it("a query string is ignored", async () => {
    const r = await raw(port, "/a.bin?x=1", { Range: "bytes=0-0" });
    expect(r.status).toBe(206);
  });
});

describe("counters", () => {
  it("counts requests and body bytes per file", async () => {
    const before = ws.webseed.stats().files["empty.bin"]?.requests ?? 0;
    await raw(port, "/empty.bin");
    const beforeBytes = ws.webseed.stats().files[`dir/${UNICODE_NAME}`]?.bytes ?? 0;
    await raw(port, `/dir/${encodeURIComponent(UNICODE_NAME)}`, { Range: "bytes=0-99" });
    const stats = ws.webseed.stats();
    expect(stats.files["empty.bin"]!.requests).toBe(before + 1);
    expect(stats.files[`dir/${UNICODE_NAME}`]!.bytes).toBe(beforeBytes + 100);
  });
});

describe("thread-pool reads (inlineReads: false) give the same bytes", () => {
  it("small ranges, pipelined, and a large streamed range", async () => {
    const pooled = createWebseedServer({ root: fx.root, inlineReads: false });
    const p = (await pooled.listen(0)).port;
    try {
      const a = fx.files["a.bin"]!;
      const ranges = [
        [0, 16383],
        [99000, 100002],
        [5, 5],
      ] as const;
      const responses = await rawRequests(
        p,
        ranges.map(([s, e]) => `GET /a.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=${s}-${e}`),
      );
      responses.forEach((r, i) => {
        const [s, e] = ranges[i]!;
        expect(r.status).toBe(206);
        expect(r.body.equals(a.subarray(s, e + 1))).toBe(true);
      });
      const big = await raw(p, "/big.bin", { Range: "bytes=100-2000000" });
      expect(big.body.equals(fx.files["big.bin"]!.subarray(100, 2000001))).toBe(true);
    } finally {
      await pooled.close();
    }
  });
});

describe("a file that shrinks under an open descriptor", () => {
  for (const inlineReads of [true, false]) {
    it(`answers 503 Retry-After: 1, never a short body (inlineReads: ${inlineReads})`, async () => {
      const name = `shrinking-${inlineReads}.bin`;
      writeFileSync(join(fx.root, name), Buffer.alloc(3 * 1024 * 1024, 1));
      // A long statTtl keeps the old size cached, as happens between two re-checks.
      const server = createWebseedServer({ root: fx.root, statTtl: 60_000, inlineReads });
      const p = (await server.listen(0)).port;
      try {
        expect((await raw(p, `/${name}`, { Range: "bytes=0-0" })).status).toBe(206);
        truncateSync(join(fx.root, name), 1000);
        const small = await raw(p, `/${name}`, { Range: "bytes=2000-2999" });
        expect([small.status, small.headers["retry-after"]]).toEqual([503, "1"]);
        // The entry was dropped: the next request sees the new size.
        const after = await raw(p, `/${name}`, { Range: "bytes=2000-2999" });
        expect(after.status).toBe(416);
        // The streaming path (a range over 64 KiB): the first chunk comes back short before any header went out.
        const other = `large-${name}`;
        writeFileSync(join(fx.root, other), Buffer.alloc(3 * 1024 * 1024, 1));
        expect((await raw(p, `/${other}`, { Range: "bytes=0-0" })).status).toBe(206);
        truncateSync(join(fx.root, other), 1000);
        const large = await raw(p, `/${other}`, { Range: "bytes=0-2999999" });
        expect([large.status, large.headers["retry-after"]]).toEqual([503, "1"]);
      } finally {
        await server.close();
      }
    });
  }
});
