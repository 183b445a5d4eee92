// An express 5 router over the same handler as the standalone server, for mounting the tracker inside
// an existing app (`app.use("/tracker", trackerRouter(tracker))` → /tracker/announce).
import { type Request, type Response, Router } from "express";
import { createHttpHandler, type HttpHandlerOptions } from "./http.js";
import type { Tracker } from "./tracker.js";

export function trackerRouter(tracker: Tracker, options: HttpHandlerOptions = {}): Router {
  const handle = createHttpHandler(tracker, options);
  const router = Router();
  // req.url inside a mounted router is relative to the mount point, which is what the handler matches.
  router.use((req: Request, res: Response, next) => handle(req, res, next));
  return router;
}
