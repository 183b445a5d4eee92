#!/usr/bin/python3
"""Load .torrent files with libtorrent and let libtorrent check data on disk against them.

Usage: lt_check.py <file.torrent> <save_path|-> [timeout_seconds]
       lt_check.py --batch [timeout_seconds] < [[torrent, save_path], ...]   (one session for all)
save_path is the folder that holds the torrent's top entry (the file, or the torrent's folder);
"-" only loads the torrent. Prints JSON (a list with --batch) of
  {"infoHash", "infoHashV2", "name", "numPieces", "pieceLength", "files": [...],
   "state", "seeding", "have": [piece indices present], "error"}.
No network: the session listens on 127.0.0.1 only, with DHT, LSD, UPnP and NAT-PMP off.
"""
import json
import sys
import time

import libtorrent as lt

def describe(ti):
    hashes = ti.info_hashes()
    fs = ti.files()
    return {
        "infoHash": str(hashes.v1) if hashes.has_v1() else None,
        "infoHashV2": str(hashes.v2) if hashes.has_v2() else None,
        "name": ti.name(),
        "numPieces": ti.num_pieces(),
        "pieceLength": ti.piece_length(),
        "files": [
            {
                "path": fs.file_path(i).replace("\\", "/"),
                "length": fs.file_size(i),
                "pad": bool(fs.file_flags(i) & lt.file_storage.flag_pad_file),
                "offset": fs.file_offset(i),
            }
            for i in range(fs.num_files())
        ],
    }


def check_round(jobs, timeout):
    """Checks jobs in one session; a torrent already in this round is returned for a later one."""
    results = [None] * len(jobs)
    handles = [None] * len(jobs)
    later = []
    seen = set()
    session = None
    for i, (torrent_path, save_path) in enumerate(jobs):
        try:
            with open(torrent_path, "rb") as f:
                ti = lt.torrent_info(f.read())
        except Exception as e:  # libtorrent refused to load it: report, do not crash
            results[i] = {"loadError": str(e)}
            continue
        out = describe(ti)
        results[i] = out
        if save_path == "-":
            continue
        # One session holds a torrent once: the same torrent over other data waits for the next round.
        key = (out["infoHash"], out["infoHashV2"])
        if key in seen:
            later.append(i)
            continue
        seen.add(key)
        if session is None:
            session = lt.session(
                {
                    "listen_interfaces": "127.0.0.1:0",
                    "enable_dht": False,
                    "enable_lsd": False,
                    "enable_upnp": False,
                    "enable_natpmp": False,
                    # Check every torrent at once rather than one per session tick.
                    "active_checking": 1000,
                    "tick_interval": 50,
                    "alert_mask": lt.alert_category.error | lt.alert_category.status,
                }
            )
        params = lt.add_torrent_params()
        params.ti = ti
        params.save_path = save_path
        params.storage_mode = lt.storage_mode_t.storage_mode_sparse
        try:
            # Added without resume data, libtorrent hashes everything on disk before it does anything
            # else, and says so with a torrent_checked_alert.
            handle = session.add_torrent(params)
        except Exception as e:
            out["error"] = "add_torrent: " + str(e)
            continue
        handles[i] = handle
    deadline = time.time() + timeout
    pending = {handles[i]: i for i in range(len(handles)) if handles[i] is not None}
    while pending and time.time() < deadline:
        session.wait_for_alert(100)
        for alert in session.pop_alerts():
            if isinstance(alert, (lt.torrent_checked_alert, lt.torrent_error_alert)):
                pending.pop(alert.handle, None)
        # A torrent stuck in an error state never reports checked: stop waiting for it.
        for handle in list(pending):
            if handle.status().errc.value():
                pending.pop(handle, None)
    timed_out = set(pending.values())
    for i, handle in enumerate(handles):
        if handle is None:
            continue
        st = handle.status()
        results[i]["state"] = str(st.state)
        results[i]["seeding"] = bool(st.is_seeding)
        results[i]["have"] = [p for p, bit in enumerate(st.pieces) if bit]
        results[i]["error"] = (
            st.errc.message() if st.errc.value() else "timed out waiting for the check" if i in timed_out else None
        )
        session.remove_torrent(handle)
    return results, later


def check_all(jobs, timeout):
    results = [None] * len(jobs)
    todo = list(range(len(jobs)))
    while todo:
        round_results, later = check_round([jobs[i] for i in todo], timeout)
        for j, i in enumerate(todo):
            results[i] = round_results[j]
        todo = [todo[j] for j in later]
    return results


def main():
    if sys.argv[1] == "--batch":
        timeout = float(sys.argv[2]) if len(sys.argv) > 2 else 120.0
        jobs = json.load(sys.stdin)
        json.dump(check_all(jobs, timeout), sys.stdout)
    else:
        timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 60.0
        save_path = sys.argv[2] if len(sys.argv) > 2 else "-"
        json.dump(check_all([(sys.argv[1], save_path)], timeout)[0], sys.stdout)


if __name__ == "__main__":
    main()
