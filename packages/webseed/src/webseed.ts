// createWebseed: wires the parts of a web seed together (options → open-file cache, limits, counters →
// request pipeline → file sender → byte reader) and returns the handler every face shares.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { Answers } from "./answers.js";
import type { NextFunction } from "./context.js";
import { FileCache } from "./file-cache.js";
import { Limiter } from "./limits.js";
import { resolveSettings, type WebseedOptions } from "./options.js";
import { type Pin, Pins } from "./pins.js";
import { RequestPipeline } from "./request-pipeline.js";
import { FileSender } from "./send-file.js";
import { Counters, type WebseedStats } from "./stats.js";

export type { NextFunction, RequestLog } from "./context.js";
export type { PolicyDecision, PolicyRequest, WebseedOptions } from "./options.js";
export type { Pin } from "./pins.js";
export type { FileStats, WebseedStats } from "./stats.js";

export interface Webseed {
  /** Answers one request; with `next` and `fallthrough`, calls it for paths that are not served files. */
  handle(req: IncomingMessage, res: ServerResponse, next?: NextFunction): void;
  /**
   * Guards a node:http server this handler serves on: connections count toward the caps from accept (half-open
   * ones too), those over a cap get a 503 at once, and silent ones close (`headersTimeout`, `idleTimeout`).
   * createWebseedServer does it; call it for your own server or an express app's. Without it, connections
   * are counted at their first request.
   */
  attach(server: Server): void;
  stats(): WebseedStats;
  /** Serve `path` only while it keeps this size and mtime (see checkTorrents). */
  pin(path: string, pin: Pin): void;
  /** Answer 404 for `path` from now on; `reason` shows in `refused()`. */
  refuse(path: string, reason: string): void;
  refused(): Map<string, string>;
  /** The root, resolved (symlinks and all). */
  readonly root: string;
  /** Closes every cached file descriptor. */
  close(): Promise<void>;
}

export function createWebseed(options: WebseedOptions): Webseed {
  const settings = resolveSettings(options);
  const cache = new FileCache(settings);
  const answers = new Answers(settings.cors);
  const counters = new Counters();
  const limiter = new Limiter(options, {
    keyedByAddress: options.clientKey === undefined,
    refusal: answers.refusal(),
    onShed: () => counters.shed++,
  });
  const pins = new Pins();
  const sender = new FileSender({ settings, answers, cache, limiter, pins, counters });
  const pipeline = new RequestPipeline({ settings, answers, cache, limiter, pins, counters, sender });
  return {
    handle: (req, res, next) => pipeline.handle(req, res, next),
    attach: (server) => limiter.attach(server),
    root: settings.rootReal,
    stats: () => counters.snapshot(limiter.openConnections),
    pin: (path, pin) => pins.pin(path, pin),
    refuse(path, reason) {
      pins.refuse(path, reason);
      cache.drop(path);
    },
    refused: () => pins.refused(),
    close: () => cache.closeAll(),
  };
}
