#!/usr/bin/python3
"""Load .torrent files with libtorrent, as a client does (torrent_info from the file), and describe them.

Usage: lt_info.py < ["a.torrent", "b.torrent", ...]
Prints a JSON list, one entry per file: {"ok": false, "error": "..."} or
  {"ok": true, "infoHash", "infoHashV2", "name", "numPieces", "multiFile",
   "files": [{"path", "length", "pad", "symlink"}]}
(paths "/"-joined, as libtorrent would write them under the save path).
"""
import json
import sys

import libtorrent as lt


def describe(ti):
    hashes = ti.info_hashes()
    fs = ti.files()
    files = []
    for i in range(fs.num_files()):
        flags = fs.file_flags(i)
        files.append({
            "path": fs.file_path(i).replace("\\", "/"),
            "length": fs.file_size(i),
            "pad": bool(flags & lt.file_flags_t.flag_pad_file),
            "symlink": fs.symlink(i) if flags & lt.file_flags_t.flag_symlink else None,
        })
    return {
        "ok": True,
        "infoHash": str(hashes.v1) if hashes.has_v1() else None,
        "infoHashV2": str(hashes.v2) if hashes.has_v2() else None,
        "name": ti.name(),
        "numPieces": ti.num_pieces(),
        "files": files,
    }


out = []
for path in json.load(sys.stdin):
    try:
        out.append(describe(lt.torrent_info(path)))
    except Exception as e:  # libtorrent raises RuntimeError/system_error with its message
        out.append({"ok": False, "error": str(e)})
print(json.dumps(out))
