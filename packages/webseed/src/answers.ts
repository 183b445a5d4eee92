// The answers that carry no file bytes: errors, 503s and preflights. None of them counts anything; the
// caller says why it answers (see Counters).
import type { ServerResponse } from "node:http";

const EXPOSE = "Content-Range, Accept-Ranges, ETag, Content-Length, Last-Modified";
export const CORS_HEADERS: readonly string[] = [
  "Access-Control-Allow-Origin",
  "*",
  "Access-Control-Expose-Headers",
  EXPOSE,
];
const PREFLIGHT_HEADERS = [
  "Access-Control-Allow-Origin",
  "*",
  "Access-Control-Allow-Methods",
  "GET, HEAD, OPTIONS",
  "Access-Control-Allow-Headers",
  "Range, If-Range, Cache-Control, User-Agent, If-None-Match, If-Modified-Since",
  "Access-Control-Max-Age",
  "86400",
  "Allow",
  "GET, HEAD, OPTIONS",
  "Content-Length",
  "0",
];

export class Answers {
  readonly corsHeaders: readonly string[];

  constructor(readonly cors: boolean) {
    this.corsHeaders = cors ? CORS_HEADERS : [];
  }

  /** A short text answer (its body left out for HEAD). */
  text(res: ServerResponse, status: number, text: string, extra: readonly string[] = []): void {
    const body = `${text}\n`;
    res.writeHead(status, [
      ...extra,
      ...this.corsHeaders,
      "Content-Type",
      "text/plain; charset=utf-8",
      "Cache-Control",
      "no-store",
      "Content-Length",
      String(Buffer.byteLength(body)),
    ]);
    res.end(res.req?.method === "HEAD" ? undefined : body);
  }

  /** 503 + Retry-After: libtorrent, aria2 and WebTorrent try a web seed again after it (never 429). */
  retryLater(res: ServerResponse, seconds: number, why: string, closeConnection = false): void {
    const extra = ["Retry-After", String(seconds)];
    if (closeConnection) {
      extra.push("Connection", "close");
      res.shouldKeepAlive = false;
    }
    this.text(res, 503, `Service Unavailable: ${why}, retry later`, extra);
  }

  /** The raw bytes of a 503 for a connection refused before it sent a request (no response object yet). */
  refusal(): string {
    const body = "Service Unavailable: too many connections, retry later\n";
    const head = ["HTTP/1.1 503 Service Unavailable", "Retry-After: 1", "Connection: close"];
    for (let i = 0; i < this.corsHeaders.length; i += 2)
      head.push(`${this.corsHeaders[i]}: ${this.corsHeaders[i + 1]}`);
    head.push(
      "Content-Type: text/plain; charset=utf-8",
      "Cache-Control: no-store",
      `Content-Length: ${body.length}`,
    );
    return `${head.join("\r\n")}\r\n\r\n${body}`;
  }

  preflight(res: ServerResponse): void {
    if (this.cors) res.writeHead(204, PREFLIGHT_HEADERS);
    else res.writeHead(204, ["Allow", "GET, HEAD, OPTIONS", "Content-Length", "0"]);
    res.end();
  }
}
