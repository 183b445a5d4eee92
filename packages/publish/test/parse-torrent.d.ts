// parse-torrent ships no types; the tests use it only to read torrents independently of our parser.
declare module "parse-torrent" {
  interface ParsedTorrent {
    name: string;
    infoHash: string;
    announce: string[];
    urlList: string[];
    files: { path: string; length: number }[];
  }
  export default function parseTorrent(input: Buffer | string): Promise<ParsedTorrent>;
}
