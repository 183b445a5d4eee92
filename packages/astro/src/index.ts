// @seedpress/astro: an Astro integration that runs @seedpress/site over the static build at astro:build:done.

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatSummary, SiteError, type SiteOptions, type SiteResult, torrentifySite } from "@seedpress/site";
import type { AstroConfig, AstroIntegration } from "astro";

export interface SeedpressAstroOptions extends Omit<SiteOptions, "dir" | "baseUrl" | "cwd"> {
  /** Override the URL made from Astro's `site` + `base`. */
  baseUrl?: string;
  /** Called with what was done (also logged through Astro's logger). */
  onResult?: (result: SiteResult) => void;
}

/** The public URL of the build from Astro's `site` and `base`; a missing `site` is an error. */
export function astroBaseUrl(site: string | undefined, base: string): string {
  if (!site) {
    throw new SiteError(
      "ERR_SITE_BASE_URL",
      "@seedpress/astro: set `site` in astro.config (the absolute URL the site is served from, e.g. https://example.com) or pass baseUrl",
    );
  }
  let url: URL;
  try {
    url = new URL(base.startsWith("/") ? base : `/${base}`, site);
  } catch {
    throw new SiteError("ERR_SITE_BASE_URL", `@seedpress/astro: site "${site}" is not an absolute URL`);
  }
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url.href;
}

export default function seedpress(options: SeedpressAstroOptions = {}): AstroIntegration {
  const { onResult, baseUrl, ...site } = options;
  let config: AstroConfig;
  return {
    name: "@seedpress/astro",
    hooks: {
      "astro:config:done": ({ config: c }) => {
        config = c;
      },
      "astro:build:done": async ({ dir, logger }) => {
        const result = await torrentifySite({
          cacheFile: join(fileURLToPath(config.cacheDir), "seedpress-site.json"),
          // Astro copies public/ into the build with fresh mtimes; the source copy keys the cache.
          sources: [fileURLToPath(config.publicDir)],
          ...site,
          dir: fileURLToPath(dir),
          baseUrl: baseUrl ?? astroBaseUrl(config.site, config.base),
          cwd: fileURLToPath(config.root),
        });
        logger.info(formatSummary(result).split("\n")[0] ?? "");
        for (const w of result.warnings) logger.warn(w.message);
        onResult?.(result);
      },
    },
  };
}
