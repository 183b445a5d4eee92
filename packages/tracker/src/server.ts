// startTracker: the tracker with its HTTP (+ WebSocket) and UDP listeners, in one call. Used by
// `seedpress tracker` and by `seedpress serve` to run beside the web seed.
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type AssembledTracker, assembleTracker } from "./assemble.js";
import { TrackerError } from "./errors.js";
import { createFastServer, type FastServerOptions } from "./fast-http.js";
import type { Tracker, TrackerOptions } from "./tracker.js";
import type { UdpTracker } from "./udp.js";
import type { WsOptions, WsTracker } from "./ws.js";

export interface StartTrackerOptions extends TrackerOptions, FastServerOptions {
  /** Address to listen on. Default "127.0.0.1". */
  host?: string;
  /** HTTP port (0 = any free port), or false for no HTTP. Default 0. */
  httpPort?: number | false;
  /** UDP port (0 = any free port), or false for no UDP. Default 0. */
  udpPort?: number | false;
  /** Addresses for UDP sockets, one socket per address. Default [host]. */
  udpHosts?: string[];
  /** Serve the WebSocket (WebTorrent) tracker on the HTTP port. Default false. */
  ws?: boolean | WsOptions;
  /** Serve /stats, /stats.json and /metrics. Default true. */
  stats?: boolean;
  /**
   * Answer keep-alive GET /announce and /scrape on the raw socket (see fast-http.ts); everything else
   * goes to node:http. Default true (only with the in-memory store).
   */
  fastPath?: boolean;
}

export interface RunningTracker {
  tracker: Tracker;
  /** `http://host:port/announce`, when HTTP is on. */
  httpUrl?: string;
  /** `udp://host:port`, when UDP is on. */
  udpUrl?: string;
  /** `ws://host:port`, when WebSocket is on. */
  wsUrl?: string;
  /** Every announce URL above, for a torrent's announce-list. */
  announceUrls: string[];
  httpServer?: Server;
  udp?: UdpTracker;
  ws?: WsTracker;
  close(): Promise<void>;
}

function hostForUrl(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

export async function startTracker(options: StartTrackerOptions = {}): Promise<RunningTracker> {
  const host = options.host ?? "127.0.0.1";
  let assembled: AssembledTracker;
  try {
    assembled = await assembleTracker(options, {
      udp:
        options.udpPort === false ? false : { port: options.udpPort || 0, hosts: options.udpHosts ?? [host] },
      ws: options.httpPort !== false && options.ws ? (options.ws === true ? {} : options.ws) : false,
      stats: options.stats,
    });
  } catch (error) {
    if (error instanceof TrackerError) throw error;
    throw new TrackerError("ERR_TRACKER_LISTEN", `cannot listen on ${host}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const { tracker, udp, ws } = assembled;
  const running: RunningTracker = { tracker, announceUrls: [], udp, ws, close: () => assembled.close() };
  if (options.httpPort !== false) {
    try {
      const http = await listenHttp(assembled, options, host);
      running.httpServer = http.server;
      running.httpUrl = `http://${hostForUrl(host)}:${http.port}/announce`;
      running.announceUrls.push(running.httpUrl);
      if (ws) {
        running.wsUrl = `ws://${hostForUrl(host)}:${http.port}`;
        running.announceUrls.push(running.wsUrl);
      }
      running.close = async () => {
        await ws?.close();
        await http.close();
        await assembled.close();
      };
    } catch (error) {
      await assembled.close();
      throw new TrackerError("ERR_TRACKER_LISTEN", `cannot listen on ${host}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  if (udp) {
    running.udpUrl = `udp://${hostForUrl(host)}:${assembled.udpPort}`;
    running.announceUrls.push(running.udpUrl);
  }
  return running;
}

/** The HTTP listener: the fast path in front of node:http (which also takes WebSocket upgrades). */
async function listenHttp(
  assembled: AssembledTracker,
  options: StartTrackerOptions,
  host: string,
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const { tracker, ws } = assembled;
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const server = createServer(
    {
      keepAliveTimeout: options.idleTimeoutMs ?? 30_000,
      headersTimeout,
      requestTimeout: headersTimeout * 2,
      // node:http checks both timeouts on this interval; the default 30 s lets a slowloris linger.
      connectionsCheckingInterval: Math.max(250, Math.floor(headersTimeout / 4)),
    },
    (req, res) => assembled.handle(req, res),
  );
  server.maxConnections = options.maxConnections ?? 8192;
  if (ws) server.on("upgrade", (req, socket, head) => ws.handleUpgrade(req, socket, head));
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return void socket.destroy();
    const status = error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? "408 Request Timeout" : "400 Bad Request";
    // Closed once the answer is out, whatever the client does next (a slowloris keeps writing).
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`, () => socket.destroy());
  });
  const fast = options.fastPath !== false ? createFastServer(tracker, server, options) : undefined;
  // node:http enforces headersTimeout/requestTimeout from a checker it starts on 'listening'; the
  // fallback never listens itself (connections reach it from the fast path), so start it here.
  if (fast) server.emit("listening");
  const sockets = new Set<Socket>();
  fast?.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  const listener = fast ?? server;
  await new Promise<void>((resolve, reject) => {
    listener.once("error", reject);
    listener.listen(options.httpPort || 0, host, () => {
      listener.off("error", reject);
      resolve();
    });
  });
  const port = (listener.address() as AddressInfo).port;
  const close = async () => {
    server.closeAllConnections();
    for (const s of sockets) s.destroy();
    if (fast) {
      server.close(() => undefined); // stops node:http's connection checker
      await new Promise<void>((resolve) => fast.close(() => resolve()));
    } else await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { server, port, close };
}
