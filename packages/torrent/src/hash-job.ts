// One hashing job, as run by a worker thread or, for tiny inputs, by the calling thread.
import {
  type FilePiecesTask,
  type HashSource,
  type PieceHasher,
  SourceChangedError,
  SourceEscapedError,
} from "./piece-hasher.js";

export type WorkerJob =
  | { id: number; kind: "v1"; first: number; count: number }
  | {
      id: number;
      kind: "files";
      tasks: FilePiecesTask[];
      roots: boolean;
      sha1: boolean;
      shortLastFile: number;
    };

export type WorkerReply =
  | { id: number; ok: true; bytes: number; sha1?: Uint8Array; roots?: Uint8Array }
  | {
      id: number;
      ok: false;
      changed?: { path: string; expected: number };
      escaped?: boolean;
      message: string;
      code?: string;
    };

export interface WorkerInit {
  files: HashSource[];
  pieceLength: number;
  totalLength: number;
}

export function runJob(hasher: PieceHasher, init: WorkerInit, job: WorkerJob): WorkerReply {
  try {
    let bytes = 0;
    const count = (n: number) => {
      bytes += n;
    };
    if (job.kind === "v1") {
      const sha1 = new Uint8Array(job.count * 20);
      hasher.hashV1(job.first, job.count, init.totalLength, sha1, count);
      hasher.close();
      return { id: job.id, ok: true, bytes, sha1 };
    }
    const pieces = job.tasks.reduce((sum, t) => sum + t.pieceCount, 0);
    const roots = job.roots ? new Uint8Array(pieces * 32) : null;
    const sha1 = job.sha1 ? new Uint8Array(pieces * 20) : null;
    let at = 0;
    for (const task of job.tasks) {
      hasher.hashFilePieces(
        task,
        roots ? roots.subarray(at * 32, (at + task.pieceCount) * 32) : null,
        sha1 ? sha1.subarray(at * 20, (at + task.pieceCount) * 20) : null,
        task.fileIndex === job.shortLastFile,
        count,
      );
      at += task.pieceCount;
    }
    hasher.close();
    return { id: job.id, ok: true, bytes, ...(roots && { roots }), ...(sha1 && { sha1 }) };
  } catch (error) {
    if (error instanceof SourceChangedError) {
      return {
        id: job.id,
        ok: false,
        changed: { path: error.filePath, expected: error.expected },
        message: error.message,
      };
    }
    if (error instanceof SourceEscapedError)
      return { id: job.id, ok: false, escaped: true, message: error.message };
    const err = error as NodeJS.ErrnoException;
    return { id: job.id, ok: false, message: err.message, ...(err.code && { code: err.code }) };
  } finally {
    // After an error: release the file without its change check.
    hasher.release();
  }
}
