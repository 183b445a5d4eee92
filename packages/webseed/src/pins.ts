// Files pinned to the size and mtime they had when checked against their torrent, and paths refused (404)
// because they changed: libtorrent bans a web seed on its first bad piece, and a bad piece poisons the swarm.

/** Size and mtime a path must keep; anything else means the file changed and is refused. */
export interface Pin {
  size: number;
  mtimeMs: number;
}

export class Pins {
  private readonly pins = new Map<string, Pin>();
  private readonly refusedPaths = new Map<string, string>();

  pin(path: string, pin: Pin): void {
    this.pins.set(path, { ...pin });
  }

  refuse(path: string, reason: string): void {
    this.refusedPaths.set(path, reason);
  }

  isRefused(path: string): boolean {
    return this.refusedPaths.size > 0 && this.refusedPaths.has(path);
  }

  refused(): Map<string, string> {
    return new Map(this.refusedPaths);
  }

  /** False (and the path refused from now on) when `path` is pinned and the open file no longer matches. */
  holds(path: string, file: { size: number; mtimeMs: number }): boolean {
    const pin = this.pins.size > 0 ? this.pins.get(path) : undefined;
    if (!pin || (pin.size === file.size && pin.mtimeMs === file.mtimeMs)) return true;
    this.refuse(
      path,
      `size or mtime changed (now ${file.size} bytes) since it was checked against its torrent`,
    );
    return false;
  }
}
