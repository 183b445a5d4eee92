// The web seed as an express 5 router, to mount at any path of an existing app.
import { Router } from "express";
import { createWebseed, type Webseed, type WebseedOptions } from "./webseed.js";

export interface WebseedRouter extends Router {
  webseed: Webseed;
}

/**
 * `app.use("/files", webseedRouter({ root: "public" }))`. Paths it does not serve fall through to the
 * next handler (set `fallthrough: false` to answer 404 here).
 */
export function webseedRouter(options: WebseedOptions): WebseedRouter {
  const webseed = createWebseed({ fallthrough: true, ...options });
  const router = Router() as WebseedRouter;
  router.use((req, res, next) => webseed.handle(req, res, next));
  router.webseed = webseed;
  return router;
}
