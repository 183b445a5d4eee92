// A plain static file server for the tests (not seedpress code): GET/HEAD, single byte ranges, folder
// index.html, and the .torrent MIME type, on 127.0.0.1 at a port the OS picks.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, relative, resolve, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".torrent": "application/x-bittorrent",
};

export interface StaticServer {
  server: Server;
  url: string;
  requests: { method: string; path: string; range?: string }[];
  close(): Promise<void>;
}

/** Serves `root` under the URL path `mount` (e.g. "/" or "/docs/"). */
export async function serveStatic(root: string, mount = "/"): Promise<StaticServer> {
  const requests: StaticServer["requests"] = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    requests.push({
      method: req.method ?? "",
      path: url.pathname,
      ...(req.headers.range ? { range: req.headers.range } : {}),
    });
    const fail = (status: number) => {
      res.writeHead(status, { "Content-Type": "text/plain" });
      res.end(`${status}\n`);
    };
    if (!url.pathname.startsWith(mount)) return fail(404);
    let file: string;
    try {
      file = resolve(root, ...decodeURIComponent(url.pathname.slice(mount.length)).split("/"));
    } catch {
      return fail(400);
    }
    const back = relative(root, file);
    if (back.startsWith(`..${sep}`) || back === "..") return fail(403);
    let s = await stat(file).catch(() => undefined);
    if (s?.isDirectory()) {
      file = join(file, "index.html");
      s = await stat(file).catch(() => undefined);
    }
    if (!s?.isFile()) return fail(404);
    const headers: Record<string, string | number> = {
      "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
      "Accept-Ranges": "bytes",
    };
    let start = 0;
    let end = s.size - 1;
    let status = 200;
    // One range, "bytes=a-b", "bytes=a-" or "bytes=-n": all that web-seeding clients send. Others: whole file.
    const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? "");
    if (m && (m[1] || m[2])) {
      if (m[1]) {
        start = Number(m[1]);
        end = m[2] ? Math.min(Number(m[2]), s.size - 1) : s.size - 1;
      } else {
        start = Math.max(0, s.size - Number(m[2]));
      }
      if (start > end || start >= s.size) {
        res.writeHead(416, { "Content-Range": `bytes */${s.size}` });
        return res.end();
      }
      status = 206;
      headers["Content-Range"] = `bytes ${start}-${end}/${s.size}`;
    }
    headers["Content-Length"] = end - start + 1;
    res.writeHead(status, headers);
    if (req.method === "HEAD" || s.size === 0) return res.end();
    createReadStream(file, { start, end }).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}${mount}`,
    requests,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
