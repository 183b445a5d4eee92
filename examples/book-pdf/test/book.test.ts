// The example end to end: build the book, serve it with `seedpress serve` (as `npm start` does), and
// download the PDF with aria2c and the sources with libtorrent from the web seed alone.
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";

const run = promisify(execFile);
const example = path.join(import.meta.dirname, "..");
const repo = path.join(example, "../..");
const cli = path.join(repo, "apps/cli/dist/index.js");
const ltScript = path.join(repo, "packages/webseed/test/interop/lt_download.py");
const work = mkdtempSync(path.join(tmpdir(), "book-pdf-"));
const served = path.join(work, "public");
let child: ChildProcess | undefined;
let baseUrl = "";
let output = "";

function sha(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

function walk(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

beforeAll(async () => {
  execFileSync(process.execPath, [path.join(example, "scripts/make-book.js")]);
  // Serve a copy, so the test's torrents (made for a random port) stay out of the example folder.
  cpSync(path.join(example, "public"), served, {
    recursive: true,
    filter: (src) => !src.endsWith(".torrent"),
  });
  child = spawn(process.execPath, [cli, "serve", served, "--port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr!.on("data", (d) => (output += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${output}`)), 90_000);
    child!.stdout!.on("data", (d) => {
      output += d;
      const m = /serving .* at (\S+) /.exec(output);
      if (m && output.includes("press Ctrl+C")) {
        clearTimeout(timer);
        baseUrl = m[1]!;
        resolve();
      }
    });
    child!.once("exit", (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
});

afterAll(() => {
  child?.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

it("the build makes the same bytes every time, and the PDF's cross-reference table is right", () => {
  const pdf = path.join(example, "public/seedpress-handbook.pdf");
  const first = sha(pdf);
  execFileSync(process.execPath, [path.join(example, "scripts/make-book.js")]);
  expect(sha(pdf)).toBe(first);
  const bytes = readFileSync(pdf);
  expect(bytes.subarray(0, 8).toString("latin1")).toBe("%PDF-1.4");
  const text = bytes.toString("latin1");
  expect(text.trimEnd().endsWith("%%EOF")).toBe(true);
  const startxref = Number(/startxref\n(\d+)\n%%EOF\s*$/.exec(text)![1]);
  expect(text.slice(startxref, startxref + 4)).toBe("xref");
  const entries = [...text.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
  expect(entries.length).toBeGreaterThan(5);
  entries.forEach((offset, i) => {
    expect(text.slice(offset, offset + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`);
  });
});

it("the index page lists the book and its sources with magnet links", async () => {
  const index = await (await fetch(baseUrl)).text();
  expect(index).toContain("seedpress-handbook.pdf");
  expect(index).toContain("Handbook sources");
  expect(index.match(/href="magnet:\?xt=urn:btih:[0-9a-f]{40}/g)).toHaveLength(2);
});

it("aria2c downloads the PDF and libtorrent the sources, from the web seed alone", async () => {
  const pdfTorrent = path.join(served, "seedpress-handbook.pdf.torrent");
  const sourcesTorrent = path.join(served, "Handbook sources.torrent");
  expect(statSync(pdfTorrent).size).toBeGreaterThan(0);
  const aria = path.join(work, "aria2");
  await run(
    "aria2c",
    [
      `--dir=${aria}`,
      "--seed-time=0",
      "--enable-dht=false",
      "--enable-dht6=false",
      "--bt-enable-lpd=false",
      "--enable-peer-exchange=false",
      "--bt-stop-timeout=60",
      "--file-allocation=none",
      "--console-log-level=warn",
      "--summary-interval=0",
      "--no-conf",
      pdfTorrent,
    ],
    { timeout: 120_000 },
  );
  expect(sha(path.join(aria, "seedpress-handbook.pdf"))).toBe(
    sha(path.join(served, "seedpress-handbook.pdf")),
  );

  const lt = path.join(work, "libtorrent");
  const { stdout } = await run("/usr/bin/python3", [ltScript, sourcesTorrent, lt, "90"], {
    timeout: 120_000,
  });
  expect(JSON.parse(stdout.trim().split("\n").pop()!).done).toBe(true);
  const original = path.join(served, "Handbook sources");
  const files = walk(original);
  expect(files).toContain("CHANGELOG");
  for (const rel of files) {
    expect(sha(path.join(lt, "Handbook sources", rel)), rel).toBe(sha(path.join(original, rel)));
  }
});
