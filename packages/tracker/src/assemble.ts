// The one place a tracker is put together: the Tracker (store, allowlist), its HTTP handler, its UDP
// sockets and its WebSocket side, with the stats wiring and the close order. `startTracker` (its own
// HTTP listener, used by `seedpress tracker`) and `trackerBeside` (inside a host server, used by
// `seedpress serve`) are thin faces over it.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createHttpHandler } from "./http.js";
import type { StatsParts } from "./stats.js";
import { Tracker, type TrackerOptions } from "./tracker.js";
import { UdpTracker } from "./udp.js";
import { type WsOptions, WsTracker } from "./ws.js";

export interface AssembleOptions {
  /** UDP sockets to bind, or false for none. */
  udp: { port: number; hosts: string[] } | false;
  /** WebSocket tracker options, or false for none. */
  ws: WsOptions | false;
  /** Serve /stats, /stats.json, /metrics. */
  stats?: boolean;
}

export interface AssembledTracker {
  tracker: Tracker;
  handle(req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): void;
  udp?: UdpTracker;
  /** The port the UDP sockets got. */
  udpPort?: number;
  ws?: WsTracker;
  /** Closes UDP and WebSocket, then the tracker (store, watchers). */
  close(): Promise<void>;
}

export async function assembleTracker(
  options: TrackerOptions,
  parts: AssembleOptions,
): Promise<AssembledTracker> {
  const tracker = new Tracker(options);
  try {
    await tracker.ready();
  } catch (error) {
    await tracker.close(); // the store and any folder watchers opened so far
    throw error;
  }
  const statsParts: StatsParts = {};
  const out: AssembledTracker = {
    tracker,
    handle: createHttpHandler(tracker, { stats: parts.stats, parts: statsParts }),
    close: async () => {
      await out.ws?.close();
      await out.udp?.close();
      await tracker.close();
    },
  };
  try {
    if (parts.ws !== false) {
      out.ws = new WsTracker(tracker, parts.ws);
      statsParts.ws = out.ws;
    }
    if (parts.udp !== false) {
      const udp = new UdpTracker(tracker);
      out.udp = udp;
      statsParts.udp = udp;
      const bound = await udp.listen({ port: parts.udp.port, hosts: parts.udp.hosts });
      out.udpPort = bound[0]!.port;
    }
  } catch (error) {
    await out.close();
    throw error;
  }
  return out;
}
