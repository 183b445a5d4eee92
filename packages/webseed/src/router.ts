// The web seed as an express 5 router, to mount at any path of an existing app. express is an optional
// peer dependency: it is loaded only when this function is called, so the standalone server and
// `createWebseed` never need it installed.
import { createRequire } from "node:module";
import type { Router } from "express";
import { WebseedError } from "./errors.js";
import { createWebseed, type Webseed, type WebseedOptions } from "./webseed.js";

export interface WebseedRouter extends Router {
  webseed: Webseed;
}

function loadExpress(): typeof import("express") {
  try {
    return createRequire(import.meta.url)("express");
  } catch (error) {
    throw new WebseedError("ERR_WEBSEED_OPTION", "webseedRouter needs express 5: npm install express", {
      cause: error,
    });
  }
}

/**
 * `app.use("/files", webseedRouter({ root: "public" }))`. Paths it does not serve fall through to the
 * next handler (set `fallthrough: false` to answer 404 here).
 */
export function webseedRouter(options: WebseedOptions): WebseedRouter {
  const webseed = createWebseed({ fallthrough: true, ...options });
  const router = loadExpress().Router() as WebseedRouter;
  router.use((req, res, next) => webseed.handle(req, res, next));
  router.webseed = webseed;
  return router;
}
