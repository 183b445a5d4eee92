// Worker-thread entry: takes a job list's sources ({ init }), then runs jobs and posts the hashes back.
import { parentPort } from "node:worker_threads";
import { runJob, type WorkerInit, type WorkerJob } from "./hash-job.js";
import { PieceHasher } from "./piece-hasher.js";

if (parentPort) {
  const port = parentPort;
  let init: WorkerInit | undefined;
  let hasher: PieceHasher | undefined;
  port.on("message", (message: WorkerJob | { init: WorkerInit }) => {
    if ("init" in message) {
      init = message.init;
      hasher = new PieceHasher(init.files, init.pieceLength);
      return;
    }
    const reply = runJob(hasher!, init!, message);
    const transfer = reply.ok ? [reply.sha1?.buffer, reply.roots?.buffer].filter((b) => b !== undefined) : [];
    port.postMessage(reply, transfer as ArrayBuffer[]);
  });
}
