#!/usr/bin/python3
"""Child process for the benches: libtorrent (python binding) makes one torrent of a file or folder.
Usage: lt-create.py <path> <piece_length> <v1|v2|hybrid>. Prints JSON {ms, infoHash, infoHashV2};
ms covers create_torrent + set_piece_hashes + generate (not Python start-up or the import)."""
import hashlib
import json
import os
import sys
import time

import libtorrent as lt

path, piece_length, mode = os.path.abspath(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
flags = {"v1": lt.create_torrent.v1_only, "v2": lt.create_torrent.v2_only, "hybrid": 0}[mode]
t0 = time.perf_counter()
fs = lt.file_storage()
lt.add_files(fs, path)
ct = lt.create_torrent(fs, piece_length, flags=flags)
lt.set_piece_hashes(ct, os.path.dirname(path))
entry = ct.generate()
ms = (time.perf_counter() - t0) * 1000
info = lt.bencode(entry[b"info"])
print(json.dumps({
    "ms": ms,
    "infoHash": hashlib.sha1(info).hexdigest() if mode != "v2" else None,
    "infoHashV2": hashlib.sha256(info).hexdigest() if mode != "v1" else None,
}))
