#!/usr/bin/python3
"""The crowd's BitTorrent clients: many libtorrent sessions in one process (python3-libtorrent 2.0).

usage: crowd_lt.py <config.json>
config: {"torrent", "save_root", "clients": [{"ip", "at"}], "upload_limit", "linger", "timeout"}
Each session binds its own loopback address (so the origin and the tracker see distinct clients, as
on the internet), caps its upload (a home uplink; the local-network exemption removed), has DHT, LSD,
UPnP, NAT-PMP and PEX off, and announces only to the torrent's HTTP trackers (see start_session). It joins at `at` seconds,
leaves `linger` seconds after it completes (0: at once, the worst case). Prints JSON lines:
{"ev": "start"|"done"|"left", "i", "t"} and every 0.5 s {"ev": "sample", "t", "bytes": total done}.
"""
import json
import os
import sys
import time

import libtorrent as lt

config = json.load(open(sys.argv[1]))
info = lt.torrent_info(config["torrent"])
length = info.total_size()
clients = config["clients"]
upload_limit = int(config["upload_limit"])
linger = float(config["linger"])
deadline = time.time() + float(config["timeout"])


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def start_session(i, ip):
    settings = {
        "listen_interfaces": f"{ip}:0",
        "outgoing_interfaces": ip,
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "enable_incoming_utp": False,
        "enable_outgoing_utp": False,
        "upload_rate_limit": upload_limit,
        "alert_mask": 0,
        "user_agent": f"crowd-{i}",
    }
    # flags=0: no default plugins, so no ut_pex (peers come from our tracker only).
    ses = lt.session(settings, 0)
    # Loopback peers sit in libtorrent's unlimited local class by default; put everyone in the global one.
    everyone = lt.ip_filter()
    everyone.add_rule("0.0.0.0", "255.255.255.255", 1 << lt.session.global_peer_class_id)
    ses.set_peer_class_filter(everyone)
    save = os.path.join(config["save_root"], str(i))
    os.makedirs(save, exist_ok=True)
    handle = ses.add_torrent({"ti": lt.torrent_info(config["torrent"]), "save_path": save})
    # HTTP(S) trackers only: libtorrent keeps one UDP-tracker connection-id cache per process, so sessions
    # here would reuse the id the tracker gave another address, which it rightly refuses (BEP 15 ids are
    # per address). Separate hosts would not share it.
    http = [t for t in handle.trackers() if t["url"].startswith("http")]
    handle.replace_trackers([lt.announce_entry(t["url"]) for t in http])
    return ses, handle


started = time.time()
sessions = {}
done_at = {}
left = set()
final_done = {}
retired = []
next_sample = 0.0
while time.time() < deadline:
    now = time.time() - started
    for i, c in enumerate(clients):
        if i not in sessions and i not in left and now >= c["at"]:
            sessions[i] = start_session(i, c["ip"])
            emit({"ev": "start", "i": i, "t": now})
    total = 0
    for i, (ses, handle) in list(sessions.items()):
        ses.pop_alerts()
        status = handle.status()
        if i not in done_at or now - done_at[i] < linger:
            total += status.total_wanted_done
        if i not in done_at and status.is_seeding:
            done_at[i] = now
            emit({"ev": "done", "i": i, "t": now})
        if i in done_at and now - done_at[i] >= linger:
            final_done[i] = status.total_wanted_done
            ses.remove_torrent(handle)  # sends the tracker `stopped`
            retired.append(ses)
            del sessions[i]
            left.add(i)
            emit({"ev": "left", "i": i, "t": now})
    total += sum(final_done.values())
    if now >= next_sample:
        emit({"ev": "sample", "t": now, "bytes": total})
        if os.environ.get("CROWD_DEBUG"):
            for i, (ses, handle) in sessions.items():
                st = handle.status()
                peers = handle.get_peer_info()
                web = sum(p.total_download for p in peers if p.connection_type != 0)
                bt = sum(p.total_download for p in peers if p.connection_type == 0)
                emit({"ev": "debug", "i": i, "peers": st.num_peers, "seeds": st.num_seeds, "done": st.total_wanted_done, "web": web, "bt": bt, "tracker": st.current_tracker, "err": str(st.errc.message()) if st.errc.value() else ""})
        next_sample = now + 0.5
    if len(left) == len(clients):
        break
    time.sleep(0.1)
# Let the last stopped announces go out before the sessions are torn down.
time.sleep(1)
emit({"ev": "end", "t": time.time() - started, "complete": len(done_at), "clients": len(clients), "length": length})
