// Human lines for a mirror check: one line per mirror, then a one-line summary.
import type { CheckMirrorsReport, MirrorProblem, MirrorReport } from "@seedpress/mirrors";
import { formatBytes } from "../args.js";

const SHOW = 3;

function some<T>(items: T[], show: (item: T) => string, count = items.length): string {
  const head = items.slice(0, SHOW).map(show).join(", ");
  return count > SHOW ? `${head} and ${count - SHOW} more` : head;
}

export function describeProblem(problem: MirrorProblem): string {
  switch (problem.kind) {
    case "unreachable":
      return `unreachable (${problem.message})`;
    case "timeout":
      return `timeout (${problem.message})`;
    case "layout":
      return `layout mismatch: ${problem.count} file(s) not found: ${some(problem.files, (f) => `${f.path} (${f.status})`, problem.count)}`;
    case "stale":
      return `stale: ${some(problem.files, (f) => `${f.path} is ${f.actual} bytes, the torrent says ${f.expected}`, problem.count)}`;
    case "wrong-bytes":
      return `wrong bytes: ${some(problem.pieces, (p) => `piece ${p.piece} (${p.files.join(" + ")})`, problem.count)}`;
    case "ignores-range":
      return `ignores Range (${problem.status} to a Range request, the whole file each time)`;
    case "bad-range":
      return `bad range answer from ${problem.url}: ${problem.message}`;
    case "http-error":
      return `HTTP ${problem.status} to a Range request for ${problem.url}`;
    case "redirect":
      return `redirects: ${some(problem.hops, (h) => `${h.from} -> ${h.to} (${h.status})`, problem.count)}`;
    case "no-cors":
      return "no CORS (browser clients such as WebTorrent cannot use it)";
    case "client-url":
      return `${problem.clients.join(", ")} URL fails: ${some(problem.files, (f) => `${f.url} (${f.status})`, problem.count)}`;
    case "skipped":
      return `skipped: ${problem.message}`;
  }
}

export function mirrorLine(report: MirrorReport): string {
  const label = { ok: "ok", warning: "WARNING", failed: "FAILED" }[report.status].padEnd(8);
  const parts = report.problems.map(describeProblem);
  const { checked, ok, skipped } = report.pieces;
  if (checked + skipped > 0) parts.push(`${ok}/${checked + skipped} pieces ok`);
  if (report.throughput !== null) parts.push(`${formatBytes(report.throughput)}/s`);
  return `${label}${report.url}  ${parts.join("; ")}`;
}

export function summaryLine(report: CheckMirrorsReport): string {
  const count = (status: MirrorReport["status"]) => report.mirrors.filter((m) => m.status === status).length;
  return `${report.name}: ${report.mirrors.length} mirror(s): ${count("ok")} ok, ${count("warning")} with warnings, ${count("failed")} failed`;
}
