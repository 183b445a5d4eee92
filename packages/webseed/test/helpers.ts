// Test helpers: a temporary root with known files, and a raw HTTP/1.1 client (no URL normalisation, pipelining).
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Fixture {
  dir: string;
  root: string;
  files: Record<string, Buffer>;
  cleanup(): void;
}

export const UNICODE_NAME = "Ünïcødé file #1+ (été).bin";

/** A root with odd-sized files, an empty file, a non-ASCII name, dotfiles and symlinks in and out. */
export function makeFixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), "webseed-test-"));
  const root = join(dir, "root");
  mkdirSync(join(root, "dir"), { recursive: true });
  mkdirSync(join(root, ".git"));
  const files: Record<string, Buffer> = {
    "a.bin": randomBytes(100_003),
    "empty.bin": Buffer.alloc(0),
    "big.bin": randomBytes(3 * 1024 * 1024 + 17),
    [`dir/${UNICODE_NAME}`]: randomBytes(12_345),
  };
  for (const [name, data] of Object.entries(files)) writeFileSync(join(root, name), data);
  writeFileSync(join(root, ".secret"), "SECRET-DOTFILE");
  writeFileSync(join(root, "dir", ".hidden"), "SECRET-HIDDEN");
  writeFileSync(join(root, ".git", "config"), "SECRET-GIT");
  writeFileSync(join(dir, "outside.txt"), "SECRET-OUTSIDE");
  symlinkSync(join(dir, "outside.txt"), join(root, "escape.txt"));
  symlinkSync("../outside.txt", join(root, "escape-relative.txt"));
  symlinkSync(dir, join(root, "escape-dir"));
  symlinkSync("a.bin", join(root, "inside-link.bin"));
  symlinkSync(".git/config", join(root, "to-dotfile.txt"));
  return { dir, root, files, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Sends `requests` (each a request head without the final blank line) on one socket, all at once
 * (pipelined), and parses one response per request. `heads` marks requests that were HEAD (no body).
 */
export function rawRequests(
  port: number,
  requests: string[],
  heads: boolean[] = requests.map((r) => r.startsWith("HEAD ")),
  localAddress?: string,
): Promise<RawResponse[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1", localAddress });
    let data = Buffer.alloc(0);
    const responses: RawResponse[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`timed out with ${responses.length}/${requests.length} responses`));
    }, 20_000);
    const parse = () => {
      while (responses.length < requests.length) {
        const end = data.indexOf("\r\n\r\n");
        if (end === -1) return;
        const lines = data.subarray(0, end).toString("latin1").split("\r\n");
        const status = Number(lines[0]!.split(" ")[1]);
        const headers: Record<string, string> = {};
        for (const line of lines.slice(1)) {
          const colon = line.indexOf(":");
          headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
        }
        const isHead = heads[responses.length];
        const length =
          isHead || status === 304 || status === 204 ? 0 : Number(headers["content-length"] ?? 0);
        if (data.length < end + 4 + length) return;
        responses.push({ status, headers, body: Buffer.from(data.subarray(end + 4, end + 4 + length)) });
        data = data.subarray(end + 4 + length);
      }
      clearTimeout(timer);
      socket.end();
      resolve(responses);
    };
    socket.on("data", (chunk) => {
      data = Buffer.concat([data, chunk]);
      parse();
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on("close", () => {
      if (responses.length < requests.length) {
        clearTimeout(timer);
        reject(new Error(`socket closed after ${responses.length}/${requests.length} responses`));
      }
    });
    socket.write(requests.map((r) => `${r}\r\n\r\n`).join(""), "latin1");
  });
}

export async function raw(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = "GET",
  localAddress?: string,
): Promise<RawResponse> {
  const head = [`${method} ${path} HTTP/1.1`, "Host: 127.0.0.1"];
  for (const [k, v] of Object.entries(headers)) head.push(`${k}: ${v}`);
  const [response] = await rawRequests(port, [head.join("\r\n")], [method === "HEAD"], localAddress);
  return response!;
}
