// One small response writer for the pages and .torrent files this package answers itself.
import type { ServerResponse } from "node:http";

export function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Uint8Array,
  extra: string[] = [],
): void {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  res.writeHead(status, [
    "Content-Type",
    type,
    "Content-Length",
    String(bytes.length),
    "Access-Control-Allow-Origin",
    "*",
    "Cache-Control",
    "no-cache",
    ...extra,
  ]);
  res.end(res.req?.method === "HEAD" ? undefined : bytes);
}
