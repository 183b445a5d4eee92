// `seedpress mirrors` against real nginx mirrors, each right or wrong in one known way. The torrent
// is made by mktorrent and read back with parse-torrent, so the expected pieces come from them.
import { execFileSync } from "node:child_process";
import { createHash, randomFillSync } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import parseTorrent from "parse-torrent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NginxMirror } from "../../../packages/mirrors/test/nginx.js";
import {
  copyInto,
  flipByte,
  type MirrorKind,
  seedpressAsync,
  shorten,
  startMirrors,
  startSlowServer,
  stopAll,
} from "./mirrors-fixtures.js";

const dir = mkdtempSync(path.join(tmpdir(), "seedpress-mirrors-"));
const NAME = "Release 1.0";
const release = path.join(dir, "src", NAME);
const FILES: [string, number][] = [
  ["a.bin", 100_000],
  ["sub dir/b (1).bin", 150_000],
  ["c!.txt", 5_000],
];
const FLIP_FILE = "sub dir/b (1).bin";
const FLIP_AT = 70_000;
const PIECE_LENGTH = 1 << 15;
const kinds: MirrorKind[] = ["good", "layout", "stale", "flipped", "norange", "redirect"];
let mirrors: Map<MirrorKind, NginxMirror>;
let torrent: string;
let files: { path: string; offset: number; length: number }[];
const seed = (kind: MirrorKind) => `${mirrors.get(kind)!.origin}/`;

beforeAll(async () => {
  for (const [name, size] of FILES) {
    mkdirSync(path.dirname(path.join(release, name)), { recursive: true });
    writeFileSync(path.join(release, name), randomFillSync(Buffer.alloc(size)));
  }
  mirrors = await startMirrors(path.join(dir, "mirrors"), kinds, (kind, root) => {
    if (kind === "layout") {
      // Qubes #3539: the files are there, but not in a folder named after the torrent.
      for (const [name] of FILES) copyInto(path.join(release, name), root, name);
      return;
    }
    const copy = copyInto(release, root);
    if (kind === "stale") shorten(path.join(copy, "c!.txt"), 4_000);
    if (kind === "flipped") flipByte(path.join(copy, FLIP_FILE), FLIP_AT);
  });
  torrent = path.join(dir, "release.torrent");
  const webSeeds = kinds.flatMap((k) => ["-w", seed(k)]);
  execFileSync("mktorrent", ["-l", "15", ...webSeeds, "-o", torrent, release], { stdio: "ignore" });
  const parsed = await parseTorrent(readFileSync(torrent));
  files = (parsed.files as { path: string; offset: number; length: number }[]).map((f) => ({
    path: f.path.split(path.sep).join("/"),
    offset: f.offset,
    length: f.length,
  }));
  expect((parsed as unknown as { pieceLength: number }).pieceLength).toBe(PIECE_LENGTH);
});
afterAll(() => stopAll(mirrors?.values() ?? [], dir));

function fileAt(name: string) {
  return files.find((f) => f.path === `${NAME}/${name}`)!;
}

