// What a reused .torrent should carry now: this server's web seed and trackers first, then whatever it
// listed before except loopback URLs: those are an earlier local run's (a local trial, or this machine
// on another port) and useless to anyone else.

export interface Current {
  /** This server's web seed URL for the torrent. */
  seed: string;
  /** This server's announce URLs (one tier each), empty without the tracker. */
  announce: string[];
}

export interface Reconciled {
  /** Tracker tiers: this server's (one tier each) first. */
  announce: string[][];
  /** Web seeds: this server's first. */
  urlList: string[];
  /** What changed, in words, for the log; empty when the torrent already fits. */
  changes: string[];
}

const LOCAL_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1?\]|0\.0\.0\.0)$/i;

export function isLocalUrl(url: string): boolean {
  try {
    return LOCAL_HOST.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

function sameLists(a: string[][], b: string[][]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function reconcile(old: { announce: string[][]; urlList: string[] }, current: Current): Reconciled {
  const stale = isLocalUrl;
  const ours = new Set(current.announce);
  const urlList = [current.seed, ...old.urlList.filter((u) => u !== current.seed && !stale(u))];
  const kept = old.announce
    .map((tier) => tier.filter((u) => !ours.has(u) && !stale(u)))
    .filter((tier) => tier.length > 0);
  const announce = [...current.announce.map((u) => [u]), ...kept];
  const changes: string[] = [];
  if (JSON.stringify(urlList) !== JSON.stringify(old.urlList)) {
    const gone = old.urlList.filter((u) => !urlList.includes(u));
    changes.push(`web seed ${current.seed}${gone.length ? ` (dropped ${gone.join(", ")})` : ""}`);
  }
  if (!sameLists(announce, old.announce)) {
    const gone = old.announce.flat().filter((u) => !announce.flat().includes(u));
    changes.push(
      `trackers ${announce.flat().join(", ") || "none"}${gone.length ? ` (dropped ${gone.join(", ")})` : ""}`,
    );
  }
  return { announce, urlList, changes };
}
