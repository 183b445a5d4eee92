#!/usr/bin/env node
// A taper's library as it is traded: one folder per show (etree naming), FLAC tracks, an .ffp and an
// .md5 checksum file, and an info.txt. Deterministic bytes, so every run makes the same shows.
// Usage: node scripts/make-library.js [libraryDir] [showName ...]   (default: library/, two shows)
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const library = path.resolve(process.argv[2] ?? path.join(here, "..", "library"));
const shows =
  process.argv.length > 3 ? process.argv.slice(3) : ["sp1977-05-08.sbd.flac16", "sp1978-04-24.aud.flac16"];

/** A stand-in FLAC file: the "fLaC" marker and a STREAMINFO-sized header, then deterministic frames. */
function track(seed, bytes) {
  const out = Buffer.alloc(bytes);
  out.write("fLaC", 0, "latin1");
  let block = createHash("sha256").update(seed).digest();
  for (let o = 42; o < bytes; o += 32) {
    block = createHash("sha256").update(block).digest();
    block.copy(out, o);
  }
  return out;
}

const md5 = (data) => createHash("md5").update(data).digest("hex");

function makeShow(name) {
  const folder = path.join(library, name);
  mkdirSync(folder, { recursive: true });
  const [date] = name.match(/\d{4}-\d{2}-\d{2}/) ?? ["0000-00-00"];
  const tracks = [];
  for (let d = 1; d <= 2; d++) {
    for (let t = 1; t <= 3; t++) {
      const file = `${name.split(".")[0]}d${d}t0${t}.flac`;
      // Odd sizes, never a multiple of a piece: track boundaries fall inside pieces as they do in life.
      const data = track(`${name}/${file}`, 700_000 + d * 91_337 + t * 12_345);
      writeFileSync(path.join(folder, file), data);
      tracks.push({ file, data });
    }
  }
  // .ffp is the FLAC fingerprint (MD5 of the decoded audio, as `metaflac --show-md5sum` prints it); these
  // stand-in files carry no audio, so it lists the MD5 of the file's frames instead.
  writeFileSync(
    path.join(folder, `${name}.ffp`),
    tracks.map((t) => `${t.file}:${md5(t.data.subarray(42))}\n`).join(""),
  );
  writeFileSync(path.join(folder, `${name}.md5`), tracks.map((t) => `${md5(t.data)} *${t.file}\n`).join(""));
  writeFileSync(
    path.join(folder, "info.txt"),
    `Seedpress Live\n${date}\nThe Example Hall\n\nSource: SBD > DAT > FLAC (stand-in audio)\n\nd1t01..d2t03: six tracks\n`,
  );
  return folder;
}

const made = shows.map(makeShow);
process.stdout.write(`${JSON.stringify({ library, shows: made })}\n`);
