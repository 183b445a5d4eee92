// `seedpress metalink` proved by aria2: it downloads the release from the Metalink alone (no
// torrent), across the good mirrors, and its own checks (chunk SHA-1s, or the whole-file SHA-256)
// pass; a Metalink that also lists a bad mirror still completes, and our checker flagged it first.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash, randomFillSync } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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

const dir = mkdtempSync(path.join(tmpdir(), "seedpress-metalink-"));
const FILE = "app-1.0.iso";
const SIZE = 3 * 1024 * 1024 + 12_345;
const PIECE_LENGTH = 1 << 18;
const source = path.join(dir, "src", FILE);
// One bad byte in each half of the file: whichever half aria2 asks the flipped mirror for is bad.
const FLIPS = [100, 2 * 1024 * 1024 + 100];
const kinds: MirrorKind[] = ["good", "good2", "flipped", "layout", "redirect"];
let mirrors: Map<MirrorKind, NginxMirror>;
let torrent: string;
const seed = (kind: MirrorKind) => `${mirrors.get(kind)!.origin}/`;

function aria2(meta4: string, out: string, split = 4, extra: string[] = []) {
  mkdirSync(out, { recursive: true });
  const log = path.join(out, "aria2.log");
  const r = spawnSync(
    "aria2c",
    [
      "-M",
      meta4,
      "-d",
      out,
      "-s",
      String(split),
      "-x",
      "4",
      "-k",
      "1M",
      // Every mirror here is 127.0.0.1 on its own port. By default aria2 treats URIs sharing a
      // hostname as one server reached by several protocols and drops the rest after the first
      // 2xx (FileEntry::removeURIWhoseHostnameIs), leaving no good mirror once the bad one is
      // dropped; real mirrors are separate hosts, so turn that off.
      "--metalink-enable-unique-protocol=false",
      // A bad chunk is a retry on the same URI, and aria2 keeps it on the piece it failed: with
      // unlimited tries a mirror holding an unsplittable (< 2 x -k) run of pieces loops forever.
      // A few tries, then the URI is dropped and the good mirrors finish the pieces.
      ...(extra.some((a) => a.startsWith("--max-tries")) ? [] : ["--max-tries=3"]),
      "--retry-wait=1",
    ].concat([
      "--console-log-level=warn",
      "--summary-interval=0",
      `--log=${log}`,
      "--log-level=info",
      ...extra,
    ]),
    { encoding: "utf8", timeout: 90_000 },
  );
  return { code: r.status, log: existsSync(log) ? readFileSync(log, "utf8") : "", out: path.join(out, FILE) };
}

function requestsIn(kind: MirrorKind): number {
  const log = path.join(dir, "mirrors", kind, "access.log");
  return existsSync(log)
    ? readFileSync(log, "utf8")
        .split("\n")
        .filter((l) => l.includes("aria2/")).length
    : 0;
}

beforeAll(async () => {
  mkdirSync(path.dirname(source), { recursive: true });
  writeFileSync(source, randomFillSync(Buffer.alloc(SIZE)));
  mirrors = await startMirrors(path.join(dir, "mirrors"), kinds, (kind, root) => {
    if (kind === "layout") return copyInto(source, path.join(root, "pub"));
    const copy = copyInto(source, root);
    if (kind === "flipped") for (const at of FLIPS) flipByte(copy, at);
  });
  torrent = path.join(dir, "app.torrent");
  const webSeeds = kinds.flatMap((k) => ["-w", seed(k)]);
  execFileSync("mktorrent", ["-l", "18", ...webSeeds, "-o", torrent, source], { stdio: "ignore" });
});
afterAll(() => stopAll(mirrors?.values() ?? [], dir));

