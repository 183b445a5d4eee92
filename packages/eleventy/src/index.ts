// @seedpress/eleventy: an Eleventy 3 plugin that runs @seedpress/site over the output folder after each build.
import { formatSummary, SiteError, type SiteOptions, type SiteResult, torrentifySite } from "@seedpress/site";

export interface SeedpressEleventyOptions extends Omit<SiteOptions, "dir" | "baseUrl"> {
  /** Absolute public URL of the output folder, path prefix included (e.g. https://example.com/docs/). */
  baseUrl: string;
  /** Called with what was done (also logged through Eleventy's logger). */
  onResult?: (result: SiteResult) => void;
}

/** The part of Eleventy's UserConfig this plugin uses. */
export interface EleventyConfigLike {
  on(event: "eleventy.after", listener: (arg: EleventyAfterArg) => unknown): unknown;
  logger?: { info?(msg: string): void; warn?(msg: string): void; log?(msg: string): void };
}

export interface EleventyAfterArg {
  directories?: { output?: string };
  dir?: { output?: string };
  outputMode?: string;
  runMode?: string;
}

export default function seedpressPlugin(
  eleventyConfig: EleventyConfigLike,
  options: SeedpressEleventyOptions,
): void {
  if (!options || typeof options.baseUrl !== "string") {
    throw new SiteError(
      "ERR_SITE_BASE_URL",
      '@seedpress/eleventy: pass { baseUrl: "https://example.com/" } (the public URL of the output folder) to addPlugin',
    );
  }
  const { onResult, ...site } = options;
  eleventyConfig.on("eleventy.after", async (arg) => {
    // --to=json / ndjson writes nothing to disk: nothing to rewrite.
    if (arg.outputMode && arg.outputMode !== "fs") return;
    const dir = arg.directories?.output ?? arg.dir?.output ?? "_site";
    const result = await torrentifySite({ ...site, dir });
    const log = eleventyConfig.logger;
    log?.info?.(formatSummary(result).split("\n")[0] ?? "");
    for (const w of result.warnings) log?.warn?.(`seedpress: ${w.message}`);
    onResult?.(result);
  });
}
