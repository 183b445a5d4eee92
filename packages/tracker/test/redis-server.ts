// A real redis-server (Debian's /usr/bin/redis-server) for tests: a free port, a temp dir, AOF on with
// fsync on every write, so a `kill -9` of Redis itself loses nothing that was acknowledged.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { tempDir } from "./helpers.js";

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

export class RedisServer {
  private proc?: ChildProcess;
  readonly dir = tempDir("seedpress-redis-");

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    const server = await RedisServer.prepare();
    await server.launch();
    return server;
  }

  /** A port and a folder, not started yet (a tracker may start before its Redis). */
  static async prepare(): Promise<RedisServer> {
    return new RedisServer(await freePort());
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  async launch(): Promise<void> {
    const proc = spawn(
      "/usr/bin/redis-server",
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--dir",
        this.dir,
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--save",
        "",
        "--protected-mode",
        "no",
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    this.proc = proc;
    let out = "";
    await new Promise<void>((resolve, reject) => {
      proc.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("Ready to accept connections")) resolve();
      });
      proc.once("exit", (code) => reject(new Error(`redis-server exited ${code}: ${out.slice(-500)}`)));
    });
    proc.stdout!.resume();
  }

  /** SIGKILL: no shutdown save; what survives is what AOF had fsync'd. */
  async kill9(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    proc.kill("SIGKILL");
    await once(proc, "exit");
  }

  async stop(): Promise<void> {
    await this.kill9();
  }
}
