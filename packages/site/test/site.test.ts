import { lstat, readFile, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import parseTorrent from "parse-torrent";
import { beforeEach, describe, expect, it } from "vitest";
import { SiteError, type SiteProgress, torrentifySite } from "../src/index.js";
import { libtorrentInfoHash, libtorrentRead, pseudoRandom, put, tempDir } from "./helpers.js";
import { unusualPage, unusualPageRewritten } from "./unusual-page.js";

const BIG = 2 * 1024 * 1024 + 12345;
const T = 'type="application/x-bittorrent"';

interface Parsed {
  infoHash: string;
  name: string;
  length: number;
  pieceLength: number;
  urlList: string[];
  announce: string[];
  files: { length: number }[];
}
const parse = async (bytes: Uint8Array) => (await parseTorrent(Buffer.from(bytes))) as unknown as Parsed;

const downloadsPage = (extra = "") => `<!doctype html>
<html><head><meta charset="utf-8"><title>Downloads</title></head>
<body>
<ul>
<li><a class="btn" href="../files/os%20image.img?v=3#top">OS image</a></li>
<li><a href=/docs/files/os%20image.img download>same file, root-relative</a></li>
<li><a href="../files/small.zip">small zip</a></li>
<li><a href="../files/missing.iso">missing</a></li>
<li><a href="../files/readme.txt">text</a></li>
<li><a href="https://elsewhere.org/files/os%20image.img">elsewhere</a></li>
<li><a href="https://cdn.example.net/mirror/book.pdf">mirrored book</a></li>
</ul>${extra}
</body></html>
`;

let root: string;
let site: string;
let mirror: string;
let cacheFile: string;

async function makeSite(): Promise<void> {
  await put(
    site,
    "index.html",
    `<p><a href="downloads/">Downloads</a> <a href="files/os%20image.img">image</a></p>\n`,
  );
  await put(site, "downloads/index.html", downloadsPage());
  await put(site, "files/readme.txt", "hello\n");
}

beforeEach(async () => {
  root = await tempDir();
  site = join(root, "dist");
  mirror = join(root, "mirror");
  cacheFile = join(root, "cache", "site-cache.json");
  await makeSite();
  await put(site, "files/os image.img", pseudoRandom(BIG, 1));
  await put(site, "files/small.zip", pseudoRandom(100 * 1024, 2));
  await put(mirror, "book.pdf", pseudoRandom(1024 * 1024 + 1, 3));
});

const options = (extra: Partial<Parameters<typeof torrentifySite>[0]> = {}) => ({
  dir: site,
  baseUrl: "https://example.com/docs",
  map: { "https://cdn.example.net/mirror/": mirror },
  announce: ["udp://tracker.example.com:6969/announce", "https://t2.example.com/announce"],
  cacheFile,
  ...extra,
});

describe("torrentifySite", () => {
  it("makes web-seeded torrents beside linked files and rewrites only those links", async () => {
    const result = await torrentifySite(options());

    // The torrent, read by parse-torrent (not our parser).
    const imgTorrent = await readFile(join(site, "files/os image.img.torrent"));
    const t = await parse(imgTorrent);
    expect(t.name).toBe("os image.img");
    expect(t.length).toBe(BIG);
    expect(t.files).toHaveLength(1);
    expect(t.urlList).toEqual(["https://example.com/docs/files/os%20image.img"]);
    expect(t.announce).toEqual([
      "udp://tracker.example.com:6969/announce",
      "https://t2.example.com/announce",
    ]);
    // Same info hash as libtorrent makes for the same bytes and piece length.
    expect(t.infoHash).toBe(await libtorrentInfoHash(join(site, "files/os image.img"), t.pieceLength));

    // libtorrent reads the file we wrapped around the info dictionary the same way.
    expect(await libtorrentRead(join(site, "files/os image.img.torrent"))).toEqual({
      infoHash: t.infoHash,
      name: "os image.img",
      size: BIG,
      webSeeds: ["https://example.com/docs/files/os%20image.img"],
      trackers: ["udp://tracker.example.com:6969/announce", "https://t2.example.com/announce"],
    });

    const book = await parse(await readFile(join(mirror, "book.pdf.torrent")));
    expect(book.urlList).toEqual(["https://cdn.example.net/mirror/book.pdf"]);
    expect(book.infoHash).toBe(await libtorrentInfoHash(join(mirror, "book.pdf"), book.pieceLength));

    // The page: exactly these attributes changed, nothing else.
    const expected = downloadsPage()
      .replace(
        `<a class="btn" href="../files/os%20image.img?v=3#top">`,
        `<a class="btn" href="../files/os%20image.img.torrent" ${T} data-seedpress-direct="../files/os%20image.img?v=3#top">`,
      )
      .replace(
        `<a href=/docs/files/os%20image.img download>`,
        `<a href="/docs/files/os%20image.img.torrent" ${T} data-seedpress-direct="/docs/files/os%20image.img" download>`,
      )
      .replace(
        `<a href="https://cdn.example.net/mirror/book.pdf">`,
        `<a href="https://cdn.example.net/mirror/book.pdf.torrent" ${T} data-seedpress-direct="https://cdn.example.net/mirror/book.pdf">`,
      );
    expect(await readFile(join(site, "downloads/index.html"), "utf8")).toBe(expected);
    expect(await readFile(join(site, "index.html"), "utf8")).toBe(
      `<p><a href="downloads/">Downloads</a> <a href="files/os%20image.img.torrent" ${T} data-seedpress-direct="files/os%20image.img">image</a></p>\n`,
    );
    await expect(stat(join(site, "files/small.zip.torrent"))).rejects.toThrow();

    // Result and manifest.
    expect(result.summary).toMatchObject({
      pages: 2,
      pagesChanged: 2,
      links: 4,
      files: 2,
      hashed: 2,
      cached: 0,
      skippedSmall: 1,
      warnings: 1,
    });
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: "ERR_SITE_MISSING_FILE",
        page: "downloads/index.html",
        href: "../files/missing.iso",
      }),
    ]);
    expect(result.warnings[0]?.message).toContain("downloads/index.html");
    expect(result.warnings[0]?.message).toContain("../files/missing.iso");
    const manifest = JSON.parse(await readFile(join(site, "seedpress-manifest.json"), "utf8"));
    expect(manifest.links).toHaveLength(4);
    // The manifest is published with the site: no local absolute paths in it.
    expect(JSON.stringify(manifest)).not.toContain(root);
    expect(manifest.warnings[0].message).toContain("no such file files/missing.iso");
    const first = manifest.links.find(
      (l: { page: string; href: string }) => l.href === "../files/os%20image.img?v=3#top",
    );
    expect(first).toMatchObject({
      page: "downloads/index.html",
      file: "files/os image.img",
      torrent: "files/os image.img.torrent",
      infoHash: t.infoHash,
    });
    expect(first.magnet).toContain(`xt=urn:btih:${t.infoHash}`);
    expect(manifest.files.map((f: { url: string }) => f.url).sort()).toEqual([
      "https://cdn.example.net/mirror/book.pdf",
      "https://example.com/docs/files/os%20image.img",
    ]);
  });

  it("re-hashes nothing on a rebuild, and hashes again only what changed", async () => {
    await torrentifySite(options());
    const firstTorrent = await readFile(join(site, "files/os image.img.torrent"));
    // The generator writes fresh pages on every build.
    await makeSite();
    const events: SiteProgress[] = [];
    const again = await torrentifySite(options({ onProgress: (e) => events.push(e) }));
    expect(again.summary).toMatchObject({ hashed: 0, cached: 2, links: 4, pagesChanged: 2 });
    expect(events.filter((e) => e.type === "hash")).toEqual([]);
    expect(await readFile(join(site, "files/os image.img.torrent"))).toEqual(firstTorrent);

    // A new base URL changes the web seed, not the hash, and still hashes nothing.
    await makeSite();
    const moved = await torrentifySite(options({ baseUrl: "https://mirror.example.org/docs/" }));
    expect(moved.summary.hashed).toBe(0);
    const t = await parse(await readFile(join(site, "files/os image.img.torrent")));
    expect(t.urlList).toEqual(["https://mirror.example.org/docs/files/os%20image.img"]);

    // Changed content (and mtime) is hashed again.
    const file = join(site, "files/os image.img");
    await writeFile(file, pseudoRandom(BIG, 99));
    await utimes(file, new Date(), new Date(Date.now() + 5000));
    await makeSite();
    const changed = await torrentifySite(options());
    expect(changed.summary).toMatchObject({ hashed: 1, cached: 1 });
    const t2 = await parse(await readFile(join(site, "files/os image.img.torrent")));
    expect(t2.infoHash).toBe(await libtorrentInfoHash(file, t2.pieceLength));
    expect(t2.infoHash).not.toBe(t.infoHash);
  });

  it("treats a corrupt or foreign cache file as empty and replaces it", async () => {
    await put(root, "cache/site-cache.json", "{not json");
    const result = await torrentifySite(options());
    expect(result.summary).toMatchObject({ hashed: 2, cached: 0 });
    expect(JSON.parse(await readFile(cacheFile, "utf8")).seedpressSiteCache).toBe(1);
    await put(root, "cache/site-cache.json", JSON.stringify({ seedpressSiteCache: 1, entries: { x: 1 } }));
    await makeSite();
    expect((await torrentifySite(options())).summary).toMatchObject({ hashed: 2, cached: 0 });
  });

  it("keys copies of source files (public/ → dist/) by the source's mtime", async () => {
    const pub = join(root, "public");
    await put(pub, "files/os image.img", pseudoRandom(BIG, 1));
    await torrentifySite(options({ sources: [pub] }));
    // Like Vite's copy: same bytes, new mtime in dist.
    await utimes(join(site, "files/os image.img"), new Date(), new Date(Date.now() + 60_000));
    await makeSite();
    const again = await torrentifySite(options({ sources: [pub] }));
    expect(again.summary).toMatchObject({ hashed: 0, cached: 2 });
  });

  it("append and magnet modes add a visible link next to the torrent link", async () => {
    const appended = await torrentifySite(options({ mode: "append", directLabel: "Direct <HTTP>" }));
    const html = await readFile(join(site, "index.html"), "utf8");
    expect(html).toBe(
      `<p><a href="downloads/">Downloads</a> <a href="files/os%20image.img.torrent" ${T} data-seedpress-direct="files/os%20image.img">image</a>` +
        ` <a href="files/os%20image.img" class="seedpress-direct" data-seedpress-skip>Direct &lt;HTTP&gt;</a></p>\n`,
    );
    expect(appended.summary.links).toBe(4);
    // Running again on the rewritten output changes nothing: the direct links are marked to skip.
    const before = await readFile(join(site, "downloads/index.html"));
    const rerun = await torrentifySite(options({ mode: "append" }));
    expect(rerun.summary).toMatchObject({ links: 0, pagesChanged: 0 });
    expect(await readFile(join(site, "downloads/index.html"))).toEqual(before);

    await makeSite();
    const magnet = await torrentifySite(options({ mode: "magnet" }));
    const page = await readFile(join(site, "index.html"), "utf8");
    const m =
      /<a href="(magnet:[^"]+)" class="seedpress-magnet" data-seedpress-skip>Magnet link<\/a><\/p>/.exec(
        page,
      );
    expect(m).not.toBeNull();
    const parsed = (await parseTorrent(m?.[1]?.replace(/&amp;/g, "&") ?? "")) as unknown as Parsed & {
      name: string;
    };
    const file = magnet.files.find((f) => f.file === "files/os image.img");
    expect(parsed.infoHash).toBe(file?.infoHash);
    expect(parsed.name).toBe("os image.img");
    expect(parsed.urlList).toEqual(["https://example.com/docs/files/os%20image.img"]);
    expect(parsed.announce).toContain("udp://tracker.example.com:6969/announce");
  });

  it("keeps every byte of an unusual page but the rewritten attributes", async () => {
    await put(site, "downloads/unusual.html", unusualPage);
    await put(site, "downloads/big.iso", pseudoRandom(1024 * 1024, 7));
    const result = await torrentifySite(options());
    expect(result.links.filter((l) => l.page === "downloads/unusual.html")).toHaveLength(5);
    expect(await readFile(join(site, "downloads/unusual.html"))).toEqual(
      Buffer.from(unusualPageRewritten(), "utf8"),
    );
  });

  it("stops on an aborted signal before writing anything", async () => {
    const before = await readFile(join(site, "downloads/index.html"));
    const controller = new AbortController();
    controller.abort();
    const error = (await torrentifySite(options({ signal: controller.signal })).catch(
      (e: unknown) => e,
    )) as SiteError;
    expect(error.code).toBe("ERR_SITE_ABORTED");
    expect(await readFile(join(site, "downloads/index.html"))).toEqual(before);
    await expect(lstat(join(site, "seedpress-manifest.json"))).rejects.toThrow();
  });

  it("keeps a non-UTF-8 page's bytes", async () => {
    const latin1 = Buffer.concat([
      Buffer.from("<p>Caf"),
      Buffer.from([0xe9]),
      Buffer.from(` <a href="files/os%20image.img" title="t`),
      Buffer.from([0xe9, 0xe8]),
      Buffer.from(`">x</a>\n`),
    ]);
    await put(site, "latin1.html", latin1);
    await torrentifySite(options());
    const expected = Buffer.concat([
      Buffer.from("<p>Caf"),
      Buffer.from([0xe9]),
      Buffer.from(
        ` <a href="files/os%20image.img.torrent" ${T} data-seedpress-direct="files/os%20image.img" title="t`,
      ),
      Buffer.from([0xe9, 0xe8]),
      Buffer.from(`">x</a>\n`),
    ]);
    expect(await readFile(join(site, "latin1.html"))).toEqual(expected);
  });

  it("rejects a base URL that is not absolute before touching anything", async () => {
    const before = await readFile(join(site, "downloads/index.html"));
    for (const baseUrl of ["/docs/", "example.com", "ftp://example.com/", "https://example.com/?q=1"]) {
      const error = await torrentifySite(options({ baseUrl })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SiteError);
      expect((error as SiteError).code).toBe("ERR_SITE_BASE_URL");
      expect((error as SiteError).message).toContain(baseUrl);
    }
    expect(await readFile(join(site, "downloads/index.html"))).toEqual(before);
    await expect(lstat(join(site, "files/os image.img.torrent"))).rejects.toThrow();
  });

  it("strict mode fails on a warning with the page and link named, writing nothing", async () => {
    const before = await readFile(join(site, "downloads/index.html"));
    const error = (await torrentifySite(options({ strict: true })).catch((e: unknown) => e)) as SiteError;
    expect(error).toBeInstanceOf(SiteError);
    expect(error.code).toBe("ERR_SITE_STRICT");
    expect(error.page).toBe("downloads/index.html");
    expect(error.href).toBe("../files/missing.iso");
    expect(await readFile(join(site, "downloads/index.html"))).toEqual(before);
    await expect(lstat(join(site, "files/os image.img.torrent"))).rejects.toThrow();
    await expect(lstat(join(site, "seedpress-manifest.json"))).rejects.toThrow();
  });

  it("warns about a link to a folder, a dangling link and a path that escapes, and leaves them", async () => {
    await put(site, "folder.iso/index.html", "<p>not a file</p>");
    await symlink(join(root, "nowhere.iso"), join(site, "dangling.iso"));
    await put(
      site,
      "odd.html",
      `<a href="folder.iso">a</a> <a href="dangling.iso">b</a> <a href="a%2F..%2F..%2Fx.iso">c</a>`,
    );
    const result = await torrentifySite(options());
    // Alone on its page, the escaping link is still found and reported.
    await put(site, "escape.html", `<a href="a%2F..%2F..%2Fy.iso">d</a>`);
    const alone = await torrentifySite(options({ manifest: false }));
    expect(alone.warnings.filter((w) => w.page === "escape.html").map((w) => w.code)).toEqual([
      "ERR_SITE_BAD_HREF",
    ]);
    const codes = result.warnings.filter((w) => w.page === "odd.html").map((w) => `${w.code} ${w.href}`);
    expect(codes.sort()).toEqual([
      "ERR_SITE_BAD_HREF a%2F..%2F..%2Fx.iso",
      "ERR_SITE_MISSING_FILE dangling.iso",
      "ERR_SITE_NOT_A_FILE folder.iso",
    ]);
    expect(await readFile(join(site, "odd.html"), "utf8")).toBe(
      `<a href="folder.iso">a</a> <a href="dangling.iso">b</a> <a href="a%2F..%2F..%2Fx.iso">c</a>`,
    );
  });

  it("honours include, exclude and minSize", async () => {
    const result = await torrentifySite(options({ include: ["files/*.zip"], minSize: 1000 }));
    expect(result.files.map((f) => f.file)).toEqual(["files/small.zip"]);
    const t = await parse(await readFile(join(site, "files/small.zip.torrent")));
    expect(t.length).toBe(100 * 1024);
    const none = await torrentifySite(options({ exclude: ["**/*.img", "**/*.pdf"], manifest: false }));
    expect(none.files).toEqual([]);
  });
});
