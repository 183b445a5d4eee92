// checkMirrors: the hub. Lists the mirrors, plans the pieces once, runs each mirror's stages
// (probe files, fetch pieces) under a concurrency limit, and gathers the reports.
import type { TorrentMeta } from "@seedpress/torrent";
import { MirrorsError } from "./errors.js";
import { fetchPieces } from "./fetch-pieces.js";
import { createAgents, type HttpContext } from "./http-request.js";
import { type CheckMirrorsOptions, type ResolvedOptions, resolveOptions, seededRandom } from "./options.js";
import { type PlannedPiece, planPieces } from "./piece-plan.js";
import { filePath, type MirrorContext, probeFiles } from "./probe-files.js";
import { type CheckMirrorsReport, FAILING_KINDS, type MirrorReport } from "./report.js";
import { httpUrlProblem } from "./web-seed-url.js";

interface MirrorEntry {
  url: string;
  source: MirrorReport["source"];
}

export async function checkMirrors(
  meta: TorrentMeta,
  options: CheckMirrorsOptions = {},
): Promise<CheckMirrorsReport> {
  const opts = resolveOptions(options);
  const entries = listMirrors(meta, opts);
  const plan = planPieces(meta, { pieces: opts.pieces, random: seededRandom(opts.seed) });
  const pieceBytes = plan.reduce(
    (sum, p) => sum + p.spans.reduce((s, x) => s + (x.pad ? 0 : x.length), 0),
    0,
  );
  const progress = {
    mirrorsDone: 0,
    mirrorsTotal: entries.length,
    bytes: 0,
    bytesTotal: pieceBytes * entries.length,
  };
  const reports: MirrorReport[] = new Array(entries.length);
  let next = 0;
  const worker = async (agents: HttpContext["agents"]) => {
    while (next < entries.length) {
      const index = next++;
      reports[index] = await checkOne(meta, entries[index]!, plan, { ...opts, agents }, (bytes) => {
        progress.bytes += bytes;
        opts.onProgress?.(progress);
      });
      progress.mirrorsDone++;
      opts.onProgress?.(progress);
      opts.onMirror?.(reports[index]!);
    }
  };
  const agents = createAgents(opts.concurrency);
  try {
    await Promise.all(
      Array.from({ length: Math.min(opts.concurrency, entries.length) }, () => worker(agents)),
    );
  } catch (error) {
    if (opts.signal?.aborted)
      throw new MirrorsError("ERR_MIRRORS_ABORTED", "mirror check aborted", { cause: error });
    throw error;
  } finally {
    agents.http.destroy();
    agents.https.destroy();
  }
  if (opts.signal?.aborted) throw new MirrorsError("ERR_MIRRORS_ABORTED", "mirror check aborted");
  return {
    ok: reports.every((r) => r.status !== "failed"),
    name: meta.name,
    seed: opts.seed,
    pieces: plan.map((p) => ({
      piece: p.piece,
      file: p.v2FileIndex === undefined ? undefined : filePath(meta, p.v2FileIndex),
      reasons: p.reasons,
    })),
    mirrors: reports,
  };
}

function listMirrors(meta: TorrentMeta, opts: ResolvedOptions): MirrorEntry[] {
  for (const url of opts.mirrors) {
    const problem = httpUrlProblem(url);
    if (problem) throw new MirrorsError("ERR_MIRRORS_URL", `mirror ${problem}`);
  }
  const seen = new Set<string>();
  const entries: MirrorEntry[] = [];
  const listed = opts.urlList ? meta.urlList.map((url) => ({ url, source: "url-list" as const })) : [];
  for (const entry of [...listed, ...opts.mirrors.map((url) => ({ url, source: "option" as const }))]) {
    if (seen.has(entry.url)) continue;
    seen.add(entry.url);
    entries.push(entry);
  }
  if (entries.length === 0) {
    throw new MirrorsError(
      "ERR_MIRRORS_NO_WEB_SEEDS",
      `${meta.name}: the torrent lists no web seed (url-list) and no mirror was given`,
    );
  }
  return entries;
}

async function checkOne(
  meta: TorrentMeta,
  entry: MirrorEntry,
  plan: PlannedPiece[],
  opts: ResolvedOptions & { agents: HttpContext["agents"] },
  onBytes: (bytes: number) => void,
): Promise<MirrorReport> {
  const report: MirrorReport = {
    url: entry.url,
    source: entry.source,
    status: "ok",
    problems: [],
    files: { checked: 0, ok: 0 },
    pieces: { checked: 0, ok: 0, skipped: 0 },
    bytes: 0,
    seconds: 0,
    throughput: null,
    cors: null,
    acceptRanges: null,
  };
  const problem = httpUrlProblem(entry.url);
  if (problem || opts.signal?.aborted) {
    report.problems.push({ kind: "skipped", message: problem ?? "aborted" });
    report.status = "warning";
    return report;
  }
  const ctx: MirrorContext = {
    meta,
    base: entry.url,
    http: {
      timeout: opts.timeout,
      maxRedirects: opts.maxRedirects,
      headers: { "user-agent": opts.userAgent, origin: opts.origin },
      signal: opts.signal,
      agents: opts.agents,
    },
    origin: opts.origin,
    clients: opts.clients,
    report,
    fileUrls: new Map(),
    badFiles: new Set(),
    onBytes,
  };
  if (await probeFiles(ctx)) await fetchPieces(ctx, plan);
  else report.pieces.skipped = plan.length;
  report.throughput = report.seconds > 0 ? Math.round(report.bytes / report.seconds) : null;
  report.seconds = Math.round(report.seconds * 1000) / 1000;
  const failed = report.problems.some((p) => FAILING_KINDS.has(p.kind));
  report.status = failed ? "failed" : report.problems.length ? "warning" : "ok";
  return report;
}
