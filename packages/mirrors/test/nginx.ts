// Real nginx mirrors for the tests: one nginx process per mirror, in the foreground as our child,
// on a free loopback port, with its pid, logs and temp files in a temp folder.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { join } from "node:path";

export interface NginxMirror {
  port: number;
  /** http://127.0.0.1:port */
  origin: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function config(dir: string, port: number, root: string, extra: string): string {
  const temp = (name: string) => join(dir, "temp", name);
  return `daemon off;
master_process off;
worker_processes 1;
pid ${join(dir, "nginx.pid")};
error_log ${join(dir, "error.log")} warn;
events { worker_connections 256; }
http {
  access_log ${join(dir, "access.log")};
  default_type application/octet-stream;
  client_body_temp_path ${temp("body")};
  proxy_temp_path ${temp("proxy")};
  fastcgi_temp_path ${temp("fastcgi")};
  uwsgi_temp_path ${temp("uwsgi")};
  scgi_temp_path ${temp("scgi")};
  sendfile on;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    ${extra}
  }
}
`;
}

function waitForPort(port: number, child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 10_000;
    const onExit = (code: number | null) => reject(new Error(`nginx exited (${code}) before listening`));
    child.once("exit", onExit);
    const attempt = () => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        child.off("exit", onExit);
        resolve();
      });
      socket.once("error", () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nginx did not listen on ${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** Starts nginx serving `root`; `extra` goes inside the server block (e.g. "max_ranges 0;"). */
export async function startNginx(dir: string, root: string, extra = ""): Promise<NginxMirror> {
  mkdirSync(join(dir, "temp"), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const conf = join(dir, "nginx.conf");
    writeFileSync(conf, config(dir, port, root, extra));
    const child = spawn("nginx", ["-c", conf, "-p", dir, "-e", join(dir, "error.log")], { stdio: "ignore" });
    try {
      await waitForPort(port, child);
    } catch (error) {
      child.kill("SIGKILL");
      if (attempt < 4) continue; // another test took the port between our probe and nginx's bind
      throw error;
    }
    return {
      port,
      origin: `http://127.0.0.1:${port}`,
      stop: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        }),
    };
  }
}
