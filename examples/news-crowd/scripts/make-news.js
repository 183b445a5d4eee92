#!/usr/bin/env node
// A static news site on the day a story breaks: one page, and the document everyone wants (a PDF of
// 8 MiB) linked from it. Deterministic bytes, so every run makes the same site.
// Usage: node scripts/make-news.js [siteDir]   (default: site/)
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const site = path.resolve(process.argv[2] ?? path.join(here, "..", "site"));
mkdirSync(path.join(site, "attachments"), { recursive: true });

// A stand-in PDF: a real header, then pseudo-random bytes (8 MiB + a little, not a multiple of a piece).
const size = 8 * 1024 * 1024 + 4321;
const pdf = Buffer.alloc(size);
pdf.write("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", 0, "latin1");
let block = createHash("sha256").update("the report").digest();
for (let o = 16; o < size; o += 32) {
  block = createHash("sha256").update(block).digest();
  block.copy(pdf, o);
}
writeFileSync(path.join(site, "attachments", "city-budget-2027.pdf"), pdf);
writeFileSync(
  path.join(site, "index.html"),
  `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>City budget leaked</title></head>
<body><article>
<h1>The full 2027 city budget, published</h1>
<p>We are publishing the complete document so readers can check the figures themselves.</p>
<p><a href="attachments/city-budget-2027.pdf">Download the budget (PDF, 8 MiB)</a></p>
</article></body></html>
`,
);
process.stdout.write(`${JSON.stringify({ site })}\n`);
