// `seedpress create --check-web-seeds`: the hybrid torrent just made is checked piece by piece
// against real nginx web seeds, v1 SHA-1s and v2 piece layers both, pad files never fetched.
import { randomFillSync } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NginxMirror } from "../../../packages/mirrors/test/nginx.js";
import {
  copyInto,
  flipByte,
  type MirrorKind,
  seedpressAsync,
  startMirrors,
  stopAll,
} from "./mirrors-fixtures.js";

const dir = mkdtempSync(path.join(tmpdir(), "seedpress-create-check-"));
const NAME = "hybrid-release";
const release = path.join(dir, "src", NAME);
const PIECE = 16 * 1024;
const SIZES = { "a.bin": 40_000, "b.bin": 30_000, "c.txt": 100 };
// BEP 47 in a hybrid torrent: every file starts on a piece boundary, pad files fill the gaps.
const offsetOf = { "a.bin": 0, "b.bin": Math.ceil(40_000 / PIECE) * PIECE };
const FLIPS: [keyof typeof offsetOf, number][] = [
  ["a.bin", 35_000], // the piece just before the first pad file
  ["b.bin", 1_000],
];
let mirrors: Map<MirrorKind, NginxMirror>;

beforeAll(async () => {
  mkdirSync(release, { recursive: true });
  for (const [name, size] of Object.entries(SIZES))
    writeFileSync(path.join(release, name), randomFillSync(Buffer.alloc(size)));
  mirrors = await startMirrors(path.join(dir, "mirrors"), ["good", "flipped"], (kind, root) => {
    const copy = copyInto(release, root);
    if (kind === "flipped") for (const [name, at] of FLIPS) flipByte(path.join(copy, name), at);
  });
});
afterAll(() => stopAll(mirrors?.values() ?? [], dir));

const create = (kind: MirrorKind, extra: string[] = [], out = `${kind}.torrent`) =>
  seedpressAsync([
    "create",
    release,
    "--hybrid",
    "-l",
    "16KiB",
    "-w",
    `${mirrors.get(kind)!.origin}/`,
    "--check-web-seeds",
    "-o",
    path.join(dir, out),
    ...extra,
  ]);

describe("seedpress create --check-web-seeds", () => {
  it("passes on a correct web seed, every piece fetched and both hash kinds checked", async () => {
    const r = await create("good", ["--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const { webSeedCheck, pieces } = JSON.parse(r.stdout);
    expect(webSeedCheck.ok).toBe(true);
    const [mirror] = webSeedCheck.mirrors;
    expect(mirror.status).toBe("ok");
    expect(mirror.pieces).toEqual({ checked: pieces, ok: pieces, skipped: 0 });
    const beforePad = Math.floor((SIZES["a.bin"] - 1) / PIECE);
    const planned = webSeedCheck.pieces.find((p: { piece: number }) => p.piece === beforePad);
    expect(planned.reasons).toContain("before-pad");
  });

  it("names each bad piece with its file, failing v1 and v2 alike, and exits 1", async () => {
    const r = await create("flipped", ["--json"]);
    expect(r.code).toBe(1);
    const [mirror] = JSON.parse(r.stdout).webSeedCheck.mirrors;
    expect(mirror.status).toBe("failed");
    const expected = FLIPS.map(([name, at]) => ({
      piece: Math.floor((offsetOf[name] + at) / PIECE),
      files: [`${NAME}/${name}`],
      hashes: ["v1", "v2"],
    }));
    expect(
      mirror.problems[0].pieces.map((p: { piece: number; files: string[]; hashes: string[] }) => ({
        piece: p.piece,
        files: p.files,
        hashes: p.hashes,
      })),
    ).toEqual(expected);
    const human = await create("flipped", [], "flipped-human.torrent");
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(
      new RegExp(
        `FAILED +${mirrors.get("flipped")!.origin}/ +wrong bytes: piece ${expected[0]!.piece} \\(${NAME}/a\\.bin\\)`,
      ),
    );
  });

  it("asks for a web seed to check (exit 2, nothing hashed)", async () => {
    const r = await seedpressAsync([
      "create",
      release,
      "--check-web-seeds",
      "-o",
      path.join(dir, "none.torrent"),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--check-web-seeds needs at least one --web-seed URL");
  });
});
