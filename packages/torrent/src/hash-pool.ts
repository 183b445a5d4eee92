// The hash worker threads. A pool can start before the job list is known, so the ~0.1 s the threads
// take to come up overlaps the walk of a big folder instead of following it.
import { Worker } from "node:worker_threads";

function workerUrl(): URL {
  // From dist/ the worker sits beside this module; when tests run the TypeScript sources, use the build.
  return import.meta.url.endsWith(".ts")
    ? new URL("../dist/hash-worker.js", import.meta.url)
    : new URL("./hash-worker.js", import.meta.url);
}

export class HashPool {
  readonly workers: Worker[] = [];

  constructor(threads: number) {
    // Workers inherit execArgv; --input-type (from `node -e`) would stop them loading their module file.
    const execArgv = process.execArgv.filter((arg) => !arg.startsWith("--input-type"));
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(workerUrl(), { execArgv });
      // An idle pool must not keep the process alive, nor crash it if a thread fails to start.
      worker.unref();
      worker.on("error", () => {});
      this.workers.push(worker);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
