// Child process for the benches: makes one torrent with @seedpress/torrent (the built package) and
// prints {ms, maxRssMiB, infoHash, infoHashV2} as JSON. Usage: node ours-create.js <path> '<options json>'
import { createTorrent } from "@seedpress/torrent";

const [path, json = "{}"] = process.argv.slice(2);
const options = { createdBy: false, creationDate: false, ...JSON.parse(json) };
const t0 = process.hrtime.bigint();
const t = await createTorrent(path, options);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
// maxRSS is in KiB and covers the worker threads (they share the process).
const maxRssMiB = process.resourceUsage().maxRSS / 1024;
console.log(
  JSON.stringify({
    ms,
    maxRssMiB,
    infoHash: t.infoHash,
    infoHashV2: t.infoHashV2,
    pieceLength: t.pieceLength,
  }),
);