describe("seedpress metalink", () => {
  it("flags the bad mirrors first, then aria2 downloads from a Metalink listing them and checks every chunk", async () => {
    const check = await seedpressAsync(["mirrors", torrent, "--pieces", "all", "--json"]);
    expect(check.code).toBe(1);
    const report = JSON.parse(check.stdout);
    const by = (kind: MirrorKind) => report.mirrors.find((m: { url: string }) => m.url === seed(kind));
    const problem = (kind: MirrorKind, name: string) =>
      by(kind).problems.find((p: { kind: string }) => p.kind === name);
    expect(by("flipped").status).toBe("failed");
    expect(problem("flipped", "wrong-bytes").pieces).toEqual(
      FLIPS.map((at) => ({
        piece: Math.floor(at / PIECE_LENGTH),
        files: [FILE],
        hashes: ["v1"],
        reasons: ["random"],
      })),
    );
    expect(problem("layout", "layout").files).toEqual([
      { path: FILE, url: `${seed("layout")}${FILE}`, status: 404, clients: ["libtorrent", "aria2"] },
    ]);
    // A single-file web seed ending in "/": WebTorrent asks for the folder itself (lib/webconn.js).
    for (const kind of ["good", "good2"] as const) {
      expect(by(kind).status).toBe("warning");
      expect(by(kind).problems).toEqual([
        {
          kind: "client-url",
          clients: ["webtorrent"],
          files: [{ path: FILE, url: seed(kind), status: 403, clients: ["webtorrent"] }],
          count: 1,
        },
      ]);
    }

    const meta4 = path.join(dir, "release.meta4");
    const r = await seedpressAsync(["metalink", torrent, "--local", source, "-o", meta4]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const xml = readFileSync(meta4, "utf8");
    expect(xml).toContain(
      `<hash type="sha-256">${createHash("sha256").update(readFileSync(source)).digest("hex")}</hash>`,
    );
    for (const kind of kinds) expect(xml).toContain(`<url>${seed(kind)}${FILE}</url>`);

    const result = aria2(meta4, path.join(dir, "aria2-all"));
    expect(
      result.code,
      result.log
        .split("\n")
        .filter((l) => /ERROR|errorCode|checksum/i.test(l))
        .slice(-12)
        .join("\n"),
    ).toBe(0);
    expect(readFileSync(result.out).equals(readFileSync(source))).toBe(true);
    const pieces = Math.ceil(SIZE / PIECE_LENGTH);
    const good = new Set(result.log.match(/Good chunk checksum\. hash=[0-9a-f]{40}/g));
    expect(good.size).toBe(pieces);
  });

  it("aria2 spreads the download over the good mirrors, and follows the redirecting one", async () => {
    const meta4 = path.join(dir, "good.meta4");
    const args = ["metalink", torrent, "--no-url-list", "--local", source, "-o", meta4];
    let r = await seedpressAsync([...args, "-m", seed("good"), "-m", seed("good2")]);
    expect(r.code).toBe(0);
    const before = { good: requestsIn("good"), good2: requestsIn("good2") };
    let result = aria2(meta4, path.join(dir, "aria2-good"), 2);
    expect(result.code).toBe(0);
    expect(readFileSync(result.out).equals(readFileSync(source))).toBe(true);
    expect(requestsIn("good")).toBeGreaterThan(before.good);
    expect(requestsIn("good2")).toBeGreaterThan(before.good2);

    const viaRedirect = path.join(dir, "redirect.meta4");
    r = await seedpressAsync([...args.slice(0, -1), viaRedirect, "-m", seed("redirect")]);
    expect(r.code).toBe(0);
    const redirects = requestsIn("redirect");
    result = aria2(viaRedirect, path.join(dir, "aria2-redirect"), 1);
    expect(result.code).toBe(0);
    expect(readFileSync(result.out).equals(readFileSync(source))).toBe(true);
    expect(requestsIn("redirect")).toBeGreaterThan(redirects);
  });

  it("aria2 gets bad chunks from the flipped mirror, rejects them and still completes from the good one", async () => {
    const meta4 = path.join(dir, "flipped.meta4");
    const args = ["metalink", torrent, "--no-url-list", "--local", source, "-o", meta4];
    const r = await seedpressAsync([...args, "-m", seed("flipped"), "-m", seed("good")]);
    expect(r.code).toBe(0);
    const result = aria2(meta4, path.join(dir, "aria2-flipped"), 2);
    expect(result.code).toBe(0);
    expect(readFileSync(result.out).equals(readFileSync(source))).toBe(true);
    expect(result.log).toContain("Chunk checksum validation failed");
  });

  it("aria2's own checks are live: a wrong piece hash or a wrong whole-file SHA-256 fails the download", async () => {
    const meta4 = path.join(dir, "good-only.meta4");
    const r = await seedpressAsync([
      "metalink",
      torrent,
      "--no-url-list",
      "-m",
      seed("good"),
      "--local",
      source,
      "-o",
      meta4,
    ]);
    expect(r.code).toBe(0);
    const xml = readFileSync(meta4, "utf8");
    const firstPiece = /<hash>([0-9a-f]{40})<\/hash>/.exec(xml)![1]!;
    const wrongPiece = path.join(dir, "wrong-piece.meta4");
    writeFileSync(
      wrongPiece,
      xml.replace(
        firstPiece,
        firstPiece.replace(/^./, (c) => (c === "0" ? "1" : "0")),
      ),
    );
    expect(aria2(wrongPiece, path.join(dir, "aria2-wrong-piece"), 4, ["--max-tries=5"]).code).not.toBe(0);
    // Without <pieces>, aria2 checks the whole-file SHA-256 instead.
    const noPieces = xml.replace(/\s*<pieces[\s\S]*<\/pieces>/, "");
    const sha = /<hash type="sha-256">([0-9a-f]{64})/.exec(xml)![1]!;
    const rightSha = path.join(dir, "sha-only.meta4");
    writeFileSync(rightSha, noPieces);
    expect(aria2(rightSha, path.join(dir, "aria2-sha")).code).toBe(0);
    const wrongSha = path.join(dir, "wrong-sha.meta4");
    writeFileSync(
      wrongSha,
      noPieces.replace(
        sha,
        sha.replace(/^./, (c) => (c === "0" ? "1" : "0")),
      ),
    );
    expect(aria2(wrongSha, path.join(dir, "aria2-wrong-sha"), 4, ["--max-tries=5"]).code).not.toBe(0);
  });

  it("writes the torrent as a metaurl, never replaces a file without --force, and rejects bad URLs", async () => {
    const meta4 = path.join(dir, "with-torrent.meta4");
    const torrentUrl = `${seed("good")}app.torrent`;
    let r = await seedpressAsync(["metalink", torrent, "--torrent-url", torrentUrl, "-o", meta4]);
    expect(r.code).toBe(0);
    expect(readFileSync(meta4, "utf8")).toContain(`<metaurl mediatype="torrent">${torrentUrl}</metaurl>`);
    writeFileSync(meta4, "keep me");
    r = await seedpressAsync(["metalink", torrent, "-o", meta4]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("already exists (--force replaces it)");
    expect(readFileSync(meta4, "utf8")).toBe("keep me");
    r = await seedpressAsync(["metalink", torrent, "-o", meta4, "--force"]);
    expect(r.code).toBe(0);
    expect(readFileSync(meta4, "utf8")).toContain("<metalink");
    r = await seedpressAsync(["metalink", torrent, "-m", "file:///etc/", "-o", path.join(dir, "x.meta4")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("[ERR_MIRRORS_URL]");
    r = await seedpressAsync([
      "metalink",
      torrent,
      "--local",
      path.join(dir, "nope"),
      "-o",
      path.join(dir, "y.meta4"),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("[ERR_MIRRORS_LOCAL_FILE]");
    const flippedCopy = path.join(dir, "mirrors", "flipped", "root", FILE);
    r = await seedpressAsync(["metalink", torrent, "--local", flippedCopy, "-o", path.join(dir, "z.meta4")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `piece ${Math.floor(FLIPS[0]! / PIECE_LENGTH)} (in ${FILE}) of the local copy does not match`,
    );
    expect(existsSync(path.join(dir, "z.meta4"))).toBe(false);
  });
});
