import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { seedpress } from "./run-cli.js";

const dir = mkdtempSync(path.join(tmpdir(), "seedpress-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const release = path.join(dir, "release");
mkdirSync(path.join(release, "sub"), { recursive: true });
writeFileSync(path.join(release, "image.img"), Buffer.alloc(100_000, 3));
writeFileSync(path.join(release, "sub", "notes.txt"), "release notes\n");

describe("seedpress create / info / magnet / verify", () => {
  it("creates a hybrid torrent and reports it as JSON", () => {
    const out = path.join(dir, "release.torrent");
    const r = seedpress([
      "create",
      release,
      "--hybrid",
      "-l",
      "16KiB",
      "-a",
      "http://127.0.0.1:1/announce",
      "-w",
      "http://127.0.0.1:2/",
      "-o",
      out,
      "--json",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({
      file: out,
      name: "release",
      pieceLength: 16384,
      length: 100_014,
      files: [
        { path: "image.img", length: 100_000, piecesRoot: expect.any(String) },
        { path: "sub/notes.txt", length: 14, piecesRoot: expect.any(String) },
      ],
      version: "hybrid",
    });
    expect(json.infoHash).toMatch(/^[0-9a-f]{40}$/);
    expect(json.infoHashV2).toMatch(/^[0-9a-f]{64}$/);

    const info = JSON.parse(seedpress(["info", out, "--json"]).stdout);
    expect(info).toMatchObject({
      name: "release",
      infoHash: json.infoHash,
      infoHashV2: json.infoHashV2,
      pieceLength: 16384,
      length: 100_014,
      private: false,
    });
    expect(info.files).toEqual([
      { path: "image.img", length: 100_000, piecesRoot: expect.any(String) },
      { path: "sub/notes.txt", length: 14, piecesRoot: expect.any(String) },
    ]);
    expect(info.announce).toEqual([["http://127.0.0.1:1/announce"]]);
    expect(info.urlList).toEqual(["http://127.0.0.1:2/"]);

    const magnet = seedpress(["magnet", out]).stdout.trim();
    expect(magnet).toContain(`xt=urn:btih:${json.infoHash}`);
    expect(magnet).toContain(`xt=urn:btmh:1220${json.infoHashV2}`);
    expect(JSON.parse(seedpress(["info", magnet, "--json"]).stdout)).toMatchObject({
      infoHash: json.infoHash,
      infoHashV2: json.infoHashV2,
      name: "release",
    });

    expect(seedpress(["verify", out, release]).code).toBe(0);
  });

  it("exits 1 and names the bad piece when data is corrupt", () => {
    const out = path.join(dir, "v1.torrent");
    expect(seedpress(["create", release, "-l", "16KiB", "-o", out]).code).toBe(0);
    const image = path.join(release, "image.img");
    const data = readFileSync(image);
    data[40_000] ^= 1; // piece 2 (32768-49151)
    writeFileSync(image, data);
    const r = seedpress(["verify", out, release, "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).failures).toEqual([
      { path: "image.img", reason: "hash", piece: 2, start: 32768, end: 49152 },
    ]);
    const human = seedpress(["verify", out, release]);
    expect(human.stdout).toContain("image.img: piece 2 bad (bytes 32768-49151)");
    data[40_000] ^= 1;
    writeFileSync(image, data);
  });

  it.each([
    [["create"], "expected one <path>"],
    [["create", path.join(dir, "missing")], "no such file or folder"],
    [["create", release, "--piece-length", "12345"], "not a power of two"],
    [["create", release, "--piece-length", "huge"], "is not a size"],
    [["create", release, "--v1", "--v2"], "choose one"],
    [["create", release, "--bogus"], "Unknown option"],
    [["info", path.join(dir, "nope.torrent")], "cannot read"],
    [["verify", path.join(dir, "nope.torrent"), release], "cannot read"],
    [["frobnicate"], "unknown command"],
  ])("exits 2 with a one-line error for %j", (args, message) => {
    const r = seedpress(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("exits 2 on a malformed torrent and leaves no output behind on failure", () => {
    const bad = path.join(dir, "bad.torrent");
    writeFileSync(bad, "d4:infod4:name");
    const r = seedpress(["info", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("bad.torrent: bad bencoding");
    const out = path.join(dir, "never.torrent");
    expect(seedpress(["create", release, "-l", "3", "-o", out]).code).toBe(2);
    expect(() => readFileSync(out)).toThrow();
  });
});
