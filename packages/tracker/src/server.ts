// startTracker: the tracker with its HTTP (+ WebSocket) and UDP listeners, in one call. Used by
// `seedpress tracker` and by `seedpress serve` to run beside the web seed.
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { TrackerError } from "./errors.js";
import { createFastServer, type FastServerOptions } from "./fast-http.js";
import { createHttpHandler } from "./http.js";
import { MemoryStore } from "./store.js";
import { Tracker, type TrackerOptions } from "./tracker.js";
import { UdpTracker } from "./udp.js";
import { type WsOptions, WsTracker } from "./ws.js";

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
  const tracker = new Tracker(options);
  try {
    await tracker.ready();
  } catch (error) {
    await tracker.close(); // the db and any folder watchers opened so far
    throw error;
  }
  const running: RunningTracker = { tracker, announceUrls: [], close: async () => undefined };
  const closers: (() => Promise<void>)[] = [];
  running.close = async () => {
    for (const c of closers.reverse()) await c();
    await tracker.close();
  };
  try {
    if (options.httpPort !== false) {
      const ws = options.ws ? new WsTracker(tracker, options.ws === true ? {} : options.ws) : undefined;
      const handler = createHttpHandler(tracker, { stats: options.stats, wsPeers: () => ws?.peers ?? 0 });
      const headersTimeout = options.headersTimeoutMs ?? 10_000;
      const server = createServer(
        {
          keepAliveTimeout: options.idleTimeoutMs ?? 30_000,
          headersTimeout,
          requestTimeout: headersTimeout * 2,
          // node:http checks both timeouts on this interval; the default 30 s lets a slowloris linger.
          connectionsCheckingInterval: Math.max(250, Math.floor(headersTimeout / 4)),
        },
        (req, res) => handler(req, res),
      );
      server.maxConnections = options.maxConnections ?? 8192;
      if (ws) server.on("upgrade", (req, socket, head) => ws.handleUpgrade(req, socket, head));
      server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
        if (!socket.writable) return void socket.destroy();
        const status = error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? "408 Request Timeout" : "400 Bad Request";
        // Closed once the answer is out, whatever the client does next (a slowloris keeps writing).
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`, () => socket.destroy());
      });
      const fast =
        options.fastPath !== false && tracker.store instanceof MemoryStore
          ? createFastServer(tracker, server, options)
          : undefined;
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
      running.httpServer = server;
      running.httpUrl = `http://${hostForUrl(host)}:${port}/announce`;
      running.announceUrls.push(running.httpUrl);
      if (ws) {
        running.ws = ws;
        running.wsUrl = `ws://${hostForUrl(host)}:${port}`;
        running.announceUrls.push(running.wsUrl);
      }
      closers.push(async () => {
        await ws?.close();
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
        if (fast) {
          server.close(() => undefined); // stops node:http's connection checker
          await new Promise<void>((resolve) => fast.close(() => resolve()));
        } else await new Promise<void>((resolve) => server.close(() => resolve()));
      });
    }
    if (options.udpPort !== false) {
      const udp = new UdpTracker(tracker);
      closers.push(() => udp.close());
      const bound = await udp.listen({ port: options.udpPort || 0, hosts: options.udpHosts ?? [host] });
      running.udp = udp;
      running.udpUrl = `udp://${hostForUrl(host)}:${bound[0]!.port}`;
      running.announceUrls.push(running.udpUrl);
    }
  } catch (error) {
    await running.close();
    throw new TrackerError("ERR_TRACKER_LISTEN", `cannot listen on ${host}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return running;
}
