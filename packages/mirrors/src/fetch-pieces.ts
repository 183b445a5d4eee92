// Stage two of a mirror check: fetch each planned piece with Range requests (one per file span,
// as clients do), hash it as it streams, and name the pieces and files whose bytes are wrong.
import { openRequest, RequestError } from "./http-request.js";
import type { PlannedPiece } from "./piece-plan.js";
import { PieceVerifier } from "./piece-verifier.js";
import { filePath, type MirrorContext, totalFromContentRange } from "./probe-files.js";
import { type BadPiece, Capped, MAX_LISTED, type MirrorProblem } from "./report.js";

type SpanOutcome = "ok" | "stop" | "skip";

export async function fetchPieces(ctx: MirrorContext, plan: PlannedPiece[]): Promise<void> {
  const bad = new Capped<BadPiece>();
  const { report } = ctx;
  for (const piece of plan) {
    if (piece.spans.some((s) => !s.pad && ctx.badFiles.has(s.fileIndex))) {
      report.pieces.skipped++;
      continue;
    }
    const verifier = new PieceVerifier(piece);
    let outcome: SpanOutcome = "ok";
    for (const span of piece.spans) {
      if (span.pad) {
        verifier.pad(span.length);
        continue;
      }
      outcome = await fetchSpan(ctx, span.fileIndex, span.start, span.length, verifier);
      if (outcome !== "ok") break;
    }
    if (outcome === "stop") {
      report.pieces.skipped += plan.length - plan.indexOf(piece);
      break;
    }
    if (outcome === "skip") {
      report.pieces.skipped++;
      continue;
    }
    report.pieces.checked++;
    const verdict = verifier.digest();
    const hashes: BadPiece["hashes"] = [];
    if (verdict.v1 === false) hashes.push("v1");
    if (verdict.v2 === false) hashes.push("v2");
    if (hashes.length === 0) {
      report.pieces.ok++;
      continue;
    }
    const files = piece.spans.filter((s) => !s.pad).map((s) => filePath(ctx.meta, s.fileIndex));
    bad.push({ piece: piece.piece, files, hashes, reasons: piece.reasons });
  }
  if (bad.count) report.problems.push({ kind: "wrong-bytes", pieces: bad.items, count: bad.count });
}

async function fetchSpan(
  ctx: MirrorContext,
  fileIndex: number,
  start: number,
  length: number,
  verifier: PieceVerifier,
): Promise<SpanOutcome> {
  const url = ctx.fileUrls.get(fileIndex)!;
  const end = start + length - 1;
  const started = performance.now();
  const { report } = ctx;
  try {
    const open = await openRequest(
      url,
      { method: "GET", headers: { range: `bytes=${start}-${end}` } },
      ctx.http,
    );
    const { status } = open;
    if (status === 200) {
      // The whole file is coming: every client request would cost the full file. Stop reading now.
      open.close();
      report.problems.push({ kind: "ignores-range", url, status });
      return "stop";
    }
    if (status !== 206) {
      open.close();
      addOnce(ctx, { kind: "http-error", url, status });
      return "skip";
    }
    const range = open.header("content-range") ?? "";
    const total = totalFromContentRange(range);
    if (total !== null && total !== ctx.meta.files[fileIndex]!.length) {
      // HEAD gave no size (or another one than GET): the range answer tells the file's real length.
      open.close();
      markStale(ctx, fileIndex, url, total);
      return "skip";
    }
    const match = /^bytes (\d+)-(\d+)\//.exec(range);
    if (!match || Number(match[1]) !== start || Number(match[2]) !== end) {
      open.close();
      addOnce(ctx, { kind: "bad-range", url, message: `asked bytes ${start}-${end}, got "${range}"` });
      return "skip";
    }
    const { bytes, more } = await open.read((chunk) => {
      verifier.update(chunk);
      ctx.onBytes(chunk.length);
    }, length);
    report.bytes += bytes;
    report.seconds += (performance.now() - started) / 1000;
    if (bytes < length || more) {
      const got = more ? "more" : String(bytes);
      addOnce(ctx, { kind: "bad-range", url, message: `asked ${length} bytes from ${start}, got ${got}` });
      return "skip";
    }
    return "ok";
  } catch (error) {
    if (!(error instanceof RequestError)) throw error;
    const f = error.failure;
    report.problems.push({ kind: f.kind === "timeout" ? "timeout" : "unreachable", url, message: f.message });
    return "stop";
  }
}

function addOnce(
  ctx: MirrorContext,
  problem: Extract<MirrorProblem, { kind: "http-error" | "bad-range" }>,
): void {
  const known = ctx.report.problems.some(
    (p) => p.kind === problem.kind && "url" in p && p.url === problem.url,
  );
  if (!known) ctx.report.problems.push(problem);
}

function markStale(ctx: MirrorContext, fileIndex: number, url: string, actual: number): void {
  ctx.badFiles.add(fileIndex);
  const entry = {
    path: filePath(ctx.meta, fileIndex),
    url,
    expected: ctx.meta.files[fileIndex]!.length,
    actual,
  };
  const stale = ctx.report.problems.find((p) => p.kind === "stale");
  if (!stale) ctx.report.problems.push({ kind: "stale", files: [entry], count: 1 });
  else {
    stale.count++;
    if (stale.files.length < MAX_LISTED) stale.files.push(entry);
  }
}
