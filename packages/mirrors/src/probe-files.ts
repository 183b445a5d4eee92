// Stage one of a mirror check: HEAD every file under each client's URL, and sort what comes back
// into missing files (layout), wrong sizes (stale), redirects, CORS and per-client URL trouble.
import type { TorrentMeta } from "@seedpress/torrent";
import {
  type HttpContext,
  type OpenResponse,
  openRequest,
  type RedirectHop,
  RequestError,
} from "./http-request.js";
import { Capped, type FileUrlStatus, type MirrorReport, type StaleFile } from "./report.js";
import { clientUrls, type WebSeedClient } from "./web-seed-url.js";

export interface MirrorContext {
  meta: TorrentMeta;
  /** The web seed URL as listed. */
  base: string;
  http: HttpContext;
  origin: string;
  /** Whose URLs to HEAD besides libtorrent's. */
  clients: readonly WebSeedClient[];
  report: MirrorReport;
  /** The URL (libtorrent's spelling) each good file is fetched from. */
  fileUrls: Map<number, string>;
  /** Files already found missing or of the wrong size: their pieces are not fetched. */
  badFiles: Set<number>;
  onBytes(bytes: number): void;
}

export function filePath(meta: TorrentMeta, fileIndex: number): string {
  return meta.singleFile ? meta.name : `${meta.name}/${meta.files[fileIndex]!.path}`;
}

/** Returns false when the mirror cannot be reached at all (the check stops there). */
export async function probeFiles(ctx: MirrorContext): Promise<boolean> {
  const layout = new Capped<FileUrlStatus>();
  const stale = new Capped<StaleFile>();
  const byClient = new Map<string, { clients: WebSeedClient[]; files: Capped<FileUrlStatus> }>();
  const hops = new Capped<RedirectHop>();
  let noCors: string | undefined;
  const { meta, report } = ctx;
  for (let i = 0; i < meta.files.length; i++) {
    const file = meta.files[i]!;
    if (file.padding || file.length === 0) continue;
    const path = filePath(meta, i);
    const variants = clientUrls(ctx.base, meta, i, ctx.clients);
    for (let v = 0; v < variants.length; v++) {
      const { url, clients } = variants[v]!;
      let head: HeadResult;
      try {
        head = await headFile(url, ctx);
      } catch (error) {
        if (!(error instanceof RequestError)) throw error;
        const f = error.failure;
        report.problems.push({
          kind: f.kind === "timeout" ? "timeout" : "unreachable",
          url,
          message: f.message,
        });
        return false;
      }
      for (const hop of head.redirects) hops.push(hop);
      if (v > 0) {
        if (!ok(head.status)) {
          const key = clients.join(",");
          const entry = byClient.get(key) ?? { clients, files: new Capped<FileUrlStatus>() };
          entry.files.push({ path, url, status: head.status, clients });
          byClient.set(key, entry);
        }
        continue;
      }
      report.files.checked++;
      if (report.acceptRanges === null) report.acceptRanges = head.acceptRanges;
      if (!ok(head.status)) {
        layout.push({ path, url, status: head.status, clients });
        ctx.badFiles.add(i);
        continue;
      }
      if (head.cors === false) noCors ??= url;
      if (report.cors !== false) report.cors = head.cors;
      if (head.size !== null && head.size !== file.length) {
        stale.push({ path, url, expected: file.length, actual: head.size });
        ctx.badFiles.add(i);
        continue;
      }
      report.files.ok++;
      ctx.fileUrls.set(i, url);
    }
  }
  if (layout.count) report.problems.push({ kind: "layout", files: layout.items, count: layout.count });
  if (stale.count) report.problems.push({ kind: "stale", files: stale.items, count: stale.count });
  if (hops.count) report.problems.push({ kind: "redirect", hops: hops.items, count: hops.count });
  if (noCors) report.problems.push({ kind: "no-cors", url: noCors });
  for (const { clients, files } of byClient.values()) {
    report.problems.push({ kind: "client-url", clients, files: files.items, count: files.count });
  }
  return true;
}

function ok(status: number): boolean {
  return status >= 200 && status < 300;
}

interface HeadResult {
  status: number;
  size: number | null;
  acceptRanges: string | null;
  cors: boolean;
  redirects: OpenResponse["redirects"];
}

async function headFile(url: string, ctx: MirrorContext): Promise<HeadResult> {
  let open = await openRequest(url, { method: "HEAD" }, ctx.http);
  let size = contentLength(open);
  // Some servers refuse HEAD; a one-byte range GET tells the size through Content-Range.
  if (open.status === 405 || open.status === 501) {
    open.close();
    open = await openRequest(url, { method: "GET", headers: { range: "bytes=0-0" } }, ctx.http);
    size = totalFromContentRange(open.header("content-range")) ?? contentLength(open);
  }
  open.close();
  const allow = open.header("access-control-allow-origin");
  return {
    status: open.status,
    size,
    acceptRanges: open.header("accept-ranges"),
    cors: allow === "*" || allow === ctx.origin,
    redirects: open.redirects,
  };
}

function contentLength(response: OpenResponse): number | null {
  const text = response.header("content-length");
  return text !== null && /^\d+$/.test(text) ? Number(text) : null;
}

export function totalFromContentRange(text: string | null): number | null {
  const match = text ? /\/(\d+)\s*$/.exec(text) : null;
  return match ? Number(match[1]) : null;
}
