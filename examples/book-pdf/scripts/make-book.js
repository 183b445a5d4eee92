#!/usr/bin/env node
// Makes the example's content in public/: a sample book as a real (if plain) PDF, a few MiB with its
// illustrations, and a release folder of its sources. Deterministic: the same bytes on every run.
import { createHash } from "node:crypto";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const pub = join(here, "..", "public");

/** Deterministic pseudo-random bytes (SHA-256 in counter mode): incompressible, like real images. */
function noise(label, length) {
  const out = Buffer.alloc(length);
  for (let i = 0, block = 0; i < length; block++) {
    const h = createHash("sha256").update(`${label}:${block}`).digest();
    i += h.copy(out, i, 0, Math.min(32, length - i));
  }
  return out;
}

function writeAtomic(file, data) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

const chapters = [
  [
    "Publishing without a bandwidth bill",
    "A torrent whose web seed is your own server works the day you publish it.",
  ],
  ["Web seeds", "BEP 19 clients fetch byte ranges of your files over plain HTTP when no peer has them."],
  ["Trackers", "A tracker introduces the readers who already have a copy to the ones who want one."],
  ["Keeping the data honest", "A web seed must never serve a file that changed since its torrent was made."],
];

/** A minimal valid PDF 1.4: one text page per chapter and one image XObject (noise) per chapter. */
function makePdf() {
  const objects = [];
  const add = (body) => {
    objects.push(body);
    return objects.length;
  };
  const catalog = add(null);
  const pages = add(null);
  const font = add(Buffer.from("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"));
  const kids = [];
  chapters.forEach(([title, text], i) => {
    const side = 300 + i * 7; // odd-sized images: the file is not a multiple of any piece length
    const pixels = noise(`figure-${i}`, side * side * 3);
    const image = add(
      Buffer.concat([
        Buffer.from(
          `<< /Type /XObject /Subtype /Image /Width ${side} /Height ${side} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length ${pixels.length} >>\nstream\n`,
        ),
        pixels,
        Buffer.from("\nendstream"),
      ]),
    );
    const esc = (s) => s.replace(/[\\()]/g, (c) => `\\${c}`);
    const content = `BT /F1 20 Tf 72 740 Td (${esc(`Chapter ${i + 1}: ${title}`)}) Tj ET\nBT /F1 12 Tf 72 712 Td (${esc(text)}) Tj ET\nq 240 0 0 240 72 420 cm /Im${i} Do Q\n`;
    const stream = add(
      Buffer.from(`<< /Length ${Buffer.byteLength(content)} >>\nstream\n${content}endstream`),
    );
    kids.push(
      add(
        Buffer.from(
          `<< /Type /Page /Parent ${pages} 0 R /MediaBox [0 0 612 792] /Contents ${stream} 0 R /Resources << /Font << /F1 ${font} 0 R >> /XObject << /Im${i} ${image} 0 R >> >> >>`,
        ),
      ),
    );
  });
  objects[catalog - 1] = Buffer.from(`<< /Type /Catalog /Pages ${pages} 0 R >>`);
  objects[pages - 1] = Buffer.from(
    `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(" ")}] /Count ${kids.length} >>`,
  );
  const parts = [Buffer.from("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  let offset = parts[0].length;
  const offsets = [];
  objects.forEach((body, i) => {
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from("\nendobj\n")]);
    offsets.push(offset);
    parts.push(obj);
    offset += obj.length;
  });
  const xref = [
    `xref\n0 ${objects.length + 1}\n`,
    "0000000000 65535 f \n",
    ...offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`),
  ].join("");
  parts.push(
    Buffer.from(
      `${xref}trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${offset}\n%%EOF\n`,
    ),
  );
  return Buffer.concat(parts);
}

const pdf = makePdf();
writeAtomic(join(pub, "seedpress-handbook.pdf"), pdf);

// The sources, as a release folder: a multi-file torrent with a space, a non-ASCII name and an empty file.
const sources = join(pub, "Handbook sources");
chapters.forEach(([title, text], i) => {
  writeAtomic(
    join(sources, "chapters", `${String(i + 1).padStart(2, "0")} ${title}.md`),
    `# ${title}\n\n${text}\n`,
  );
});
writeAtomic(join(sources, "figures", "couverture été.bin"), noise("cover", 123_457));
writeAtomic(join(sources, "CHANGELOG"), "");
writeAtomic(
  join(sources, "README.txt"),
  "Sources of the seedpress handbook: chapters in Markdown, figures as raw RGB.\n",
);

console.log(`book-pdf: wrote ${pub}/seedpress-handbook.pdf (${pdf.length} bytes) and ${sources}/`);
