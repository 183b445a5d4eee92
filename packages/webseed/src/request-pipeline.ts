// The request pipeline every face shares (standalone server, express router, your own node:http server):
// one response in flight per connection → method → connection caps → URL path → refused paths → open file
// → FileSender. It builds the request's context and logs it; it never touches file bytes.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { NextFunction, RequestContext } from "./context.js";
import type { OpenFile } from "./file-cache.js";
import { inTurn } from "./one-in-flight.js";
import type { Settings } from "./options.js";
import type { FileSender, SenderParts } from "./send-file.js";
import { parseRequestPath } from "./url-path.js";

export interface PipelineParts extends SenderParts {
  sender: FileSender;
}

export class RequestPipeline {
  constructor(private readonly parts: PipelineParts) {}

  handle(req: IncomingMessage, res: ServerResponse, next?: NextFunction): void {
    inTurn(req, res, () => this.start(req, res, next));
  }

  private start(req: IncomingMessage, res: ServerResponse, next: NextFunction | undefined): void {
    const { settings, limiter, answers, counters } = this.parts;
    const method = req.method ?? "GET";
    const ctx: RequestContext = {
      req,
      res,
      next,
      method,
      isHead: method === "HEAD",
      client: settings.clientKey(req),
      sent: 0,
    };
    counters.requests++;
    if (settings.onRequest) this.logWhenDone(ctx, settings.onRequest);
    if (method === "OPTIONS") {
      answers.preflight(res);
      return;
    }
    if (!ctx.isHead && method !== "GET") {
      answers.text(res, 405, "Method Not Allowed", ["Allow", "GET, HEAD, OPTIONS"]);
      return;
    }
    if (limiter.admitSocket(req.socket, ctx.client) > 0) {
      counters.shed++;
      answers.retryLater(res, 1, "over the web seed's capacity", true);
      return;
    }
    this.route(ctx);
  }

  private logWhenDone(ctx: RequestContext, onRequest: NonNullable<Settings["onRequest"]>): void {
    const started = performance.now();
    const { req, res } = ctx;
    res.once("close", () => {
      onRequest({
        method: ctx.method,
        url: req.url ?? "",
        status: res.statusCode,
        bytes: ctx.sent,
        client: ctx.client,
        ms: performance.now() - started,
        aborted: !res.writableFinished,
        path: ctx.path,
        start: ctx.start,
        end: ctx.end,
      });
    });
  }

  /** URL → served path → open file. */
  private route(ctx: RequestContext): void {
    const { answers, pins, cache } = this.parts;
    const parsed = parseRequestPath(ctx.req.url ?? "/");
    if (!parsed.ok) {
      if (parsed.status === 404) this.notFound(ctx);
      else answers.text(ctx.res, 400, "Bad Request: unsafe or malformed path");
      return;
    }
    const path = parsed.key;
    ctx.path = path;
    if (pins.isRefused(path)) {
      answers.text(ctx.res, 404, "Not Found: this file changed since its torrent was made");
      return;
    }
    const now = Date.now();
    const cached = cache.peek(path, now);
    if (cached) {
      this.parts.sender.send(ctx, cached);
      return;
    }
    cache.get(path, parsed.segments, now).then(
      (file: OpenFile | null) => {
        if (ctx.res.destroyed) return;
        if (!file) this.notFound(ctx);
        else this.parts.sender.send(ctx, file);
      },
      (error: unknown) => {
        if (ctx.next) ctx.next(error);
        else answers.text(ctx.res, 500, "Internal Server Error");
      },
    );
  }

  private notFound(ctx: RequestContext): void {
    if (ctx.next && this.parts.settings.fallthrough) ctx.next();
    else this.parts.answers.text(ctx.res, 404, "Not Found");
  }
}
