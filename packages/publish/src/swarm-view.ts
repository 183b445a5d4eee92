// The tracker's view of one torrent's swarm (seeders, leechers, completed downloads), read from its store.
// A shared store (Redis) answers asynchronously: the last answer is used and a fresh one asked for.
import { hexToKey, type Tracker } from "@seedpress/tracker";
import type { SwarmCounts } from "./offload-policy.js";

export function swarmView(tracker: Tracker): (infoHashHex: string) => SwarmCounts | undefined {
  const last = new Map<string, SwarmCounts>();
  const view = (c: { complete: number; incomplete: number; downloaded: number }): SwarmCounts => ({
    seeders: c.complete,
    leechers: c.incomplete,
    completed: c.downloaded,
  });
  return (hex) => {
    const key = hexToKey(hex.slice(0, 40));
    const swarm = key === undefined ? undefined : tracker.allowlist.resolve(key);
    if (swarm === undefined) return undefined;
    const counts = tracker.store.counts(swarm);
    if (!(counts instanceof Promise)) return view(counts);
    counts.then(
      (c) => last.set(swarm, view(c)),
      () => {},
    );
    return last.get(swarm);
  };
}
