// Splits hashing into jobs of ~16 MiB and runs them on the calling thread plus a pool of worker
// threads (one hasher per core by default), at most two jobs in flight per worker so memory stays
// flat whatever the input size.
import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { TorrentError } from "./errors.js";
import { runJob, type WorkerInit, type WorkerJob, type WorkerReply } from "./hash-job.js";
import { HashPool } from "./hash-pool.js";
import { type FilePiecesTask, type HashSource, PieceHasher, sourceLayout } from "./piece-hasher.js";
import type { HashProgress } from "./types.js";

export interface EngineOptions {
  threads?: number;
  /** Threads already started (by the caller, during the walk); closed by the caller. */
  pool?: HashPool;
  signal?: AbortSignal;
  onProgress?: (progress: HashProgress) => void;
}

const JOB_BYTES = 16 * 1024 * 1024;
/** Below this, worker start-up costs more than hashing in this thread. */
export const IN_THREAD_BYTES = 4 * 1024 * 1024;

type JobBody = WorkerJob extends infer J ? (J extends WorkerJob ? Omit<J, "id"> : never) : never;

function toError(reply: Extract<WorkerReply, { ok: false }>): TorrentError {
  if (reply.escaped) return new TorrentError("ERR_TORRENT_PATH_UNSAFE", reply.message);
  if (reply.changed) return new TorrentError("ERR_TORRENT_FILE_CHANGED", reply.message);
  if (reply.code === "ENOENT")
    return new TorrentError("ERR_TORRENT_FILE_CHANGED", `a file vanished while hashing: ${reply.message}`);
  return new TorrentError("ERR_TORRENT_PATH_UNREADABLE", `cannot read while hashing: ${reply.message}`);
}

/** Runs the jobs and hands each reply to `onReply` in completion order. */
async function runJobs(
  init: WorkerInit,
  jobs: JobBody[],
  onReply: (index: number, reply: Extract<WorkerReply, { ok: true }>) => void,
  options: EngineOptions,
): Promise<void> {
  const total = init.files.reduce((sum, f) => sum + (f.path === null ? 0 : f.length), 0);
  let done = 0;
  const progress = (bytes: number) => {
    done += bytes;
    options.onProgress?.({ bytesDone: Math.min(done, total), bytesTotal: total });
  };
  options.signal?.throwIfAborted?.();
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), jobs.length));

  if (total < IN_THREAD_BYTES || jobs.length === 0) {
    const hasher = new PieceHasher(init.files, init.pieceLength);
    for (let i = 0; i < jobs.length; i++) {
      if (options.signal?.aborted) throw new TorrentError("ERR_TORRENT_ABORTED", "hashing was cancelled");
      const reply = runJob(hasher, init, { ...jobs[i]!, id: i } as WorkerJob);
      if (!reply.ok) throw toError(reply);
      onReply(i, reply);
      progress(reply.bytes);
    }
    return;
  }

  // This thread is one of the `threads` hashers: it hashes a job per turn of its event loop and feeds
  // the workers in between, so one thread fewer is started (each costs ~0.1 s of CPU on a busy box).
  const own = !options.pool || options.pool.workers.length === 0;
  const pool = own ? (threads > 1 ? new HashPool(threads - 1) : undefined) : options.pool!;
  const workers = pool?.workers.slice(0, threads - 1) ?? [];
  const detach: (() => void)[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let finished = 0;
      let failed = false;
      const fail = (error: Error) => {
        if (failed) return;
        failed = true;
        reject(error);
      };
      const onAbort = () => fail(new TorrentError("ERR_TORRENT_ABORTED", "hashing was cancelled"));
      options.signal?.addEventListener("abort", onAbort, { once: true });
      detach.push(() => options.signal?.removeEventListener("abort", onAbort));
      const feed = (worker: Worker) => {
        if (failed || next >= jobs.length) return;
        const id = next++;
        worker.postMessage({ ...jobs[id]!, id });
      };
      const done = (id: number, reply: WorkerReply) => {
        if (failed) return;
        if (!reply.ok) return fail(toError(reply));
        onReply(id, reply);
        progress(reply.bytes);
        finished++;
        if (finished === jobs.length) resolve();
      };
      const hasher = new PieceHasher(init.files, init.pieceLength);
      const hashHere = () => {
        if (failed || next >= jobs.length) return;
        const id = next++;
        done(id, runJob(hasher, init, { ...jobs[id]!, id } as WorkerJob));
        setImmediate(hashHere);
      };
      setImmediate(hashHere);
      for (const worker of workers) {
        const onMessage = (reply: WorkerReply) => {
          done(reply.id, reply);
          if (!failed && finished < jobs.length) feed(worker);
        };
        const onError = (error: Error) => fail(error);
        const onExit = (code: number) => {
          if (finished < jobs.length) fail(new Error(`hash worker exited early with code ${code}`));
        };
        worker.on("message", onMessage).on("error", onError).on("exit", onExit);
        worker.ref();
        detach.push(() => {
          worker.off("message", onMessage).off("error", onError).off("exit", onExit);
          worker.unref();
        });
        worker.postMessage({ init });
        feed(worker);
        feed(worker);
      }
    });
  } finally {
    for (const undo of detach) undo();
    if (own) await pool?.close();
  }
}

