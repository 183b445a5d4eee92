#!/usr/bin/env node
// Bench: @seedpress/site over a generated site of 5,000 pages with 200 download links to 20 files.
// First build (cold cache: every file hashed) against a second build of freshly generated pages (warm
// cache: nothing hashed), and mktorrent making the same 20 torrents by hand, all in this run.
// Run under the bench lock: flock /tmp/seedpress-bench.lock node bench/site.js
// Env: BENCH_PAGES (default 5000), BENCH_FILES (20), BENCH_LINKS (200), BENCH_FILE_MIB (16).
import { spawnSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..");
const PAGES = Number(process.env.BENCH_PAGES ?? 5000);
const FILES = Number(process.env.BENCH_FILES ?? 20);
const LINKS = Number(process.env.BENCH_LINKS ?? 200);
const FILE_SIZE = Number(process.env.BENCH_FILE_MIB ?? 16) * 1024 * 1024;
const dataDir = join(here, ".data", "site");
const site = join(dataDir, "public");
const cacheFile = join(dataDir, "cache.json");

const dist = join(repo, "packages", "site", "dist", "index.js");
if (!existsSync(dist)) {
  console.error("bench/site.js: build first: npx turbo run build --filter=@seedpress/site...");
  process.exit(2);
}
const { torrentifySite } = await import(pathToFileURL(dist).href);

function makeFiles() {
  mkdirSync(join(site, "releases"), { recursive: true });
  const chunk = Buffer.allocUnsafe(1024 * 1024);
  for (let i = 0; i < FILES; i++) {
    const file = join(site, "releases", `release-${i}.iso`);
    if (existsSync(file) && statSync(file).size === FILE_SIZE) continue;
    const fd = openSync(file, "w");
    for (let done = 0; done < FILE_SIZE; done += chunk.length) {
      randomFillSync(chunk);
      writeSync(fd, chunk, 0, Math.min(chunk.length, FILE_SIZE - done));
    }
    closeSync(fd);
  }
}

/** What a generator does on every build: write every page again. ~3 KB of ordinary HTML each. */
function writePages() {
  const nav = Array.from(
    { length: 30 },
    (_, i) => `<li><a href="/docs/section-${i}/">Section ${i}</a></li>`,
  ).join("\n");
  const prose =
    "<p>Lorem ipsum dolor sit amet, <em>consectetur</em> adipiscing elit &amp; more.</p>\n".repeat(12);
  const perPage = Math.ceil(LINKS / Math.min(PAGES, LINKS));
  let linksLeft = LINKS;
  for (let p = 0; p < PAGES; p++) {
    const dir = join(site, "docs", `section-${p % 50}`);
    if (p < 50) mkdirSync(dir, { recursive: true });
    let downloads = "";
    for (let k = 0; k < perPage && linksLeft > 0 && p % Math.floor(PAGES / LINKS) === 0; k++, linksLeft--) {
      const f = (LINKS - linksLeft) % FILES;
      downloads += `<p><a class="button" href="../../releases/release-${f}.iso">Download release ${f}</a></p>\n`;
    }
    writeFileSync(
      join(dir, `page-${p}.html`),
      `<!doctype html>\n<html><head><meta charset="utf-8"><title>Page ${p}</title></head>\n<body>\n<nav><ul>\n${nav}\n</ul></nav>\n<main>\n${prose}${downloads}</main>\n</body></html>\n`,
    );
  }
}

async function timed(fn) {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

rmSync(join(site, "docs"), { recursive: true, force: true });
rmSync(cacheFile, { force: true });
makeFiles();
writePages();
const options = { dir: site, baseUrl: "https://example.com/", cacheFile, manifest: false };

const first = await timed(() => torrentifySite(options));
writePages();
const second = await timed(() => torrentifySite(options));

// The peer: mktorrent making the same 20 torrents, as a site owner would by hand.
const mkDir = join(dataDir, "mktorrent");
rmSync(mkDir, { recursive: true, force: true });
mkdirSync(mkDir, { recursive: true });
// Same piece length as ours where mktorrent allows it (its minimum is 32 KiB).
const ourPiece = first.value.files[0]?.pieceLength ?? 1 << 20;
const pieceLog2 = Math.max(15, Math.log2(ourPiece));
const mk = await timed(async () => {
  for (let i = 0; i < FILES; i++) {
    const r = spawnSync("mktorrent", [
      "-l",
      String(pieceLog2),
      "-w",
      `https://example.com/releases/release-${i}.iso`,
      "-o",
      join(mkDir, `release-${i}.iso.torrent`),
      join(site, "releases", `release-${i}.iso`),
    ]);
    if (r.status !== 0) throw new Error(`mktorrent failed: ${r.stderr}`);
  }
});

const s1 = first.value.summary;
const s2 = second.value.summary;
const mib = (FILES * FILE_SIZE) / 1024 / 1024;
console.log(
  `site: ${PAGES} pages, ${LINKS} download links to ${FILES} files of ${FILE_SIZE / 1024 / 1024} MiB (${mib} MiB)`,
);
console.log(
  `first build (cold cache):   ${first.ms.toFixed(0).padStart(7)} ms  hashed ${s1.hashed}, cached ${s1.cached}, links ${s1.links}, pages changed ${s1.pagesChanged}`,
);
console.log(
  `second build (warm cache):  ${second.ms.toFixed(0).padStart(7)} ms  hashed ${s2.hashed}, cached ${s2.cached}, links ${s2.links}, pages changed ${s2.pagesChanged}`,
);
console.log(
  `mktorrent, same ${FILES} files:  ${mk.ms.toFixed(0).padStart(7)} ms  (${2 ** pieceLog2 / 1024} KiB pieces vs our ${ourPiece / 1024} KiB; one process per file)`,
);
console.log(`ratio first / second build:      ${(first.ms / second.ms).toFixed(1)}x`);
console.log(
  `ratio first build / mktorrent:   ${(first.ms / mk.ms).toFixed(2)}x (first build also scans and rewrites ${PAGES} pages)`,
);
console.log(
  `target: second build < 1000 ms and hashes nothing: ${second.ms < 1000 && s2.hashed === 0 ? "met" : "NOT met"}`,
);
if (s2.hashed !== 0 || s2.links !== LINKS) process.exitCode = 1;
