// Worker-thread entry: runs the hash engine's jobs and posts the hashes back.
import { parentPort, workerData } from "node:worker_threads";
import { runJob, type WorkerInit, type WorkerJob } from "./hash-job.js";
import { PieceHasher } from "./piece-hasher.js";

if (parentPort) {
  const port = parentPort;
  const init = workerData as WorkerInit;
  const hasher = new PieceHasher(init.files, init.pieceLength);
  port.on("message", (job: WorkerJob) => {
    const reply = runJob(hasher, init, job);
    const transfer = reply.ok ? [reply.sha1?.buffer, reply.roots?.buffer].filter((b) => b !== undefined) : [];
    port.postMessage(reply, transfer as ArrayBuffer[]);
  });
}
