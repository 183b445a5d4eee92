#!/usr/bin/python3
"""Make a torrent with libtorrent (the interop reference) from a JSON job on stdin.

Job: {"root": parent dir of the torrent's top entry,
      "files": [["<name>/<path>" or "<name>", size], ...]   (added in this order),
      "pieceLength": int, "mode": "v1" | "v2" | "hybrid", "tailPad": bool (hybrid, default true),
      "out": path for the .torrent,
      "trackers": [[url, tier]...], "urlSeeds": [url...], "comment": str, "creator": str,
      "private": bool, "keepDate": bool}
Prints JSON: {"infoHash", "infoHashV2", "files": [{"path", "length", "pad"}]}.
A JSON list of jobs on stdin gives a list of results (one process for many torrents).
Files are added with no flags and mtime 0, so libtorrent writes no `attr` (except `p` on its own pad
files) and no `mtime`; no creator and no date unless asked.
"""
import hashlib
import json
import sys

import libtorrent as lt


def make(job):
    fs = lt.file_storage()
    for path, size in job["files"]:
        fs.add_file(path, int(size))
    mode = job.get("mode", "v1")
    ct_flags = 0
    if mode == "v1":
        ct_flags |= lt.create_torrent.v1_only
    elif mode == "v2":
        ct_flags |= lt.create_torrent.v2_only
    elif mode == "hybrid":
        if job.get("tailPad", True) is False:
            ct_flags |= lt.create_torrent.canonical_files_no_tail_padding
    else:
        raise SystemExit("unknown mode " + mode)
    ct = lt.create_torrent(fs, int(job["pieceLength"]), flags=ct_flags)
    for url, tier in job.get("trackers", []):
        ct.add_tracker(url, tier)
    for url in job.get("urlSeeds", []):
        ct.add_url_seed(url)
    if job.get("comment") is not None:
        ct.set_comment(job["comment"])
    if job.get("creator") is not None:
        ct.set_creator(job["creator"])
    if job.get("private"):
        ct.set_priv(True)
    lt.set_piece_hashes(ct, job["root"])
    entry = ct.generate()
    if not job.get("keepDate"):
        entry.pop(b"creation date", None)
    data = lt.bencode(entry)
    with open(job["out"], "wb") as out:
        out.write(data)
    info = entry[b"info"]
    info_bytes = lt.bencode(info)
    result = {
        "infoHash": hashlib.sha1(info_bytes).hexdigest() if mode != "v2" else None,
        "infoHashV2": hashlib.sha256(info_bytes).hexdigest() if mode != "v1" else None,
    }
    # libtorrent's own view of the torrent it made, as a cross-check of the hashes above.
    ti = lt.torrent_info(data)
    hashes = ti.info_hashes()
    result["ltInfoHash"] = str(hashes.v1) if hashes.has_v1() else None
    result["ltInfoHashV2"] = str(hashes.v2) if hashes.has_v2() else None
    files = ti.files()
    result["files"] = [
        {
            "path": files.file_path(i).replace("\\", "/"),
            "length": files.file_size(i),
            "pad": bool(files.file_flags(i) & lt.file_storage.flag_pad_file),
        }
        for i in range(files.num_files())
    ]
    return result


def main():
    jobs = json.load(sys.stdin)
    if isinstance(jobs, list):
        json.dump([make(job) for job in jobs], sys.stdout)
    else:
        json.dump(make(jobs), sys.stdout)


if __name__ == "__main__":
    main()
