#!/usr/bin/python3
"""libtorrent's reading of magnet links. Usage: lt_magnet.py <magnet> [<magnet> ...]
Prints a JSON list of {"infoHash", "infoHashV2", "name", "trackers", "urlSeeds"} (or {"error"})."""
import json
import sys

import libtorrent as lt

ZERO_V1 = "0" * 40
ZERO_V2 = "0" * 64


def read(uri):
    try:
        p = lt.parse_magnet_uri(uri)
    except Exception as e:  # a magnet libtorrent rejects: report it
        return {"error": str(e)}
    v1 = str(p.info_hashes.v1)
    v2 = str(p.info_hashes.v2)
    return {
        "infoHash": None if v1 == ZERO_V1 else v1,
        "infoHashV2": None if v2 == ZERO_V2 else v2,
        "name": p.name,
        "trackers": list(p.trackers),
        "urlSeeds": list(p.url_seeds),
    }


json.dump([read(u) for u in sys.argv[1:]], sys.stdout)
