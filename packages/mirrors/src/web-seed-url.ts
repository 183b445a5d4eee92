// The URL each BitTorrent client builds for a file under a BEP 19 web seed, byte for byte, so a
// mirror is checked under the very URLs the clients will ask for.
import type { TorrentMeta } from "@seedpress/torrent";

export type WebSeedClient = "libtorrent" | "aria2" | "webtorrent";

export const WEB_SEED_CLIENTS: readonly WebSeedClient[] = ["libtorrent", "aria2", "webtorrent"];

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
// libtorrent's escape_string keeps RFC 2396 "mark" characters except "'" (escape_path also keeps
// "/"), and writes lowercase hex.
const LIBTORRENT_KEEP = new Set(`${ALNUM}-_!.~*()`);
// aria2's util::percentEncode keeps only RFC 3986 unreserved characters, uppercase hex.
const ARIA2_KEEP = new Set(`${ALNUM}-._~`);

function percentEncode(text: string, keep: Set<string>, upper: boolean): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const char = String.fromCharCode(byte);
    if (byte < 0x80 && keep.has(char)) out += char;
    else {
      const hex = byte.toString(16).padStart(2, "0");
      out += `%${upper ? hex.toUpperCase() : hex}`;
    }
  }
  return out;
}

/** libtorrent's escape_path: as escape_string, but "/" stays. */
export function libtorrentEscapePath(text: string): string {
  return text
    .split("/")
    .map((part) => percentEncode(part, LIBTORRENT_KEEP, false))
    .join("/");
}

/** aria2's util::percentEncode of one path element. */
export function aria2PercentEncode(text: string): string {
  return percentEncode(text, ARIA2_KEEP, true);
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

/** The URL `client` requests for file `fileIndex` of `meta` under web seed `base`. */
export function webSeedFileUrl(
  client: WebSeedClient,
  base: string,
  meta: TorrentMeta,
  fileIndex: number,
): string {
  const file = meta.files[fileIndex]!;
  const segments = meta.singleFile ? [meta.name] : [meta.name, ...file.pathSegments];
  switch (client) {
    case "libtorrent":
      // web_peer_connection: single file gets the name only when the URL ends in "/";
      // multi-file always gets "/" then escape_path(name/path…).
      if (meta.singleFile) return base.endsWith("/") ? base + libtorrentEscapePath(meta.name) : base;
      return withSlash(base) + libtorrentEscapePath(segments.join("/"));
    case "aria2":
      // bittorrent_helper createUri: each path element percent-encoded, joined by "/".
      if (meta.singleFile) return base.endsWith("/") ? base + aria2PercentEncode(meta.name) : base;
      return withSlash(base) + segments.map(aria2PercentEncode).join("/");
    case "webtorrent":
      // lib/webconn.js: a torrent of at most one file is fetched at the URL as given (no name
      // appended, even after "/"); otherwise URL + "/" + raw path, which fetch() then parses.
      if (meta.files.length <= 1) return new URL(base).href;
      return new URL(withSlash(base) + segments.join("/")).href;
  }
}

/** Each distinct URL for a file with the clients (of `clients`) that build it, libtorrent's first. */
export function clientUrls(
  base: string,
  meta: TorrentMeta,
  fileIndex: number,
  clients: readonly WebSeedClient[] = WEB_SEED_CLIENTS,
): { url: string; clients: WebSeedClient[] }[] {
  const byUrl = new Map<string, WebSeedClient[]>();
  // libtorrent's URL always comes first: it is the one pieces are fetched from.
  for (const client of new Set<WebSeedClient>(["libtorrent", ...clients])) {
    const url = webSeedFileUrl(client, base, meta, fileIndex);
    const list = byUrl.get(url);
    if (list) list.push(client);
    else byUrl.set(url, [client]);
  }
  return [...byUrl].map(([url, clients]) => ({ url, clients }));
}

/** Why `url` is not an absolute http: or https: URL, or undefined when it is. */
export function httpUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL`;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    return `"${url}" is not http(s) (${parsed.protocol.replace(/:$/, "")}); web seeds are HTTP`;
  return undefined;
}
