// The walk never lists or hashes anything outside the folder it was given, whatever the symlinks on
// disk do (real symlinks, made here), and a path swapped between listing and hashing is caught on
// the opened descriptor.
import { mkdirSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createTorrent } from "../../src/create.js";
import { hashV1Pieces } from "../../src/hash-engine.js";
import { type WalkWarning, walk } from "../../src/walk.js";
import { tempDir } from "./tmp.js";

const dir = tempDir();

function file(rel: string, content: string | Buffer = "x"): string {
  const full = path.join(dir, rel);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, content);
  return full;
}

describe("walk: the folder rule", () => {
  const root = path.join(dir, "pub");
  file("pub/a.txt", "aaaa");
  file("pub/sub/b.txt", "bb");
  file("pub/.git/config", "[remote] url = secret");
  file("outside/secret.txt", "secret");
  file("outside/dir/inner.txt", "inner");
  file("pub/._a.txt", "resource fork");
  file("pub/.Trashes/x", "trash");
  file("pub/notes.txt~", "backup");
  file("pub/Thumbs.db", "junk");
  symlinkSync(path.join(dir, "outside/secret.txt"), path.join(root, "link-out"));
  symlinkSync(path.join(dir, "outside/dir"), path.join(root, "dir-out"));
  symlinkSync("../../outside/secret.txt", path.join(root, "sub/relative-out"));
  symlinkSync(path.join(root, ".git"), path.join(root, "git-link"));
  symlinkSync(".git/config", path.join(root, "config-link"));
  symlinkSync("a.txt", path.join(root, "a-link"));
  symlinkSync("sub", path.join(root, "sub-link"));
  symlinkSync("nowhere", path.join(root, "dangling"));

  it("keeps links that stay inside, leaves out links out, to .git or dangling, with a warning each", async () => {
    const warnings: WalkWarning[] = [];
    const walked = await walk(root, { onWarning: (w) => warnings.push(w) });
    expect(walked.files.map((f) => f.pathSegments.join("/"))).toEqual(["a-link", "a.txt", "sub/b.txt"]); // sub-link leads to a folder already listed as sub
    expect(warnings.map((w) => [w.path, w.code]).sort()).toEqual([
      ["config-link", "link-to-git"],
      ["dangling", "link-dangling"],
      ["dir-out", "link-outside"],
      ["git-link", "link-to-git"],
      ["link-out", "link-outside"],
      ["sub/relative-out", "link-outside"],
    ]);
    // Nothing listed resolves outside the root.
    for (const f of walked.files) expect(f.absolutePath.startsWith(`${root}${path.sep}`)).toBe(true);
  });

  it("leaves out OS junk from the junk package's list (._*, .Trashes, *~, Thumbs.db), and .git even with includeHidden", async () => {
    const walked = await walk(root, { includeHidden: true });
    const paths = walked.files.map((f) => f.pathSegments.join("/"));
    expect(paths).toContain("._a.txt");
    expect(paths.some((p) => p.startsWith(".git"))).toBe(false);
    const plain = (await walk(root)).files.map((f) => f.pathSegments.join("/"));
    for (const junk of ["._a.txt", ".Trashes/x", "notes.txt~", "Thumbs.db"])
      expect(plain).not.toContain(junk);
  });

  it("createTorrent reports the links it left out in warnings and never hashes outside bytes", async () => {
    const seen: string[] = [];
    const t = await createTorrent(root, { creationDate: false, onWarning: (w) => seen.push(w.code) });
    expect(t.warnings.length).toBe(6);
    expect(seen.sort()).toEqual([
      "link-dangling",
      "link-outside",
      "link-outside",
      "link-outside",
      "link-to-git",
      "link-to-git",
    ]);
    expect(t.files.map((f) => f.path)).not.toContain("link-out");
  });

  it("refuses a file swapped for a symlink to outside between listing and hashing", async () => {
    const swapRoot = path.join(dir, "swap");
    const victim = file("swap/v.bin", "1234567");
    file("swap/w.bin", "7654321");
    file("outside/same-size.bin", "SECRET!");
    const walked = await walk(swapRoot);
    unlinkSync(victim);
    symlinkSync(path.join(dir, "outside/same-size.bin"), victim);
    const sources = walked.files.map((f) => ({ path: f.absolutePath, length: f.length, root: f.root }));
    await expect(hashV1Pieces(sources, 16384, {})).rejects.toThrowError(
      expect.objectContaining({
        code: "ERR_TORRENT_PATH_UNSAFE",
        message: expect.stringContaining("outside"),
      }),
    );
  });

  it("refuses a file replaced by another one (another inode) between listing and hashing", async () => {
    const swapRoot = path.join(dir, "swap2");
    const victim = file("swap2/v.bin", "1234567");
    const other = file("swap2/other/o.bin", "7654321");
    const walked = await walk(swapRoot);
    renameSync(other, victim);
    const sources = walked.files
      .filter((f) => f.absolutePath === victim)
      .map((f) => ({ path: f.absolutePath, length: f.length, root: f.root, dev: f.dev, ino: f.ino }));
    await expect(hashV1Pieces(sources, 16384, {})).rejects.toThrowError(
      expect.objectContaining({
        code: "ERR_TORRENT_PATH_UNSAFE",
        message: expect.stringContaining("replaced"),
      }),
    );
  });
});
