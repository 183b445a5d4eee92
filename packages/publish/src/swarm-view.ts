// The tracker's view of one torrent's swarm (seeders, leechers, completed downloads), read from its store.
// A shared store (Redis) answers asynchronously: the last answer is used and a fresh one asked for.
import { hexToKey, type Tracker } from "@seedpress/tracker";
import type { SwarmCounts } from "./offload-policy.js";

export function swarmView(tracker: Tracker): (infoHashHex: string) => SwarmCounts | undefined {
  const last = new Map<string, SwarmCounts>();
  return (hex) => {
    const key = hexToKey(hex.slice(0, 40));
    const swarm = key === undefined ? undefined : tracker.allowlist.resolve(key);
    if (swarm === undefined) return undefined;
    const completed = tracker.downloads(hex.slice(0, 40));
    const counts = tracker.store.counts(swarm);
    if (counts instanceof Promise) {
      counts.then(
        (c) => last.set(swarm, { seeders: c?.complete ?? 0, leechers: c?.incomplete ?? 0, completed }),
        () => {},
      );
      return last.get(swarm);
    }
    return { seeders: counts?.complete ?? 0, leechers: counts?.incomplete ?? 0, completed };
  };
}
