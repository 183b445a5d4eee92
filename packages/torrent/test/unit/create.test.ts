import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createTorrent } from "../../src/create.js";
import { parseTorrent } from "../../src/parse.js";
import { writeTorrentFile } from "../../src/write-file.js";
import { tempDir } from "./tmp.js";

const dir = tempDir();
const code = (c: string) => expect.objectContaining({ code: c });

function tree(root: string, files: Record<string, string | number>): string {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, typeof content === "number" ? Buffer.alloc(content, 7) : content);
  }
  return root;
}

describe("createTorrent inputs", () => {
  const root = tree(path.join(dir, "site"), {
    "b.txt": "b",
    "a/x.bin": 100,
    ".hidden": "h",
    ".DS_Store": "junk",
    "sub/Thumbs.db": "junk",
    "sub/desktop.ini": "junk",
    "sub/empty": 0,
    "sub/deep/z.iso": 5000,
  });
  mkdirSync(path.join(dir, "outside"), { recursive: true });
  writeFileSync(path.join(dir, "outside", "secret"), "secret");
  symlinkSync(path.join(dir, "outside", "secret"), path.join(root, "leak"));
  symlinkSync(path.join(root, "b.txt"), path.join(root, "link-inside"));

  it("walks folders in byte order, leaves out hidden files and OS junk, keeps empty files, follows only inside links", async () => {
    const t = await createTorrent(root, { creationDate: false });
    expect(t.files.map((f) => f.path)).toEqual([
      "a/x.bin",
      "b.txt",
      "link-inside",
      "sub/deep/z.iso",
      "sub/empty",
    ]);
  });

  it("includes hidden files when asked, and applies include/exclude globs", async () => {
    const all = await createTorrent(root, { includeHidden: true });
    expect(all.files.map((f) => f.path)).toContain(".DS_Store");
    const isos = await createTorrent(root, { include: ["**/*.iso", "*.txt"] });
    expect(isos.files.map((f) => f.path)).toEqual(["b.txt", "sub/deep/z.iso"]);
    const noSub = await createTorrent(root, { exclude: ["sub/**"] });
    expect(noSub.files.map((f) => f.path)).toEqual(["a/x.bin", "b.txt", "link-inside"]);
  });

  it("writes only the fields asked for, with tiers, web seeds and SOURCE_DATE_EPOCH", async () => {
    process.env.SOURCE_DATE_EPOCH = "1700000000";
    try {
      const a = await createTorrent(root, {
        announce: ["http://t1/a", "udp://t2:6969"],
        webSeeds: ["https://m/x"],
        comment: "c",
        source: "S",
        private: true,
      });
      const b = await createTorrent(root, {
        announce: ["http://t1/a", "udp://t2:6969"],
        webSeeds: ["https://m/x"],
        comment: "c",
        source: "S",
        private: true,
      });
      expect(Buffer.compare(a.torrent, b.torrent)).toBe(0);
      expect(a).toMatchObject({
        creationDate: 1700000000,
        announce: [["http://t1/a"], ["udp://t2:6969"]],
        urlList: ["https://m/x/"],
        private: true,
        source: "S",
      });
      const infoText = Buffer.from(a.infoBuffer).toString("latin1");
      expect(infoText).not.toContain("encoding");
      expect(infoText).not.toContain("attr");
      expect(infoText).not.toContain("mtime");
    } finally {
      delete process.env.SOURCE_DATE_EPOCH;
    }
    const bare = await createTorrent(root, { createdBy: false, creationDate: false });
    const text = Buffer.from(bare.torrent).toString("latin1");
    expect(text).not.toContain("created by");
    expect(text).not.toContain("creation date");
    expect(text).not.toContain("announce");
  });

  it("uses the file's own URL as a single-file web seed", async () => {
    const t = await createTorrent(path.join(root, "b.txt"), { webSeeds: ["https://m/files/b.txt"] });
    expect(t.urlList).toEqual(["https://m/files/b.txt"]);
    expect(t.singleFile).toBe(true);
  });

  it.each([
    ["a missing path", () => createTorrent(path.join(dir, "nope")), "ERR_TORRENT_PATH_NOT_FOUND"],
    [
      "an empty folder",
      () => {
        mkdirSync(path.join(dir, "empty-dir"), { recursive: true });
        return createTorrent(path.join(dir, "empty-dir"));
      },
      "ERR_TORRENT_EMPTY",
    ],
    [
      "only empty files",
      () => createTorrent(tree(path.join(dir, "zeros"), { a: 0, b: 0 })),
      "ERR_TORRENT_EMPTY",
    ],
    ["a bad piece length", () => createTorrent(root, { pieceLength: 1000 }), "ERR_TORRENT_PIECE_LENGTH"],
    ["a bad tracker", () => createTorrent(root, { announce: ["not a url"] }), "ERR_TORRENT_OPTION"],
    ["a bad web seed", () => createTorrent(root, { webSeeds: ["ftp://x/"] }), "ERR_TORRENT_OPTION"],
    ["an unsafe name", () => createTorrent(root, { name: "../x" }), "ERR_TORRENT_PATH_UNSAFE"],
  ])("fails clearly on %s", async (_label, run, expected) => {
    await expect(run()).rejects.toThrowError(code(expected));
  });

  it("fails clearly on a path that cannot be read", async () => {
    writeFileSync(path.join(dir, "plain"), "x");
    await expect(createTorrent(path.join(dir, "plain", "child"))).rejects.toThrowError(
      code("ERR_TORRENT_PATH_UNREADABLE"),
    );
    execFileSync("mkfifo", [path.join(dir, "fifo")]);
    await expect(createTorrent(path.join(dir, "fifo"))).rejects.toThrowError(
      code("ERR_TORRENT_PATH_UNREADABLE"),
    );
  });

  it("fails when a file shrinks while it is hashed", async () => {
    const file = path.join(dir, "shrinking.bin");
    writeFileSync(file, Buffer.alloc(48 * 1024 * 1024, 1));
    let truncated = false;
    const run = createTorrent(file, {
      pieceLength: 1024 * 1024,
      threads: 1,
      onProgress: () => {
        if (!truncated) truncateSync(file, 1024 * 1024);
        truncated = true;
      },
    });
    await expect(run).rejects.toThrowError(code("ERR_TORRENT_FILE_CHANGED"));
  });

  it("stops when aborted", async () => {
    const file = path.join(dir, "abort.bin");
    writeFileSync(file, Buffer.alloc(64 * 1024 * 1024, 2));
    const controller = new AbortController();
    const run = createTorrent(file, { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(run).rejects.toThrowError(code("ERR_TORRENT_ABORTED"));
  });
});

describe("writeTorrentFile", () => {
  it("writes atomically and leaves nothing behind on failure", async () => {
    const out = path.join(dir, "out");
    mkdirSync(out);
    await writeTorrentFile(path.join(out, "a.torrent"), new Uint8Array([1, 2, 3]));
    expect(readdirSync(out)).toEqual(["a.torrent"]);
    await expect(
      writeTorrentFile(path.join(out, "no-such-dir", "b.torrent"), new Uint8Array([1])),
    ).rejects.toThrowError(code("ERR_TORRENT_WRITE"));
    // Writing over a folder fails at the rename: the temp file must be gone.
    mkdirSync(path.join(out, "c.torrent"));
    await expect(writeTorrentFile(path.join(out, "c.torrent"), new Uint8Array([1]))).rejects.toThrowError(
      code("ERR_TORRENT_WRITE"),
    );
    expect(readdirSync(out).sort()).toEqual(["a.torrent", "c.torrent"]);
    expect(existsSync(path.join(out, "c.torrent"))).toBe(true);
  });

  it("round-trips through parseTorrent", async () => {
    const t = await createTorrent(path.join(dir, "site"), { version: "hybrid" });
    const again = parseTorrent(t.torrent);
    expect(again.infoHash).toBe(t.infoHash);
    expect(again.infoHashV2).toBe(t.infoHashV2);
  });
});

describe("createTorrent's result", () => {
  // Binary fields as hex, so a Buffer and a Uint8Array of the same bytes compare equal.
  const plain = (value: unknown): unknown => {
    if (value instanceof Uint8Array) return Buffer.from(value).toString("hex");
    if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, plain(v)]));
    if (Array.isArray(value)) return value.map(plain);
    if (value && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
    return value;
  };
  const folder = tree(path.join(dir, "consistency"), {
    "a.bin": 40_000,
    "b/empty": 0,
    "b/c.bin": 70_000,
    "d.txt": 5,
  });

  it.each(["v1", "v2", "hybrid"] as const)(
    "is what parseTorrent reads back from its bytes (%s)",
    async (version) => {
      for (const input of [folder, path.join(folder, "b", "c.bin")]) {
        for (const tailPad of [true, false]) {
          const { torrent, warnings, metainfo, ...meta } = await createTorrent(input, {
            version,
            pieceLength: 16384,
            tailPad,
            announce: [["http://a/1", "http://a/2"], ["udp://b:1"]],
            webSeeds: ["http://w/"],
            comment: "c",
            source: "s",
            private: true,
          });
          expect(warnings).toEqual([]);
          expect(plain(meta)).toEqual(plain(parseTorrent(torrent)));
          expect(Buffer.from(metainfo.toBytes()).equals(Buffer.from(torrent))).toBe(true);
        }
      }
    },
  );
});
