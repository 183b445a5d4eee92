// The HTTP-only baseline of the crowd bench: nginx serves the release, each client is one curl fetching
// every file, behind a relay that stands in for the publisher's uplink (one token bucket shared by all
// connections, as a real uplink is; nginx's limit_rate is per connection and cannot model that).
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { join } from "node:path";

/** A TCP relay to `target` whose total throughput is at most `rate` bytes/s (0: unlimited). Counts bytes. */
export async function startRelay(targetPort, rate) {
  const relay = { bytes: 0, server: undefined, port: 0 };
  let tokens = rate;
  const waiting = new Set();
  const timer = rate
    ? setInterval(() => {
        tokens = Math.min(rate / 10, tokens + rate / 50);
        for (const resume of [...waiting]) resume();
      }, 20)
    : undefined;
  relay.server = createServer((client) => {
    const upstream = createConnection({ port: targetPort, host: "127.0.0.1" });
    client.pipe(upstream);
    // Paused while the client's buffer is full or the shared bucket is empty; resumed when both clear.
    const maybeResume = () => {
      if ((!rate || tokens > 0) && !client.writableNeedDrain) {
        waiting.delete(maybeResume);
        upstream.resume();
      }
    };
    upstream.on("data", (chunk) => {
      relay.bytes += chunk.length;
      tokens -= chunk.length;
      const full = !client.write(chunk);
      if (full || (rate && tokens <= 0)) {
        upstream.pause();
        waiting.add(maybeResume);
      }
    });
    client.on("drain", maybeResume);
    upstream.on("end", () => client.end());
    const close = () => {
      waiting.delete(maybeResume);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", close);
    upstream.on("error", close);
    client.on("close", close);
  });
  await new Promise((r) => relay.server.listen(0, "127.0.0.1", r));
  relay.port = relay.server.address().port;
  relay.close = () => {
    clearInterval(timer);
    relay.server.close();
  };
  return relay;
}

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/** nginx (one worker, sendfile) serving `root`; resolves once it answers. */
export async function startNginx(root, workDir) {
  const port = await freePort();
  mkdirSync(join(workDir, "logs"), { recursive: true });
  const conf = join(workDir, "nginx.conf");
  writeFileSync(
    conf,
    `worker_processes 1; daemon off; pid ${join(workDir, "nginx.pid")}; error_log ${join(workDir, "logs/error.log")};
events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush on; keepalive_timeout 65;
  client_body_temp_path ${workDir}/body; proxy_temp_path ${workDir}/proxy; fastcgi_temp_path ${workDir}/fcgi;
  uwsgi_temp_path ${workDir}/uwsgi; scgi_temp_path ${workDir}/scgi;
  server { listen 127.0.0.1:${port}; root ${root}; } }
`,
  );
  const child = spawn("nginx", ["-p", workDir, "-c", conf], { stdio: "ignore" });
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/`).then(
      () => true,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, stop: () => child.kill("SIGQUIT") };
}

/** One curl per client, started at its arrival time, fetching every file; resolves with each client's time. */
export function runHttpCrowd({ urls, clients, onDone }) {
  const t0 = performance.now();
  return Promise.all(
    clients.map(
      (c, i) =>
        new Promise((resolve) => {
          setTimeout(() => {
            const start = performance.now();
            const args = ["-s", "--fail", "--interface", c.ip];
            for (const url of urls) args.push(url, "-o", "/dev/null");
            const curl = spawn("curl", args, { stdio: "ignore" });
            curl.on("exit", (code) => {
              const secs = (performance.now() - start) / 1000;
              onDone?.(i, (performance.now() - t0) / 1000);
              resolve({ i, ok: code === 0, secs });
            });
          }, c.at * 1000);
        }),
    ),
  );
}
