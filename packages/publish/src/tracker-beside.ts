// The tracker on the publisher's own HTTP server (announce, scrape, WebSocket) plus a UDP socket, and the
// announce URLs written into torrents: the UDP one carries the public port, never a guess.
import type { Server } from "node:http";
import { type TrackerBeside, trackerBeside } from "@seedpress/tracker";
import { PublishError } from "./errors.js";
import type { PublishEvent } from "./options.js";

export interface BesideOptions {
  server: Server;
  host: string;
  /** The HTTP port bound (the default UDP port number). */
  httpPort: number;
  baseUrl: URL;
  /** True when the base URL was given (public), false when it is the listening address. */
  publicBase: boolean;
  udpPort?: number | false;
  publicUdpPort?: number;
  db?: string;
  emit: (event: PublishEvent) => void;
}

export interface RunningBeside {
  beside: TrackerBeside;
  /** Announce URLs for torrents, one tier each. */
  announce: string[];
}

async function open(options: BesideOptions): Promise<TrackerBeside> {
  const common = {
    server: options.server,
    baseUrl: options.baseUrl.href,
    udpHost: options.host,
    db: options.db,
  };
  // Stats and metrics pages are the publisher's own (they include the tracker's metrics).
  const start = (udpPort: number | false) => trackerBeside({ ...common, udpPort, stats: false });
  if (options.udpPort !== undefined) {
    try {
      return await start(options.udpPort);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new PublishError("ERR_PUBLISH_LISTEN", `cannot open UDP port ${options.udpPort} (${code})`, {
        cause: error,
      });
    }
  }
  // By default UDP takes the HTTP port's number; if that is taken, no UDP rather than a port that moves.
  try {
    return await start(options.httpPort);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    options.emit({ type: "note", message: `UDP port ${options.httpPort} is taken: no UDP tracker` });
    return start(false);
  }
}

/** The UDP announce URL with the port clients reach, or none when that port is unknown. */
function publicAnnounce(urls: string[], options: BesideOptions): string[] {
  return urls.flatMap((url) => {
    if (!url.startsWith("udp://")) return [url];
    if (options.publicUdpPort !== undefined)
      return [`udp://${options.baseUrl.hostname}:${options.publicUdpPort}`];
    if (!options.publicBase) return [url];
    options.emit({
      type: "note",
      message: "UDP announce left out of torrents: the base URL is public and no public UDP port was given",
    });
    return [];
  });
}

export async function startBeside(options: BesideOptions): Promise<RunningBeside> {
  const beside = await open(options);
  return { beside, announce: publicAnnounce(beside.announce, options) };
}
