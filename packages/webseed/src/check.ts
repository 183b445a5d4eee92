// Start-up check of the served files against the torrents they belong to. A web seed that serves a changed
// file poisons the swarm (libtorrent bans a web seed on its first bad piece), so such files are refused.
import { realpath, stat } from "node:fs/promises";
import { join, sep } from "node:path";
import { parseTorrent, readTorrentFile, type TorrentMeta, verifyTorrent } from "@seedpress/torrent";
import { WebseedError } from "./errors.js";
import type { Webseed } from "./webseed.js";

export interface ServedTorrent {
  /** The torrent: its bytes, a parsed TorrentMeta (from @seedpress/torrent), or the path of a .torrent file. */
  torrent: Uint8Array | TorrentMeta | string;
  /**
   * Where its content sits under the root, "/"-joined: the file for a single-file torrent, the top folder
   * (the one named like the torrent) for a multi-file one. Default: the torrent's name.
   */
  path?: string;
}

export interface CheckOptions {
  /** Also hash every piece (reads every byte). Default false: sizes only. */
  verify?: boolean;
  /** Hashing threads for `verify`. Default: @seedpress/torrent's default (the number of cores). */
  threads?: number;
  signal?: AbortSignal;
}

export interface CheckedFile {
  /** Path under the root, "/"-joined, as the web seed serves it. */
  path: string;
  ok: boolean;
  /** Why it is refused: "missing", "size", "hash", "unsafe". */
  reason?: string;
}

export interface CheckedTorrent {
  name: string;
  infoHash?: string;
  infoHashV2?: string;
  path: string;
  ok: boolean;
  files: CheckedFile[];
}

export interface CheckReport {
  ok: boolean;
  torrents: CheckedTorrent[];
}

async function load(source: ServedTorrent["torrent"]): Promise<TorrentMeta> {
  if (typeof source === "string") {
    let bytes: Uint8Array;
    try {
      // Bounded and regular files only: a FIFO or /dev/zero given by mistake is refused, not read.
      bytes = await readTorrentFile(source);
    } catch (error) {
      throw new WebseedError("ERR_WEBSEED_TORRENT", (error as Error).message, { cause: error });
    }
    try {
      return parseTorrent(bytes);
    } catch (error) {
      throw new WebseedError("ERR_WEBSEED_TORRENT", `${source}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  if (source instanceof Uint8Array) {
    try {
      return parseTorrent(source);
    } catch (error) {
      throw new WebseedError("ERR_WEBSEED_TORRENT", `torrent bytes: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  return source;
}

function checkRelative(path: string): string[] {
  const segments = path.split("/").filter((s) => s !== "");
  if (
    segments.length === 0 ||
    segments.some((s) => s === "." || s === ".." || s.includes("\\") || s.includes("\0"))
  ) {
    throw new WebseedError(
      "ERR_WEBSEED_OPTION",
      `torrent path "${path}" must be a relative path under the root`,
    );
  }
  return segments;
}

/**
 * Checks each torrent's files under the web seed's root: present, inside the root, the right size (and with
 * `verify`, every piece hash). Files that pass are pinned to their size and mtime (a later change refuses them);
 * files that fail are refused (404) at once. Never throws for bad data, only for an unreadable torrent.
 */
export async function checkTorrents(
  webseed: Webseed,
  torrents: ServedTorrent[],
  options: CheckOptions = {},
): Promise<CheckReport> {
  const report: CheckReport = { ok: true, torrents: [] };
  for (const served of torrents) {
    const meta = await load(served.torrent);
    const base = checkRelative(served.path ?? meta.name);
    const basePath = base.join("/");
    const entry: CheckedTorrent = {
      name: meta.name,
      infoHash: meta.infoHash,
      infoHashV2: meta.infoHashV2,
      path: basePath,
      ok: true,
      files: [],
    };
    const byPath = new Map<string, CheckedFile>();
    const stats = new Map<string, { size: number; mtimeMs: number }>();
    for (const file of meta.files) {
      if (file.padding) continue;
      const key = meta.singleFile ? basePath : `${basePath}/${file.pathSegments.join("/")}`;
      const checked: CheckedFile = { path: key, ok: true };
      byPath.set(file.path, checked);
      entry.files.push(checked);
      const full = join(webseed.root, ...key.split("/"));
      const real = await realpath(full).catch(() => undefined);
      if (!real) {
        checked.ok = false;
        checked.reason = "missing";
        continue;
      }
      if (!real.startsWith(webseed.root + sep)) {
        checked.ok = false;
        checked.reason = "unsafe";
        continue;
      }
      const st = await stat(real).catch(() => undefined);
      if (!st?.isFile()) {
        checked.ok = false;
        checked.reason = "missing";
      } else if (st.size !== file.length) {
        checked.ok = false;
        checked.reason = "size";
      } else stats.set(key, { size: st.size, mtimeMs: st.mtimeMs });
    }
    if (options.verify && entry.files.every((f) => f.ok)) {
      const content = join(webseed.root, ...base);
      const verified = await verifyTorrent(meta, content, {
        threads: options.threads,
        signal: options.signal,
      });
      for (const failure of verified.failures) {
        const checked = byPath.get(failure.path) ?? entry.files[0];
        if (checked?.ok) {
          checked.ok = false;
          checked.reason = failure.reason;
        }
      }
    }
    for (const checked of entry.files) {
      if (checked.ok) {
        const pin = stats.get(checked.path);
        if (pin) webseed.pin(checked.path, pin);
      } else {
        webseed.refuse(checked.path, `${checked.reason}: does not match ${meta.name}'s torrent`);
        entry.ok = false;
        report.ok = false;
      }
    }
    report.torrents.push(entry);
  }
  return report;
}
