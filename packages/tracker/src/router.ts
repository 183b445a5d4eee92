// An express 5 router over the same handler as the standalone server, for mounting the tracker inside
// an existing app (`app.use("/tracker", trackerRouter(tracker))` → /tracker/announce). express is an
// optional peer dependency, loaded only when this function is called.
import { createRequire } from "node:module";
import type { Request, Response, Router } from "express";
import { TrackerError } from "./errors.js";
import { createHttpHandler, type HttpHandlerOptions } from "./http.js";
import type { Tracker } from "./tracker.js";

function loadExpress(): typeof import("express") {
  try {
    return createRequire(import.meta.url)("express");
  } catch (error) {
    throw new TrackerError("ERR_TRACKER_OPTION", "trackerRouter needs express 5: npm install express", {
      cause: error,
    });
  }
}

export function trackerRouter(tracker: Tracker, options: HttpHandlerOptions = {}): Router {
  const handle = createHttpHandler(tracker, options);
  const router = loadExpress().Router();
  // req.url inside a mounted router is relative to the mount point, which is what the handler matches.
  router.use((req: Request, res: Response, next) => handle(req, res, next));
  return router;
}
