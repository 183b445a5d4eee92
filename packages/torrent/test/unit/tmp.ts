// Temporary folders for tests, removed after each test file.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";

export function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "seedpress-torrent-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
