// `seedpress serve` runs the tracker beside the web seed: the torrents it makes announce to it, and it
// answers for exactly the torrents served.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bdecode, parseTorrent } from "@seedpress/torrent";
import { afterAll, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), "seedpress-serve-tracker-"));
const publicDir = path.join(dir, "public");
mkdirSync(publicDir);
writeFileSync(path.join(publicDir, "book.pdf"), randomBytes(200_000));
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function start(): Promise<string> {
  child = spawn(process.execPath, [bin, "serve", publicDir, "--port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  return new Promise((resolve, reject) => {
    child!.stdout!.on("data", (d) => {
      out += d;
      const m = /serving .* at (\S+) /.exec(out);
      if (m && out.includes("press Ctrl+C")) resolve(m[1]!);
    });
    child!.stderr!.on("data", (d) => (out += d));
    child!.once("exit", (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
}

const percent = (hex: string) => hex.replace(/../g, (b) => `%${b}`);
const text = (v: unknown) => Buffer.from(v as Uint8Array).toString();

async function announce(base: string, infoHashHex: string) {
  const query = `info_hash=${percent(infoHashHex)}&peer_id=${percent(randomBytes(20).toString("hex"))}&port=6881&uploaded=0&downloaded=0&left=0&compact=1&event=started`;
  const res = await fetch(`${base}announce?${query}`);
  expect(res.status).toBe(200);
  return bdecode(new Uint8Array(await res.arrayBuffer())).value as Map<string, unknown>;
}

describe("seedpress serve with its tracker", () => {
  it("writes its own announce URLs into the torrents it makes and answers only for them", async () => {
    const base = await start();
    const meta = parseTorrent(new Uint8Array(await (await fetch(`${base}book.pdf.torrent`)).arrayBuffer()));
    const urls = meta.announce.flat();
    expect(urls[0]).toBe(`${base}announce`);
    expect(urls.some((u) => u.startsWith("udp://127.0.0.1:"))).toBe(true);
    expect(meta.urlList).toEqual([`${base}book.pdf`]);

    const ok = await announce(base, meta.infoHash!);
    expect(ok.get("failure reason")).toBeUndefined();
    expect(ok.get("interval")).toEqual(expect.any(Number));
    expect(ok.get("peers")).toBeInstanceOf(Uint8Array);

    const unknown = await announce(base, randomBytes(20).toString("hex"));
    expect(text(unknown.get("failure reason"))).toMatch(/not|unknown|allow/i);

    // The web seed still serves the file on the same port.
    const range = await fetch(`${base}book.pdf`, { headers: { Range: "bytes=0-9" } });
    expect(range.status).toBe(206);
    expect((await range.arrayBuffer()).byteLength).toBe(10);
  });
});
