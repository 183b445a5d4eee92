declare module "parse-torrent" {
  export default function parseTorrent(input: Buffer | string): Promise<unknown>;
}
