// @seedpress/vite: a build-only Vite plugin that runs @seedpress/site over the client build's output folder.
import { join, resolve } from "node:path";
import { formatSummary, SiteError, type SiteOptions, type SiteResult, torrentifySite } from "@seedpress/site";
import type { Plugin, ResolvedConfig } from "vite";

export interface SeedpressViteOptions extends Omit<SiteOptions, "dir" | "baseUrl" | "cwd"> {
  /**
   * Absolute public URL of the built site. When its path is "/" and Vite's `base` is an absolute path
   * ("/docs/"), the base is added: baseUrl "https://example.com" + base "/docs/" → https://example.com/docs/.
   */
  baseUrl: string;
  /** Called with what was done (also logged through Vite's logger). */
  onResult?: (result: SiteResult) => void;
}

/** The URL of the output folder from the plugin's baseUrl and Vite's `base`. */
export function viteBaseUrl(baseUrl: string, base: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new SiteError(
      "ERR_SITE_BASE_URL",
      `@seedpress/vite: baseUrl "${baseUrl}" is not an absolute URL (e.g. https://example.com/)`,
    );
  }
  if ((url.pathname === "/" || url.pathname === "") && base.startsWith("/") && base !== "/") {
    url.pathname = base.endsWith("/") ? base : `${base}/`;
  }
  return url.href;
}

export default function seedpress(options: SeedpressViteOptions): Plugin {
  const { onResult, baseUrl, ...site } = options ?? ({} as SeedpressViteOptions);
  let config: ResolvedConfig;
  return {
    name: "@seedpress/vite",
    apply: "build",
    enforce: "post",
    configResolved(resolved) {
      config = resolved;
    },
    async closeBundle() {
      // Vite 6+ builds each environment separately; only the browser-facing one holds the site's pages.
      const env = (this as { environment?: { name: string; config?: { consumer?: string } } }).environment;
      if (
        env
          ? env.config?.consumer === "server" || (env.config?.consumer === undefined && env.name !== "client")
          : config.build.ssr
      ) {
        return;
      }
      const outDir = resolve(config.root, config.build.outDir);
      const result = await torrentifySite({
        cacheFile: join(config.cacheDir, "seedpress-site.json"),
        ...(config.publicDir && config.build.copyPublicDir ? { sources: [config.publicDir] } : {}),
        ...site,
        dir: outDir,
        baseUrl: viteBaseUrl(baseUrl, config.base),
        cwd: config.root,
      });
      config.logger.info(formatSummary(result).split("\n")[0] ?? "");
      for (const w of result.warnings) config.logger.warn(`seedpress: ${w.message}`);
      onResult?.(result);
    },
  };
}
