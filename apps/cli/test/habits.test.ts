// The command's manners: help and version, -q, a closed pipe, errors in words, the verify hint,
// and one --json shape per concept across create, info, magnet and verify.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, seedpress } from "./run-cli.js";

const dir = mkdtempSync(path.join(tmpdir(), "seedpress-habits-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const release = path.join(dir, "release");
const torrent = path.join(dir, "release.torrent");
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

beforeAll(() => {
  mkdirSync(path.join(release, "sub"), { recursive: true });
  // Enough files that `info` writes more than a pipe holds (64 KiB) after `head` has gone.
  for (let i = 0; i < 3000; i++) writeFileSync(path.join(release, "sub", `file-${i}.txt`), `${i}\n`);
  writeFileSync(path.join(release, "image.img"), Buffer.alloc(40_000, 5));
  const r = seedpress(["create", release, "-o", torrent, "-q", "-a", "http://127.0.0.1:1/announce"]);
  expect(r.code).toBe(0);
});

describe("seedpress habits", () => {
  it("prints its version from package.json, and writes it into `created by`", () => {
    for (const flag of ["-V", "--version"]) expect(seedpress([flag]).stdout).toBe(`${pkg.version}\n`);
    expect(JSON.parse(seedpress(["info", torrent, "--json"]).stdout).createdBy).toMatch(
      /^seedpress\/\d+\.\d+\.\d+/,
    );
  });

  it("`seedpress help <command>` is `seedpress <command> --help`", () => {
    for (const name of [
      "create",
      "info",
      "verify",
      "magnet",
      "serve",
      "tracker",
      "site",
      "mirrors",
      "metalink",
    ]) {
      const viaHelp = seedpress(["help", name]);
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.stdout).toContain(`Usage: seedpress ${name}`);
      expect(seedpress([name, "--help"]).stdout).toBe(viaHelp.stdout);
    }
    const unknown = seedpress(["help", "frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });

  it("lists every command in --help; no command at all is a usage error", () => {
    const help = seedpress(["--help"]);
    expect(help.code).toBe(0);
    for (const name of [
      "create",
      "info",
      "verify",
      "magnet",
      "serve",
      "tracker",
      "site",
      "mirrors",
      "metalink",
    ])
      expect(help.stdout).toMatch(new RegExp(`^ {2}${name} +\\S`, "m"));
    const none = seedpress([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("Usage: seedpress");
  });

  it("-q prints nothing on success, still the error on failure", () => {
    const out = path.join(dir, "quiet.torrent");
    const r = seedpress(["-q", "create", path.join(release, "image.img"), "-o", out]);
    expect(r).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect(seedpress(["verify", torrent, release, "--quiet"])).toMatchObject({ code: 0, stdout: "" });
    const failed = seedpress(["create", path.join(release, "image.img"), "-o", out, "-q"]);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain("already exists");
  });

  it("ends quietly when the reader of its output goes away (`info x | head -1`)", async () => {
    const child = spawn(process.execPath, [bin, "info", torrent], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const first = await new Promise<string>((resolve) => {
      child.stdout.once("data", (d: Buffer) => {
        child.stdout.destroy(); // what `head -1` does once it has its line
        resolve(d.toString());
      });
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(first).toMatch(/^name: +release/);
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });

  it("says what went wrong in words, not errno codes", () => {
    const missing = seedpress(["info", path.join(dir, "nope.torrent")]);
    expect(missing.stderr).toBe(
      `seedpress info: cannot read ${path.join(dir, "nope.torrent")}: no such file or folder\n`,
    );
    const folder = seedpress(["info", dir]);
    expect(folder.stderr).toContain("is a folder");
    expect(folder.stderr).not.toMatch(/\bE[A-Z]{3,}\b/);
  });

  it("verify, given the folder that holds the torrent's folder, says which folder to give", () => {
    const r = seedpress(["verify", torrent, dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`holds the torrent's folder "release": give the folder itself`);
    expect(r.stderr).toContain(release);
  });

  it("uses one JSON shape for a torrent (create, info) and one for a magnet link (magnet, info magnet:)", () => {
    const out = path.join(dir, "shape.torrent");
    const created = JSON.parse(
      seedpress(["create", release, "-o", out, "--hybrid", "-w", "http://127.0.0.1:2/", "--json"]).stdout,
    );
    const info = JSON.parse(seedpress(["info", out, "--json"]).stdout);
    const { file, warnings, ...torrentPart } = created;
    expect(file).toBe(out);
    expect(warnings).toEqual([]);
    expect(torrentPart).toEqual(info);
    expect(Object.keys(info)).toEqual(
      expect.arrayContaining([
        "name",
        "version",
        "infoHash",
        "infoHashV2",
        "pieceLength",
        "pieces",
        "length",
      ]),
    );
    expect(info.files).toHaveLength(3001);
    expect(info.files[0]).toEqual({ path: "image.img", length: 40_000, piecesRoot: expect.any(String) });

    const magnet = JSON.parse(seedpress(["magnet", out, "--json"]).stdout);
    expect(magnet.magnet).toBe(info.magnet);
    expect(magnet).toMatchObject({ infoHash: info.infoHash, infoHashV2: info.infoHashV2, name: "release" });
    expect(JSON.parse(seedpress(["info", magnet.magnet, "--json"]).stdout)).toEqual(magnet);
    expect(seedpress(["magnet", out]).stdout).toBe(`${info.magnet}\n`);

    const verified = JSON.parse(seedpress(["verify", out, release, "--json"]).stdout);
    expect(verified).toMatchObject({ ok: true, version: "hybrid", badPieceCount: 0, failures: [] });
  });
});
