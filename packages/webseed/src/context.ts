// One request's state as it travels from the request pipeline to the bytes on the wire.
import type { IncomingMessage, ServerResponse } from "node:http";

export type NextFunction = (error?: unknown) => void;

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** express's next (or the standalone server's fallback), used for 404s under `fallthrough` and for errors. */
  next: NextFunction | undefined;
  method: string;
  isHead: boolean;
  /** The client key, for the per-client caps, the policy and the log. */
  client: string;
  /** The served path, "/"-joined relative to the root, once the URL has been parsed. */
  path?: string;
  /** The byte range being served (inclusive), once bytes are on their way. */
  start?: number;
  end?: number;
  /** Body bytes handed to the socket. */
  sent: number;
}

export interface RequestLog {
  method: string;
  url: string;
  status: number;
  /** Body bytes handed to the socket. */
  bytes: number;
  client: string;
  /** Milliseconds from the request to the end of the response. */
  ms: number;
  /** Set when the connection closed before the response was complete. */
  aborted: boolean;
  /** The served path ("/"-joined, relative to the root), when the URL named one. */
  path?: string;
  /** The byte range served (inclusive), when bytes were sent. */
  start?: number;
  end?: number;
}
