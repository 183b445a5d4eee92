// Child process for the benches: makes one torrent with create-torrent (npm) and prints {ms, infoHash}.
// Usage: node create-torrent-peer.js <path> <pieceLength>
import { createHash } from "node:crypto";
import bencode from "bencode";
import createTorrent from "create-torrent";

const [path, pieceLength] = process.argv.slice(2);
const t0 = process.hrtime.bigint();
createTorrent(
  path,
  { pieceLength: Number(pieceLength), announceList: [], createdBy: "x" },
  (err, torrent) => {
    if (err) throw err;
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const info = bencode.encode(bencode.decode(torrent).info);
    console.log(JSON.stringify({ ms, infoHash: createHash("sha1").update(info).digest("hex") }));
  },
);
