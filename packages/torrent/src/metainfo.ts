// Metainfo: one .torrent as a value. It keeps the exact `info` bytes (so the info hashes never
// change) and the other top-level values as found, and re-wraps them with other trackers, web seeds,
// comment or dates without hashing anything again, as libtorrent keeps its info dict preformatted.
// It writes itself atomically and makes its magnet link.
import { type BInput, BRaw, encode } from "./bencode.js";
import { TorrentError } from "./errors.js";
import { FileLayout } from "./file-layout.js";
import { type MagnetOptions, toMagnet } from "./magnet.js";
import { type ParseOptions, parseWithSpans } from "./parse.js";
import { readTorrentFile } from "./read-torrent.js";
import type { TorrentMeta } from "./types.js";
import { writeFileAtomic } from "./write-file.js";

/** The top-level fields a Metainfo can change; `null` removes one, `undefined` keeps it. */
export interface MetainfoChanges {
  /** Trackers: a flat list (one tier each, BEP 12) or tiers. The first URL becomes `announce`. */
  announce?: string[] | string[][] | null;
  /** BEP 19 web seeds; for a multi-file torrent a "/" is added to each URL that lacks one. */
  webSeeds?: string[] | null;
  comment?: string | null;
  createdBy?: string | null;
  /** Seconds since 1970. */
  creationDate?: number | null;
}

const latin1 = (key: string) => Buffer.from(key, "latin1");

/** Tracker tiers from either form, each URL checked (http, https, udp, ws, wss). */
export function trackerTiers(announce: string[] | string[][] | undefined): string[][] {
  if (!announce) return [];
  const tiers = announce
    .map((entry) => (Array.isArray(entry) ? entry : [entry]))
    .filter((tier) => tier.length > 0);
  for (const url of tiers.flat()) {
    if (!/^(https?|udp|wss?):\/\/[^\s/]+/i.test(url))
      throw new TorrentError(
        "ERR_TORRENT_OPTION",
        `announce URL "${url}" is not an http(s), udp or ws(s) URL`,
      );
  }
  return tiers;
}

/** Web seed URLs checked; a multi-file torrent's get a trailing "/" (BEP 19 appends name/path). */
export function webSeedUrls(urls: string[] | undefined, singleFile: boolean): string[] {
  return (urls ?? []).map((url) => {
    if (!/^https?:\/\/[^\s/]+/i.test(url))
      throw new TorrentError("ERR_TORRENT_OPTION", `web seed "${url}" is not an http(s) URL`);
    return singleFile || url.endsWith("/") ? url : `${url}/`;
  });
}

export class Metainfo {
  private constructor(
    /** What the torrent holds, as parseTorrent reads it. */
    readonly meta: TorrentMeta,
    /** Top-level values by key (latin1): `info` and unknown keys as their original bytes. */
    private readonly fields: ReadonlyMap<string, BInput>,
  ) {}

  /** Reads .torrent bytes (see parseTorrent for what is refused). */
  static parse(bytes: Uint8Array, options: ParseOptions = {}): Metainfo {
    const { meta, spans } = parseWithSpans(bytes, options);
    const fields = new Map<string, BInput>();
    for (const [key, [start, end]] of spans) fields.set(key, new BRaw(bytes.subarray(start, end)));
    return new Metainfo(meta, fields);
  }

  /**
   * A torrent around exact `info` bytes only (a cached info dict): add trackers and web seeds with
   * `with()`. A v2 file larger than a piece then lacks its piece layer (see `meta.pieceLayerIssues`).
   */
  static fromInfo(info: Uint8Array, options: ParseOptions = {}): Metainfo {
    return Metainfo.parse(encode(new Map([["info", new BRaw(info)]])), options);
  }

  /** Reads a .torrent file: a regular file only, at most `maxBytes`, streamed. */
  static async read(file: string, options: ParseOptions = {}): Promise<Metainfo> {
    const bytes = await readTorrentFile(file, options.maxBytes);
    try {
      return Metainfo.parse(bytes, options);
    } catch (error) {
      if (error instanceof TorrentError) error.message = `${file}: ${error.message}`;
      throw error;
    }
  }

  get infoBytes(): Uint8Array {
    return this.meta.infoBuffer;
  }
  get infoHash(): string | undefined {
    return this.meta.infoHash;
  }
  get infoHashV2(): string | undefined {
    return this.meta.infoHashV2;
  }
  get name(): string {
    return this.meta.name;
  }

  /** Files, pad files, offsets and piece ranges. */
  get layout(): FileLayout {
    return new FileLayout(this.meta.files, this.meta.pieceLength);
  }

  /** The same torrent (same info bytes, same hashes) with other top-level fields. */
  with(changes: MetainfoChanges): Metainfo {
    const fields = new Map(this.fields);
    const meta: TorrentMeta = { ...this.meta };
    const set = (key: string, value: BInput | undefined) => {
      if (value === undefined) fields.delete(key);
      else fields.set(key, value);
    };
    if (changes.announce !== undefined) {
      const tiers = trackerTiers(changes.announce ?? undefined);
      set("announce", tiers[0]?.[0]);
      set("announce-list", tiers.flat().length > 1 ? tiers : undefined);
      meta.announce = tiers;
    }
    if (changes.webSeeds !== undefined) {
      const urls = webSeedUrls(changes.webSeeds ?? undefined, this.meta.singleFile);
      set("url-list", urls.length > 0 ? urls : undefined);
      meta.urlList = urls;
    }
    const text = (key: "comment" | "createdBy", field: string, value: string | null | undefined) => {
      if (value === undefined) return;
      set(field, value ?? undefined);
      if (value === null) delete meta[key];
      else meta[key] = value;
    };
    text("comment", "comment", changes.comment);
    if (changes.comment !== undefined) fields.delete("comment.utf-8");
    text("createdBy", "created by", changes.createdBy);
    if (changes.createdBy !== undefined) fields.delete("created by.utf-8");
    if (changes.creationDate !== undefined) {
      const date = changes.creationDate;
      if (date !== null && (!Number.isSafeInteger(date) || date < 0))
        throw new TorrentError(
          "ERR_TORRENT_OPTION",
          `creation date ${date} is not a whole number of seconds`,
        );
      set("creation date", date ?? undefined);
      if (date === null) delete meta.creationDate;
      else meta.creationDate = date;
    }
    return new Metainfo(meta, fields);
  }

  /** The whole .torrent: top-level keys in byte order, `info` exactly as it was. */
  toBytes(): Uint8Array {
    return encode(new Map([...this.fields].map(([key, value]) => [latin1(key), value])));
  }

  /** Writes the .torrent atomically (temp file, fsync, rename). */
  async write(file: string): Promise<void> {
    await writeFileAtomic(file, this.toBytes());
  }

  /** magnet:? with btih and/or btmh, dn, xl, tr, ws and, when given, xs. */
  magnet(options: MagnetOptions = {}): string {
    return toMagnet(this.meta, options);
  }

  /** For createTorrent: a Metainfo from freshly made parts (info bytes already encoded once). */
  static fromParts(meta: TorrentMeta, fields: Map<string, BInput>): Metainfo {
    fields.set("info", new BRaw(meta.infoBuffer));
    return new Metainfo(meta, fields);
  }
}