/** v1: SHA-1 of every piece of the concatenated sources. */
export async function hashV1Pieces(
  files: HashSource[],
  pieceLength: number,
  options: EngineOptions,
): Promise<Uint8Array> {
  const layout = sourceLayout(files, pieceLength);
  const { totalLength, pieceCount } = layout;
  const perJob = Math.max(1, Math.floor(JOB_BYTES / pieceLength));
  const jobs: JobBody[] = [];
  for (let first = 0; first < pieceCount; first += perJob) {
    jobs.push({ kind: "v1", first, count: Math.min(perJob, pieceCount - first) });
  }
  const pieces = new Uint8Array(pieceCount * 20);
  await runJobs(
    { files, pieceLength, totalLength },
    jobs,
    (index, reply) => {
      pieces.set(reply.sha1!, (jobs[index] as { first: number }).first * 20);
    },
    options,
  );
  return pieces;
}

export interface PerFileHashes {
  /** Per source index: the merkle root of each piece (32 bytes each), when roots were asked for. */
  roots: (Uint8Array | undefined)[];
  /** Per source index: SHA-1 of each zero-padded piece (20 bytes each), when sha1 was asked for. */
  sha1: (Uint8Array | undefined)[];
}

/**
 * v2 / hybrid: each non-empty, non-pad source hashed on its own piece grid, in one read.
 * `shortLastFile` is the index whose last piece is not zero-padded for SHA-1 (-1 for none).
 */
export async function hashPerFile(
  files: HashSource[],
  pieceLength: number,
  want: { roots: boolean; sha1: boolean; shortLastFile: number },
  options: EngineOptions,
): Promise<PerFileHashes> {
  const layout = sourceLayout(files, pieceLength);
  const jobs: JobBody[] = [];
  let batch: FilePiecesTask[] = [];
  let batchBytes = 0;
  const flush = () => {
    if (batch.length)
      jobs.push({
        kind: "files",
        tasks: batch,
        roots: want.roots,
        sha1: want.sha1,
        shortLastFile: want.shortLastFile,
      });
    batch = [];
    batchBytes = 0;
  };
  const perJob = Math.max(1, Math.floor(JOB_BYTES / pieceLength));
  const result: PerFileHashes = { roots: [], sha1: [] };
  files.forEach((file, fileIndex) => {
    if (file.path === null || file.length === 0) return;
    const pieceCount = layout.filePieceCount(fileIndex);
    if (want.roots) result.roots[fileIndex] = new Uint8Array(pieceCount * 32);
    if (want.sha1) result.sha1[fileIndex] = new Uint8Array(pieceCount * 20);
    for (let first = 0; first < pieceCount; first += perJob) {
      const count = Math.min(perJob, pieceCount - first);
      batch.push({ fileIndex, firstPiece: first, pieceCount: count });
      batchBytes += Math.min(count * pieceLength, file.length - first * pieceLength);
      if (batchBytes >= JOB_BYTES) flush();
    }
  });
  flush();
  const { totalLength } = layout;
  await runJobs(
    { files, pieceLength, totalLength },
    jobs,
    (index, reply) => {
      let at = 0;
      for (const task of (jobs[index] as { tasks: FilePiecesTask[] }).tasks) {
        if (reply.roots)
          result.roots[task.fileIndex]!.set(
            reply.roots.subarray(at * 32, (at + task.pieceCount) * 32),
            task.firstPiece * 32,
          );
        if (reply.sha1)
          result.sha1[task.fileIndex]!.set(
            reply.sha1.subarray(at * 20, (at + task.pieceCount) * 20),
            task.firstPiece * 20,
          );
        at += task.pieceCount;
      }
    },
    options,
  );
  return result;
}
