// Servers that misbehave on purpose (unit level: a scripted node:http server, not a real mirror):
// HEAD refused, wrong Content-Range, an endless 206 body, a redirect loop, an abort mid-run.
import { randomFillSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTorrent, type TorrentMeta } from "@seedpress/torrent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkMirrors, type MirrorsError } from "../src/index.js";

const dir = mkdtempSync(path.join(tmpdir(), "seedpress-hostile-"));
const data = randomFillSync(Buffer.alloc(100_000));
let meta: TorrentMeta;
let server: Server;
let origin: string;
const behaviours: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {};

function serveRange(req: IncomingMessage, res: ServerResponse): void {
  const match = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? "");
  if (!match)
    return void res
      .writeHead(200, { "content-length": data.length })
      .end(req.method === "HEAD" ? undefined : data);
  const [start, end] = [Number(match[1]), Number(match[2])];
  res.writeHead(206, {
    "content-range": `bytes ${start}-${end}/${data.length}`,
    "content-length": end - start + 1,
  });
  res.end(data.subarray(start, end + 1));
}

beforeAll(async () => {
  writeFileSync(path.join(dir, "f.bin"), data);
  meta = await createTorrent(path.join(dir, "f.bin"), { pieceLength: 16_384, threads: 1 });
  behaviours["/no-head/f.bin"] = (req, res) =>
    req.method === "HEAD" ? void res.writeHead(405).end() : serveRange(req, res);
  behaviours["/wrong-range/f.bin"] = (req, res) => {
    if (req.method === "HEAD") return serveRange(req, res);
    res
      .writeHead(206, { "content-range": `bytes 0-99/${data.length}`, "content-length": 100 })
      .end(data.subarray(0, 100));
  };
  behaviours["/endless/f.bin"] = (req, res) => {
    if (req.method === "HEAD") return serveRange(req, res);
    const match = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? "")!;
    res.writeHead(206, { "content-range": `bytes ${match[1]}-${match[2]}/${data.length}` });
    const chunk = Buffer.alloc(64 * 1024, 7);
    const pump = () => {
      while (res.write(chunk)) {}
      res.once("drain", pump);
    };
    res.on("close", () => res.removeAllListeners("drain"));
    pump();
  };
  // No Content-Length on HEAD (as behind some proxies), and a shorter file: Content-Range tells.
  behaviours["/short/f.bin"] = (req, res) => {
    if (req.method === "HEAD") return void res.writeHead(200, { "transfer-encoding": "chunked" }).end();
    const match = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? "")!;
    const [start, end] = [Number(match[1]), Math.min(Number(match[2]), 49_999)];
    res.writeHead(206, { "content-range": `bytes ${start}-${end}/50000`, "content-length": end - start + 1 });
    res.end(data.subarray(start, end + 1));
  };
  behaviours["/loop/f.bin"] = (_req, res) => void res.writeHead(302, { location: "/loop/f.bin" }).end();
  behaviours["/stall/f.bin"] = () => {};
  server = createServer((req, res) =>
    (behaviours[req.url ?? ""] ?? ((_q, r) => r.writeHead(404).end()))(req, res),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const check = (name: string, extra = {}) =>
  checkMirrors(meta, { mirrors: [`${origin}/${name}/f.bin`], urlList: false, pieces: "all", ...extra });

describe("misbehaving servers", () => {
  it("a server that refuses HEAD is sized with a one-byte range GET and still checked", async () => {
    const [m] = (await check("no-head")).mirrors;
    expect(m!.problems.filter((p) => p.kind !== "no-cors")).toEqual([]);
    expect(m!.pieces.ok).toBe(meta.pieceCount);
  });

  it("checks the URLs of the clients asked for: WebTorrent's fails for a single file under a folder URL", async () => {
    const folder = { mirrors: [`${origin}/no-head/`], urlList: false, pieces: 2 };
    const all = (await checkMirrors(meta, folder)).mirrors[0]!;
    expect(all.problems.find((p) => p.kind === "client-url")).toMatchObject({
      clients: ["webtorrent"],
      count: 1,
    });
    const some = (await checkMirrors(meta, { ...folder, clients: ["libtorrent", "aria2"] })).mirrors[0]!;
    expect(some.problems.filter((p) => p.kind !== "no-cors")).toEqual([]);
    const wrong = await checkMirrors(meta, { ...folder, clients: ["utorrent" as never] }).catch(
      (e: MirrorsError) => e,
    );
    expect((wrong as MirrorsError).code).toBe("ERR_MIRRORS_OPTION");
  });

  it("a 206 for other bytes than asked is a bad range", async () => {
    const [m] = (await check("wrong-range")).mirrors;
    expect(m!.status).toBe("failed");
    expect(m!.problems).toContainEqual({
      kind: "bad-range",
      url: `${origin}/wrong-range/f.bin`,
      message: expect.stringContaining('got "bytes 0-99/100000"'),
    });
  });

  it("an endless 206 body is read only as far as the piece and reported", async () => {
    const [m] = (await check("endless")).mirrors;
    expect(m!.status).toBe("failed");
    expect(m!.problems).toContainEqual(
      expect.objectContaining({ kind: "bad-range", message: expect.stringContaining("got more") }),
    );
    expect(m!.bytes).toBeLessThanOrEqual(meta.pieceCount * 16_384);
  });

  it("a file shorter than the torrent says is stale even when HEAD gives no size", async () => {
    const [m] = (await check("short")).mirrors;
    expect(m!.problems.filter((p) => p.kind !== "no-cors")).toEqual([
      {
        kind: "stale",
        files: [{ path: "f.bin", url: `${origin}/short/f.bin`, expected: 100_000, actual: 50_000 }],
        count: 1,
      },
    ]);
    expect(m!.pieces).toEqual({ checked: 0, ok: 0, skipped: meta.pieceCount });
  });

  it("a redirect loop stops after maxRedirects", async () => {
    const [m] = (await check("loop", { maxRedirects: 3 })).mirrors;
    expect(m!.problems).toEqual([
      expect.objectContaining({
        kind: "unreachable",
        message: expect.stringContaining("more than 3 redirects"),
      }),
    ]);
  });

  it("an abort ends the run with ERR_MIRRORS_ABORTED", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const error = await check("stall", { signal: controller.signal }).catch((e: MirrorsError) => e);
    expect((error as MirrorsError).code).toBe("ERR_MIRRORS_ABORTED");
  });
});
