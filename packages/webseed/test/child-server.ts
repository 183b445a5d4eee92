// Runs the built web seed in a child process, so a test can read the server's own resident memory
// (/proc/<pid>/status) while it attacks it. `face` picks how it is served: the standalone server, the
// express router, or `createWebseed` inside a plain node:http server of the user's.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export type Face = "standalone" | "express" | "node-http";

const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url));

const SERVE: Record<Face, string> = {
  standalone: `
    const s = ws.createWebseedServer(options);
    port = (await s.listen(0)).port;`,
  express: `
    const { default: express } = await import("express");
    const app = express();
    app.use("/", ws.webseedRouter(options));
    const server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    port = server.address().port;`,
  "node-http": `
    const http = await import("node:http");
    const seed = ws.createWebseed(options);
    const server = http.createServer((req, res) => seed.handle(req, res));
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    port = server.address().port;`,
};

export interface ChildServer {
  proc: ChildProcess;
  port: number;
  /** The server process's resident memory in MiB. */
  rss(): number;
  kill(): Promise<void>;
}

/** `options` is a JS object literal (source text) for WebseedOptions. */
export async function startChild(face: Face, options: string): Promise<ChildServer> {
  const script = `
    const ws = await import(${JSON.stringify(dist)});
    const options = ${options};
    let port;
    ${SERVE[face]}
    process.stdout.write(port + "\\n");`;
  const proc = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [line] = (await once(proc.stdout!, "data")) as [Buffer];
  return {
    proc,
    port: Number(line.toString().trim()),
    rss() {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, "utf8"));
      return Number(m![1]) / 1024;
    },
    async kill() {
      if (proc.exitCode !== null) return;
      proc.kill("SIGKILL");
      await once(proc, "exit");
    },
  };
}
