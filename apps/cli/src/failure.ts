// How a failed command ends: the one-line message in words (not raw errno codes) and the exit code
// of the CLI contract (2 bad usage or input, 3 the environment failed).
import { EnvironmentError, UsageError } from "./command.js";

const ERRNO_WORDS: Record<string, string> = {
  ENOENT: "no such file or folder",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "is a folder",
  ENOTDIR: "not a folder",
  EEXIST: "already exists",
  ENOSPC: "no space left on the disk",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only file system",
  EMFILE: "too many open files",
  ENFILE: "too many open files on the system",
  EIO: "input/output error",
  ENAMETOOLONG: "name too long",
  ELOOP: "too many symbolic links",
  EBUSY: "busy",
  EXDEV: "on another file system",
  EADDRINUSE: "address already in use",
  EADDRNOTAVAIL: "address not available on this machine",
  ENOTFOUND: "host not found",
  ECONNREFUSED: "connection refused",
  ETIMEDOUT: "timed out",
};

/** Library error codes that mean the machine failed, not the input. */
const ENVIRONMENT_CODES = new Set([
  "ERR_TORRENT_FILE_CHANGED",
  "ERR_TORRENT_WRITE",
  "ERR_SITE_WRITE",
  "ERR_TRACKER_LISTEN",
  "ERR_TRACKER_DB",
  "ERR_WEBSEED_LISTEN",
]);
const ENVIRONMENT_ERRNO = new Set([
  "ENOSPC",
  "EDQUOT",
  "EROFS",
  "EIO",
  "EMFILE",
  "ENFILE",
  "EADDRINUSE",
  "EADDRNOTAVAIL",
  "ENOMEM",
  "EBUSY",
]);

export function errnoInWords(code: string): string {
  return ERRNO_WORDS[code] ?? code;
}

/**
 * Every raw errno code in a message replaced by words; where Node's own words follow the code
 * ("EADDRINUSE: address already in use"), the code is just dropped.
 */
export function inWords(message: string): string {
  return message
    .replace(/\bE[A-Z]{2,}: (?=[a-z])/g, "")
    .replace(/\bE[A-Z]{2,}\b/g, (code) => ERRNO_WORDS[code] ?? code);
}

type Failure = Error & { code?: string; path?: string; syscall?: string; cause?: unknown };

/** The message to print: Node's own system errors ("ENOENT: no such file…, open 'x'") made plain. */
export function failureMessage(error: Failure): string {
  if (error.syscall && error.code && /^E[A-Z]+$/.test(error.code)) {
    return `${error.path ? `${error.path}: ` : ""}${errnoInWords(error.code)}`;
  }
  return inWords(error.message);
}

export function exitCodeFor(error: Failure): number {
  if (error instanceof UsageError) return 2;
  if (error instanceof EnvironmentError) return 3;
  const errno = [error.code, (error.cause as Failure | undefined)?.code].find(
    (c) => c && /^E[A-Z]+$/.test(c),
  );
  if ((error.code && ENVIRONMENT_CODES.has(error.code)) || (errno && ENVIRONMENT_ERRNO.has(errno))) return 3;
  if (error.code?.startsWith("ERR_")) return 2;
  if (errno) return 2; // a file given that is missing or unreadable: the input
  return 3;
}
