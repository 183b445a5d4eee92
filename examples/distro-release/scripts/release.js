#!/usr/bin/env node
// Release day, scripted: build the release folder (image, SHA256SUMS, signature), make a hybrid
// torrent with two mirror web seeds and a tracker, then verify the folder against it.
// Usage: node scripts/release.js [outDir]   (SOURCE_DATE_EPOCH makes the .torrent reproducible)
import { execFileSync } from "node:child_process";
import { createHash, createHmac } from "node:crypto";
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, "../../../apps/cli/dist/index.js");
const out = path.resolve(process.argv[2] ?? path.join(here, "..", "release"));
const version = "1.0";
const folder = path.join(out, `seedos-${version}`);
mkdirSync(folder, { recursive: true });

// A stand-in install image: 24 MiB of deterministic bytes, so every run makes the same release.
const image = path.join(folder, `seedos-${version}-amd64.img`);
const stream = createWriteStream(image);
let block = createHash("sha256").update("seedos").digest();
for (let i = 0; i < 24 * 64; i++) {
  const chunk = Buffer.alloc(16384);
  for (let o = 0; o < chunk.length; o += 32) {
    block = createHash("sha256").update(block).digest();
    block.copy(chunk, o);
  }
  stream.write(chunk);
}
await new Promise((resolve, reject) => stream.end((error) => (error ? reject(error) : resolve())));

const sums = `${createHash("sha256").update(readFileSync(image)).digest("hex")}  ${path.basename(image)}\n`;
writeFileSync(path.join(folder, "SHA256SUMS"), sums);
// A real release signs SHA256SUMS with gpg; a keyed hash stands in so the example needs no keyring.
writeFileSync(
  path.join(folder, "SHA256SUMS.sig"),
  `${createHmac("sha256", "release-key").update(sums).digest("hex")}\n`,
);

const torrent = path.join(out, `seedos-${version}.torrent`);
const run = (args) =>
  execFileSync(process.execPath, [cli, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
const created = JSON.parse(
  run([
    "create",
    folder,
    "--hybrid",
    "-o",
    torrent,
    "--force", // a re-run replaces the release's torrent
    "--json",
    "--announce",
    "http://tracker.seedos.example/announce",
    "--web-seed",
    "https://mirror-a.seedos.example/releases/",
    "--web-seed",
    "https://mirror-b.seedos.example/pub/seedos/",
    "--comment",
    `SeedOS ${version} release`,
  ]),
);
run(["verify", torrent, folder]);
process.stdout.write(
  `${JSON.stringify({ torrent, folder, infoHash: created.infoHash, infoHashV2: created.infoHashV2 })}\n`,
);
