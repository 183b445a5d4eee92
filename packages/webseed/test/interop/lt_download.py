#!/usr/bin/python3
"""Download one torrent with libtorrent (python3-libtorrent) using only its web seeds.

usage: lt_download.py <file.torrent> <save_path> <timeout_seconds>
Prints one JSON line with the outcome; exit 0 when the torrent is complete (every piece hash-checked
by libtorrent), 1 otherwise.
"""
import json
import sys
import time

import libtorrent as lt

torrent, save_path, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
settings = {
    "listen_interfaces": "127.0.0.1:0",
    "enable_dht": False,
    "enable_lsd": False,
    "enable_upnp": False,
    "enable_natpmp": False,
    "enable_incoming_utp": False,
    "enable_outgoing_utp": False,
    "alert_mask": lt.alert.category_t.error_notification | lt.alert.category_t.peer_notification,
}
ses = lt.session(settings)
info = lt.torrent_info(torrent)
handle = ses.add_torrent({"ti": info, "save_path": save_path})
errors = []
deadline = time.time() + timeout
state = None
while time.time() < deadline:
    for alert in ses.pop_alerts():
        if isinstance(alert, (lt.url_seed_alert, lt.torrent_error_alert, lt.hash_failed_alert, lt.file_error_alert)):
            errors.append(f"{type(alert).__name__}: {alert.message()}")
    status = handle.status()
    state = str(status.state)
    if status.is_seeding:
        break
    time.sleep(0.1)
status = handle.status()
print(json.dumps({
    "done": bool(status.is_seeding),
    "state": state,
    "total_wanted": status.total_wanted,
    "total_wanted_done": status.total_wanted_done,
    "num_pieces": status.num_pieces,
    "pieces": info.num_pieces(),
    "errors": errors[:20],
}))
sys.exit(0 if status.is_seeding else 1)
