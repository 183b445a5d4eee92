// `create` never destroys data: every way an output could land on something that matters is refused
// before any hashing, and the refusals leave the target untouched.

import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { seedpress } from "./run-cli.js";

const dir = mkdtempSync(path.join(tmpdir(), "seedpress-create-output-"));
chmodSync(dir, 0o755); // readable by the unprivileged user of the exit-3 case
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const small = path.join(dir, "small.bin");
const smallBytes = Buffer.alloc(5000, 9);
writeFileSync(small, smallBytes, { mode: 0o644 });

function expectRefused(args: string[], message: string, code = 2) {
  const r = seedpress(["create", ...args]);
  expect(r.stderr).toContain(message);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.code).toBe(code);
  return r;
}

describe("seedpress create refuses to destroy data", () => {
  it("refuses the input itself as output, even with --force", () => {
    expectRefused([small, "-o", small], "is the input itself");
    expectRefused([small, "-o", small, "--force"], "is the input itself");
    expect(readFileSync(small)).toEqual(smallBytes);
  });

  it("refuses a hard link to the input (the same file under another name)", () => {
    const twin = path.join(dir, "twin.torrent");
    execFileSync("ln", [small, twin]);
    expectRefused([small, "-o", twin, "--force"], "is the input itself");
    expect(readFileSync(twin)).toEqual(smallBytes);
  });

  it("refuses an existing output without --force, replaces it with --force", () => {
    const out = path.join(dir, "existing.torrent");
    writeFileSync(out, "keep me");
    expectRefused([small, "-o", out], "already exists (--force replaces it)");
    expect(readFileSync(out, "utf8")).toBe("keep me");
    const r = seedpress(["create", small, "-o", out, "--force", "-q"]);
    expect(r.code).toBe(0);
    expect(readFileSync(out, "latin1").startsWith("d")).toBe(true);
  });

  it("refuses a FIFO, a device and a symlink as output, even with --force", () => {
    const fifo = path.join(dir, "pipe.torrent");
    execFileSync("mkfifo", [fifo]);
    expectRefused([small, "-o", fifo, "--force"], "is a FIFO, not a regular file");
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expectRefused([small, "-o", "/dev/null", "--force"], "is a device, not a regular file");
    const target = path.join(dir, "precious.txt");
    writeFileSync(target, "precious");
    const link = path.join(dir, "link.torrent");
    symlinkSync(target, link);
    expectRefused([small, "-o", link, "--force"], "is a symbolic link, not a regular file");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, "utf8")).toBe("precious");
    const folder = path.join(dir, "a-folder.torrent");
    mkdirSync(folder);
    expectRefused([small, "-o", folder, "--force"], "is a folder, not a regular file");
  });

  it("refuses an output that is one of the files it would hash, even with --force", () => {
    const release = path.join(dir, "release-a");
    mkdirSync(release);
    writeFileSync(path.join(release, "image.img"), Buffer.alloc(3000, 1));
    writeFileSync(path.join(release, "notes.txt"), "notes");
    expectRefused([release, "-o", path.join(release, "notes.txt"), "--force"], "is one of the files to hash");
    expect(readFileSync(path.join(release, "notes.txt"), "utf8")).toBe("notes");
  });

  it("checks the output folder before hashing: missing is bad input (2), unwritable the environment (3)", () => {
    // The input is a FIFO nobody writes to: hashing it would block, so a quick answer proves the order.
    const never = path.join(dir, "never-written");
    execFileSync("mkfifo", [never]);
    expectRefused([never, "-o", path.join(dir, "no-such-folder", "x.torrent")], "the output folder");
    expectRefused([small, "-o", path.join(dir, "small.bin", "x.torrent")], "is not a folder");
    const locked = path.join(dir, "locked");
    mkdirSync(locked, { mode: 0o755 });
    const asRoot = process.getuid?.() === 0;
    if (!asRoot) chmodSync(locked, 0o555);
    // root may write anywhere: run the command as an unprivileged user instead.
    const r = seedpress(
      ["create", never, "-o", path.join(locked, "x.torrent")],
      asRoot ? { uid: 65534, gid: 65534 } : {},
    );
    expect(r.stderr).toContain(`cannot write in the output folder ${locked}: permission denied`);
    expect(r.code).toBe(3);
    expect(existsSync(path.join(locked, "x.torrent"))).toBe(false);
  });

  it("leaves its own earlier .torrent out of the input (`create .` twice)", () => {
    const release = path.join(dir, "release-b");
    mkdirSync(release);
    writeFileSync(path.join(release, "image.img"), Buffer.alloc(3000, 2));
    const first = seedpress(["create", ".", "--json", "--no-date"], { cwd: release });
    expect(first.code).toBe(0);
    const made = JSON.parse(first.stdout);
    expect(made.file).toBe(path.join(release, "release-b.torrent"));
    expect(made.files.map((f: { path: string }) => f.path)).toEqual(["image.img"]);
    const refused = seedpress(["create", ".", "--no-date"], { cwd: release });
    expect(refused.stderr).toContain("release-b.torrent already exists");
    expect(refused.code).toBe(2);
    const again = seedpress(["create", ".", "--json", "--no-date", "--force"], { cwd: release });
    expect(again.code).toBe(0);
    const remade = JSON.parse(again.stdout);
    expect(remade.files.map((f: { path: string }) => f.path)).toEqual(["image.img"]);
    expect(remade.infoHash).toBe(made.infoHash);
  });
});
