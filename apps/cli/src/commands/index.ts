// Every sub-command, in the order `seedpress --help` lists them. Each module is imported only when
// its command runs, so `seedpress --help` or `info` never loads the server, tracker or site code.
import type { Command } from "../command.js";

export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

export const commands: CommandEntry[] = [
  {
    name: "create",
    summary: "make a .torrent (v1, v2 or hybrid) from a file or folder",
    load: async () => (await import("./create.js")).create,
  },
  {
    name: "info",
    summary: "show what a .torrent or magnet link holds",
    load: async () => (await import("./info.js")).info,
  },
  {
    name: "verify",
    summary: "check local data against a .torrent (exit 1 lists what is wrong)",
    load: async () => (await import("./verify.js")).verify,
  },
  {
    name: "magnet",
    summary: "print a .torrent's magnet link",
    load: async () => (await import("./magnet.js")).magnet,
  },
  {
    name: "serve",
    summary: "serve a folder as a web seed, with its .torrent files and an index page",
    load: async () => (await import("./serve.js")).serve,
  },
  {
    name: "tracker",
    summary: "run a BitTorrent tracker (HTTP, UDP, WebSocket) for your torrents only",
    load: async () => (await import("./tracker.js")).tracker,
  },
  {
    name: "site",
    summary: "make torrents for a built static site's download links and point the links at them",
    load: async () => (await import("./site.js")).site,
  },
  {
    name: "mirrors",
    summary: "check every web seed of a .torrent against its piece hashes",
    load: async () => (await import("./mirrors.js")).mirrors,
  },
  {
    name: "metalink",
    summary: "write a Metalink 4 (.meta4) file for a .torrent and its mirrors",
    load: async () => (await import("./metalink.js")).metalink,
  },
];