describe("seedpress mirrors", () => {
  it("names the mirror, the file and the piece that is wrong, and exits 1", async () => {
    const r = await seedpressAsync(["mirrors", torrent, "--pieces", "all", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    const by = (kind: MirrorKind) => report.mirrors.find((m: { url: string }) => m.url === seed(kind));
    const kindsOf = (kind: MirrorKind) =>
      by(kind)
        .problems.map((p: { kind: string }) => p.kind)
        .sort();

    expect(by("good")).toMatchObject({ status: "ok", problems: [], cors: true, acceptRanges: "bytes" });
    expect(by("good").pieces).toEqual({ checked: 8, ok: 8, skipped: 0 });

    const flippedPiece = Math.floor((fileAt(FLIP_FILE).offset + FLIP_AT) / PIECE_LENGTH);
    expect(by("flipped").status).toBe("failed");
    expect(by("flipped").problems).toEqual([
      {
        kind: "wrong-bytes",
        pieces: [
          { piece: flippedPiece, files: [`${NAME}/${FLIP_FILE}`], hashes: ["v1"], reasons: ["random"] },
        ],
        count: 1,
      },
    ]);

    expect(by("stale").problems).toEqual([
      {
        kind: "stale",
        files: [
          {
            path: `${NAME}/c!.txt`,
            url: `${seed("stale")}Release%201.0/c!.txt`,
            expected: 5_000,
            actual: 4_000,
          },
        ],
        count: 1,
      },
    ]);
    // Every piece touching the stale file is skipped, the others are checked and good.
    const c = fileAt("c!.txt");
    const touching =
      Math.floor((c.offset + c.length - 1) / PIECE_LENGTH) - Math.floor(c.offset / PIECE_LENGTH) + 1;
    expect(by("stale").pieces).toEqual({ checked: 8 - touching, ok: 8 - touching, skipped: touching });

    const layout = by("layout").problems.find((p: { kind: string }) => p.kind === "layout");
    expect(layout.files.map((f: { path: string; status: number }) => [f.path, f.status]).sort()).toEqual(
      FILES.map(([name]) => [`${NAME}/${name}`, 404]).sort(),
    );
    expect(by("layout").status).toBe("failed");

    expect(kindsOf("norange")).toEqual(["ignores-range", "no-cors"]);
    expect(by("norange").status).toBe("failed");

    expect(by("redirect").status).toBe("warning");
    expect(kindsOf("redirect")).toEqual(["redirect"]);
    const hops = by("redirect").problems[0].hops;
    // One hop per URL asked: libtorrent's spelling of each file, plus aria2's where it differs.
    expect(hops.map((h: { from: string }) => h.from)).toEqual(
      expect.arrayContaining([
        `${seed("redirect")}Release%201.0/a.bin`,
        `${seed("redirect")}Release%201.0/c%21.txt`,
      ]),
    );
    for (const hop of hops) {
      expect(hop.status).toBe(302);
      expect(hop.to.startsWith(seed("good"))).toBe(true);
    }
    expect(by("redirect").pieces).toEqual({ checked: 8, ok: 8, skipped: 0 });
    expect(report.ok).toBe(false);
  });

  it("prints one line per mirror and always checks the last piece and one spanning two files", async () => {
    const r = await seedpressAsync([
      "mirrors",
      torrent,
      "--pieces",
      "1",
      "--no-url-list",
      "-m",
      seed("good"),
    ]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^ok +${seed("good")} +2/2 pieces ok; [\\d.]+ [KMG]?i?B/s$`));
    const json = JSON.parse((await seedpressAsync(["mirrors", torrent, "--pieces", "1", "--json"])).stdout);
    const lastPiece = Math.ceil(files.reduce((s, f) => s + f.length, 0) / PIECE_LENGTH) - 1;
    const spanning = Math.floor(
      fileAt(FILES.map(([n]) => n).find((n) => fileAt(n).offset > 0)!).offset / PIECE_LENGTH,
    );
    const picked = json.pieces.map((p: { piece: number }) => p.piece);
    expect(picked).toContain(lastPiece);
    expect(picked).toContain(spanning);
    // The seed in the report repeats the choice.
    const again = await seedpressAsync([
      "mirrors",
      torrent,
      "--pieces",
      "3",
      "--seed",
      String(json.seed),
      "--json",
    ]);
    const first = await seedpressAsync([
      "mirrors",
      torrent,
      "--pieces",
      "3",
      "--seed",
      String(json.seed),
      "--json",
    ]);
    expect(JSON.parse(again.stdout).pieces).toEqual(JSON.parse(first.stdout).pieces);
  });

  it("human output names each failure on its mirror's line", async () => {
    const r = await seedpressAsync(["mirrors", torrent, "--pieces", "all"]);
    expect(r.code).toBe(1);
    const line = (kind: MirrorKind) => r.stdout.split("\n").find((l) => l.includes(seed(kind)))!;
    const flippedPiece = Math.floor((fileAt(FLIP_FILE).offset + FLIP_AT) / PIECE_LENGTH);
    expect(line("flipped")).toMatch(
      new RegExp(`^FAILED .*wrong bytes: piece ${flippedPiece} \\(${NAME}/sub dir/b \\(1\\)\\.bin\\)`),
    );
    expect(line("stale")).toContain(`stale: ${NAME}/c!.txt is 4000 bytes, the torrent says 5000`);
    expect(line("layout")).toContain("layout mismatch: 3 file(s) not found");
    expect(line("norange")).toContain("ignores Range");
    expect(line("redirect")).toMatch(/^WARNING .*redirects: /);
    expect(line("good")).toMatch(/^ok /);
    expect(r.stdout).toContain("6 mirror(s): 1 ok, 1 with warnings, 4 failed");
  });

  it("metalink --local hashes each file of the multi-file release, checking the pieces across files", async () => {
    const meta4 = path.join(dir, "multi.meta4");
    const r = await seedpressAsync(["metalink", torrent, "--local", release, "-o", meta4]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const xml = readFileSync(meta4, "utf8");
    for (const [name] of FILES) {
      const sha = createHash("sha256")
        .update(readFileSync(path.join(release, name)))
        .digest("hex");
      expect(xml).toContain(`<file name="${NAME}/${name}">`);
      expect(xml).toContain(`<hash type="sha-256">${sha}</hash>`);
    }
    // Pieces span files here: no <pieces> a client could misread as the file's own.
    expect(xml).not.toContain("<pieces");
    const flipped = path.join(dir, "mirrors", "flipped", "root", NAME);
    const bad = await seedpressAsync([
      "metalink",
      torrent,
      "--local",
      flipped,
      "-o",
      path.join(dir, "bad.meta4"),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("of the local copy does not match the torrent");
  });

  it("reports a server that answers slowly forever as a timeout", async () => {
    const slow = await startSlowServer();
    try {
      const r = await seedpressAsync([
        "mirrors",
        torrent,
        "--no-url-list",
        "-m",
        `${slow.origin}/`,
        "--timeout",
        "1500",
        "--json",
      ]);
      expect(r.code).toBe(1);
      const [m] = JSON.parse(r.stdout).mirrors;
      expect(m.status).toBe("failed");
      expect(m.problems).toEqual([
        {
          kind: "timeout",
          url: `${slow.origin}/Release%201.0/a.bin`,
          message: expect.stringContaining("1500 ms"),
        },
      ]);
    } finally {
      await slow.close();
    }
  });

  it("reports a closed port as unreachable", async () => {
    const stopped = mirrors.get("good")!.origin.replace(/:\d+$/, ":1");
    const r = await seedpressAsync(["mirrors", torrent, "--no-url-list", "-m", `${stopped}/`, "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).mirrors[0].problems[0]).toMatchObject({ kind: "unreachable" });
  });

  it("rejects bad input with exit 2: no web seeds, a non-http mirror, bad numbers", async () => {
    const bare = path.join(dir, "bare.torrent");
    execFileSync("mktorrent", ["-l", "15", "-o", bare, release], { stdio: "ignore" });
    let r = await seedpressAsync(["mirrors", bare]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `seedpress mirrors: ${NAME}: the torrent lists no web seed (url-list) and no mirror was given [ERR_MIRRORS_NO_WEB_SEEDS]\n`,
    );
    r = await seedpressAsync(["mirrors", torrent, "-m", "ftp://127.0.0.1/pub/"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is not http(s) (ftp)");
    expect(r.stderr).toContain("[ERR_MIRRORS_URL]");
    r = await seedpressAsync(["mirrors", torrent, "--pieces", "0"]);
    expect(r.code).toBe(2);
    r = await seedpressAsync(["mirrors", path.join(dir, "missing.torrent")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cannot read");
  });
});
