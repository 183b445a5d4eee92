// What the web seed counts: requests, body bytes (in total and per served path), and refusals by cause.

export interface FileStats {
  requests: number;
  bytes: number;
}

export interface WebseedStats {
  requests: number;
  bytes: number;
  /** Requests answered 503 by a connection cap (bandwidth caps pace, they never refuse). */
  shed: number;
  /** Requests answered 503 because the `policy` said "not now". */
  deferred: number;
  /** Slices (up to 64 KiB) the `policy` sent in a slow lane (a `rate`). */
  slowed: number;
  openConnections: number;
  /** Per served path ("/"-joined, relative to the root). */
  files: Record<string, FileStats>;
}

export class Counters {
  requests = 0;
  bytes = 0;
  shed = 0;
  deferred = 0;
  slowed = 0;
  private readonly files = new Map<string, FileStats>();

  file(path: string): FileStats {
    let s = this.files.get(path);
    if (!s) {
      s = { requests: 0, bytes: 0 };
      this.files.set(path, s);
    }
    return s;
  }

  snapshot(openConnections: number): WebseedStats {
    const files: Record<string, FileStats> = {};
    for (const [path, s] of this.files) files[path] = { ...s };
    const { requests, bytes, shed, deferred, slowed } = this;
    return { requests, bytes, shed, deferred, slowed, openConnections, files };
  }
}
