import { formatSummary, type SiteMode, type SiteOptions, torrentifySite } from "@seedpress/site";
import { parseByteSize, parseCommandArgs, parsePieceLength, parseThreads } from "../args.js";
import { type Command, UsageError } from "../command.js";
import { print, printJson, warn } from "../output.js";
import { createProgressBar } from "../progress.js";

export const site: Command = {
  name: "site",
  summary: "make torrents for a built static site's download links and point the links at them",
  usage: `
Usage: seedpress site <built-dir> --base-url URL [options]

For generators with no JS plugin API (Hugo, Jekyll, MkDocs, Docusaurus' output): run it after the build.

  -u, --base-url URL       absolute public URL of <built-dir>, base path included (required)
  -i, --include GLOB       link paths to torrent; repeat for more (default: .iso .img .zip .tar.* .7z
                           .dmg .pdf .epub .mp4 .mkv .flac and other download types)
      --exclude GLOB       link paths to leave alone; repeat for more
      --min-size SIZE      smaller files keep their plain link (default: 1MiB)
  -a, --announce URL       tracker URL written into each torrent; repeat for more (default: none)
  -m, --mode MODE          swap (default) | append (adds a direct link) | magnet (adds a magnet link)
      --map PREFIX=DIR     also treat links under URL PREFIX as files in local folder DIR; repeat
      --cache FILE         hash cache (default: node_modules/.cache/seedpress/site-cache.json)
      --no-cache           hash every file again, keep no cache
      --manifest FILE      manifest path, relative to <built-dir> (default: seedpress-manifest.json)
      --no-manifest        write no manifest
  -l, --piece-length SIZE  bytes, or 256KiB / 1MiB..., or auto (default: auto)
  -t, --threads N          hashing threads (default: number of cores)
      --max-page-size SIZE pages bigger than this are left unread, with a warning (default: 16MiB)
      --max-links-per-page N  download links rewritten per page at most (default: 10000)
      --strict             any warning (missing file, bad link) fails the run before anything is written
      --json               print the manifest as JSON
`,
  async run(argv) {
    const { values, positionals } = parseSiteArgs(argv);
    const bar = createProgressBar("hashing");
    const result = await torrentifySite({
      ...siteOptions(values, positionals[0] ?? "."),
      onProgress: (e) => {
        if (e.type === "hash") bar.update(e.bytesDone, e.bytesTotal);
      },
    });
    bar.finish();
    if (values.json) {
      printJson(result);
    } else {
      print(`${formatSummary(result).split("\n")[0]}\n`);
      for (const link of result.links) print(`  ${link.page}: ${link.href} → ${link.newHref}\n`);
      if (result.manifest) print(`manifest: ${result.manifest}\n`);
      for (const w of result.warnings) warn("site", w.message);
    }
    return 0;
  },
};

function parseSiteArgs(argv: string[]) {
  return parseCommandArgs(
    argv,
    {
      "base-url": { type: "string", short: "u" },
      include: { type: "string", short: "i", multiple: true },
      exclude: { type: "string", multiple: true },
      "min-size": { type: "string" },
      announce: { type: "string", short: "a", multiple: true },
      mode: { type: "string", short: "m" },
      map: { type: "string", multiple: true },
      cache: { type: "string" },
      "no-cache": { type: "boolean" },
      manifest: { type: "string" },
      "no-manifest": { type: "boolean" },
      "piece-length": { type: "string", short: "l" },
      threads: { type: "string", short: "t" },
      "max-page-size": { type: "string" },
      "max-links-per-page": { type: "string" },
      strict: { type: "boolean" },
      json: { type: "boolean" },
    },
    { min: 1, max: 1, names: "one <built-dir>" },
  );
}

type SiteValues = ReturnType<typeof parseSiteArgs>["values"];

/** The SiteOptions the arguments ask for (progress aside); bad values are usage errors. */
function siteOptions(values: SiteValues, dir: string): SiteOptions {
  const baseUrl = values["base-url"];
  if (!baseUrl) throw new UsageError("--base-url URL is required: the absolute public URL of the built site");
  const mode = (values.mode ?? "swap") as SiteMode;
  if (!["swap", "append", "magnet"].includes(mode))
    throw new UsageError(`--mode "${values.mode}" is not one of swap, append, magnet`);
  const map: Record<string, string> = {};
  for (const entry of values.map ?? []) {
    const eq = entry.indexOf("=");
    if (eq <= 0 || eq === entry.length - 1) throw new UsageError(`--map "${entry}" is not PREFIX=DIR`);
    map[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  const threads = parseThreads(values.threads);
  const maxLinksText = values["max-links-per-page"];
  if (maxLinksText !== undefined && !/^\d+$/.test(maxLinksText))
    throw new UsageError(`--max-links-per-page "${maxLinksText}" is not a whole number`);
  return {
    dir,
    baseUrl,
    ...(values.include ? { include: values.include } : {}),
    ...(values.exclude ? { exclude: values.exclude } : {}),
    ...(values["min-size"] !== undefined ? { minSize: parseByteSize(values["min-size"], "--min-size") } : {}),
    ...(values.announce ? { announce: values.announce } : {}),
    mode,
    map,
    ...(values["no-cache"] ? { cacheFile: false as const } : values.cache ? { cacheFile: values.cache } : {}),
    ...(values["no-manifest"]
      ? { manifest: false as const }
      : values.manifest
        ? { manifest: values.manifest }
        : {}),
    pieceLength: parsePieceLength(values["piece-length"]),
    ...(threads === undefined ? {} : { threads }),
    ...(values["max-page-size"] !== undefined
      ? { maxPageSize: parseByteSize(values["max-page-size"], "--max-page-size") }
      : {}),
    ...(maxLinksText === undefined ? {} : { maxLinksPerPage: Number(maxLinksText) }),
    strict: values.strict ?? false,
  };
}
