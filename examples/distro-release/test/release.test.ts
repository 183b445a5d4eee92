import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("../scripts/release.js", import.meta.url));
const cli = fileURLToPath(new URL("../../../apps/cli/dist/index.js", import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), "seedpress-distro-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function release(out: string) {
  const stdout = execFileSync(process.execPath, [script, out], {
    encoding: "utf8",
    env: { ...process.env, SOURCE_DATE_EPOCH: "1767225600" },
  });
  return JSON.parse(stdout) as { torrent: string; folder: string; infoHash: string; infoHashV2: string };
}

describe("examples/distro-release", () => {
  const a = release(path.join(dir, "a"));
  const b = release(path.join(dir, "b"));

  it("is reproducible under SOURCE_DATE_EPOCH: two runs, same bytes", () => {
    expect(Buffer.compare(readFileSync(a.torrent), readFileSync(b.torrent))).toBe(0);
  });

  it("is a hybrid torrent with two mirror web seeds, a tracker and the three release files", () => {
    const info = JSON.parse(
      execFileSync(process.execPath, [cli, "info", a.torrent, "--json"], { encoding: "utf8" }),
    );
    expect(info.infoHash).toMatch(/^[0-9a-f]{40}$/);
    expect(info.infoHashV2).toMatch(/^[0-9a-f]{64}$/);
    expect(info.urlList).toHaveLength(2);
    expect(info.announce).toEqual([["http://tracker.seedos.example/announce"]]);
    expect(info.creationDate).toBe(1767225600);
    expect(info.files.map((f: { path: string }) => f.path)).toEqual([
      "SHA256SUMS",
      "SHA256SUMS.sig",
      "seedos-1.0-amd64.img",
    ]);
  });

  it("libtorrent loads it and agrees on both info hashes", () => {
    const py = `import libtorrent as lt, sys\nti = lt.torrent_info(sys.argv[1])\nh = ti.info_hashes()\nprint(h.v1, h.v2)`;
    const out = execFileSync("/usr/bin/python3", ["-c", py, a.torrent], { encoding: "utf8" })
      .trim()
      .split(" ");
    expect(out).toEqual([a.infoHash, a.infoHashV2]);
  });

  it("seedpress verify passes on the folder and fails on a damaged image", () => {
    expect(spawnSync(process.execPath, [cli, "verify", a.torrent, a.folder]).status).toBe(0);
    const image = path.join(a.folder, "seedos-1.0-amd64.img");
    const data = readFileSync(image);
    data[5 * 1024 * 1024] ^= 0xff;
    writeFileSync(image, data);
    const r = spawnSync(process.execPath, [cli, "verify", a.torrent, a.folder, "--json"], {
      encoding: "utf8",
    });
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).failures).toEqual([
      expect.objectContaining({ path: "seedos-1.0-amd64.img", reason: "hash" }),
    ]);
  });
});
