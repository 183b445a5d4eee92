// parse-torrent ships no types; the tests use it only to read torrents and magnets independently.
declare module "parse-torrent" {
  export default function parseTorrent(input: Buffer | string): Promise<unknown>;
}
