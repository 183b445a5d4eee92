// The standalone web seed: a bare node:http server (no framework on the hot path) around createWebseed.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebseedError } from "./errors.js";
import { createWebseed, type Webseed, type WebseedOptions } from "./webseed.js";

export interface WebseedServerOptions extends WebseedOptions {
  /**
   * Requests the web seed does not serve (a 404 from it) go here first: an index page, a tracker's
   * `/announce`, anything. Call `next()` to let the web seed answer 404.
   */
  fallback?: (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  /** Idle keep-alive sockets close after this many ms. Default 65000 (longer than most clients' pools). */
  keepAliveTimeout?: number;
}

export interface WebseedServer {
  server: Server;
  webseed: Webseed;
  /** Listens (port 0: the OS picks) and resolves with the address. Default host 127.0.0.1. */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting, ends idle keep-alive sockets, closes files. */
  close(): Promise<void>;
}

export function createWebseedServer(options: WebseedServerOptions): WebseedServer {
  const { fallback } = options;
  const webseed = createWebseed({ ...options, fallthrough: fallback !== undefined });
  // Node checks its headersTimeout on this interval (default 30 s): a slowloris on a later request of a
  // keep-alive connection is closed within headersTimeout + 2 s.
  const server = createServer(
    { connectionsCheckingInterval: 2000 },
    fallback
      ? (req, res) => {
          webseed.handle(req, res, () => {
            fallback(req, res, () => {
              if (!res.headersSent) {
                res.writeHead(404, [
                  "Content-Type",
                  "text/plain; charset=utf-8",
                  "Content-Length",
                  "10",
                  "Access-Control-Allow-Origin",
                  "*",
                ]);
                res.end(req.method === "HEAD" ? undefined : "Not Found\n");
              }
            });
          });
        }
      : (req, res) => webseed.handle(req, res),
  );
  server.keepAliveTimeout = options.keepAliveTimeout ?? 65_000;
  webseed.attach(server);
  return {
    server,
    webseed,
    listen(port = 0, host = "127.0.0.1") {
      return new Promise((resolve, reject) => {
        const onError = (error: Error) =>
          reject(
            new WebseedError("ERR_WEBSEED_LISTEN", `cannot listen on ${host}:${port}: ${error.message}`),
          );
        server.once("error", onError);
        server.listen(port, host, () => {
          server.off("error", onError);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await webseed.close();
    },
  };
}
