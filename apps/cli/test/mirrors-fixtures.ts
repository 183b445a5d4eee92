// Fixtures for the mirror tests: a release folder, real nginx mirrors that are right or wrong in one
// known way each, a server that answers slowly forever, and the CLI run without blocking the loop.
import { spawn } from "node:child_process";
import {
  closeSync,
  cpSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeSync,
} from "node:fs";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type NginxMirror, startNginx } from "../../../packages/mirrors/test/nginx.js";

const bin = fileURLToPath(new URL("../dist/index.js", import.meta.url));

/** Runs `seedpress` as a child without blocking this process (the slow server lives here). */
export function seedpressAsync(args: string[], cwd?: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Copies `content` (a file or folder) to `root/<below>`; returns the copy's path. */
export function copyInto(content: string, root: string, below = path.basename(content)): string {
  const target = path.join(root, below);
  mkdirSync(path.dirname(target), { recursive: true });
  cpSync(content, target, { recursive: true });
  return target;
}

export function flipByte(file: string, offset: number): void {
  const byte = readFileSync(file).subarray(offset, offset + 1);
  const fd = openSync(file, "r+");
  writeSync(fd, Buffer.from([byte[0]! ^ 0xff]), 0, 1, offset);
  closeSync(fd);
}

export function shorten(file: string, length: number): void {
  truncateSync(file, length);
}

const CORS = 'add_header Access-Control-Allow-Origin "*" always;';

export type MirrorKind = "good" | "good2" | "layout" | "stale" | "flipped" | "norange" | "redirect";

/** One nginx per kind; `prepare(kind, root)` fills each root before nginx starts. */
export async function startMirrors(
  dir: string,
  kinds: MirrorKind[],
  prepare: (kind: MirrorKind, root: string) => void,
): Promise<Map<MirrorKind, NginxMirror>> {
  const mirrors = new Map<MirrorKind, NginxMirror>();
  for (const kind of kinds.filter((k) => k !== "redirect")) {
    const root = path.join(dir, kind, "root");
    mkdirSync(root, { recursive: true });
    prepare(kind, root);
    const extra = kind === "norange" ? "max_ranges 0;" : CORS;
    mirrors.set(kind, await startNginx(path.join(dir, kind), root, extra));
  }
  if (kinds.includes("redirect")) {
    const good = mirrors.get("good");
    if (!good) throw new Error("a redirect mirror needs the good one");
    const root = path.join(dir, "redirect", "root");
    mkdirSync(root, { recursive: true });
    const extra = `location / { return 302 ${good.origin}$request_uri; }`;
    mirrors.set("redirect", await startNginx(path.join(dir, "redirect"), root, extra));
  }
  return mirrors;
}

export async function stopAll(mirrors: Iterable<NginxMirror>, dir: string): Promise<void> {
  await Promise.all([...mirrors].map((m) => m.stop()));
  rmSync(dir, { recursive: true, force: true });
}

/** A server that accepts, starts an answer and never finishes it: one header line a second. */
export function startSlowServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<import("node:net").Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.once("data", () => {
      socket.write("HTTP/1.1 200 OK\r\n");
      const timer = setInterval(() => socket.write("X-Slow: 1\r\n"), 1000);
      timers.add(timer);
      socket.on("close", () => {
        clearInterval(timer);
        timers.delete(timer);
      });
    });
    socket.on("error", () => {});
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      resolve({
        origin: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            for (const t of timers) clearInterval(t);
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
