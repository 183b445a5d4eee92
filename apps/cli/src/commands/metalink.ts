import { promises as fsp } from "node:fs";
import { buildMetalink, hashLocalFiles } from "@seedpress/mirrors";
import { writeFileAtomic } from "@seedpress/torrent";
import { parseCommandArgs } from "../args.js";
import { type Command, UsageError } from "../command.js";
import { print } from "../output.js";
import { createProgressBar } from "../progress.js";
import { loadTorrent } from "./load-torrent.js";

export const metalink: Command = {
  name: "metalink",
  summary: "write a Metalink 4 (.meta4) listing the mirrors, the torrent and the hashes",
  usage: `
Usage: seedpress metalink <file.torrent> [--mirror URL]... -o FILE.meta4 [options]

  -o, --output FILE       where to write (default: <name>.meta4); never over a file without --force
  -m, --mirror URL        a web seed (BEP 19 form) besides the torrent's url-list; repeat for more
      --no-url-list       list only the --mirror URLs
      --torrent-url URL   where the .torrent is published (written as a metaurl, mediatype torrent)
      --local PATH        the local copy (the file, or the torrent's top folder): adds each
                          file's SHA-256
      --no-published      leave out <published> (default: the torrent's creation date)
  -f, --force             replace an existing output file
`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        output: { type: "string", short: "o" },
        mirror: { type: "string", short: "m", multiple: true },
        "no-url-list": { type: "boolean" },
        "torrent-url": { type: "string" },
        local: { type: "string" },
        "no-published": { type: "boolean" },
        force: { type: "boolean", short: "f" },
      },
      { min: 1, max: 1, names: "one <file.torrent>" },
    );
    const meta = await loadTorrent(positionals[0]!);
    const output = values.output ?? `${meta.name}.meta4`;
    const existing = await fsp.lstat(output).catch(() => undefined);
    if (existing && !existing.isFile())
      throw new UsageError(`${output} exists and is not a regular file: not replacing it`);
    if (existing && !values.force) throw new UsageError(`${output} already exists (--force replaces it)`);
    let fileHashes: Map<string, string> | undefined;
    if (values.local !== undefined) {
      const bar = createProgressBar("hashing");
      fileHashes = await hashLocalFiles(meta, values.local, {
        onProgress: (p) => bar.update(p.bytesDone, p.bytesTotal),
      });
      bar.finish();
    }
    const text = buildMetalink(meta, {
      mirrors: values.mirror,
      urlList: !values["no-url-list"],
      torrentUrl: values["torrent-url"],
      fileHashes,
      published: values["no-published"] ? false : undefined,
    });
    await writeFileAtomic(output, Buffer.from(text, "utf8"));
    print(`wrote ${output}\n`);
    return 0;
  },
};
