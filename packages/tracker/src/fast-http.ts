// The HTTP fast path. node:http spends most of an announce building request and response objects and
// headers; an announce is one short GET with a tiny answer. This server reads keep-alive GET /announce
// and /scrape requests straight off the socket and writes each answer (headers + body) with one write.
// Anything else, or anything unusual (a body, an upgrade, a huge header, another method or path), is
// handed with its bytes to the regular node:http server, which then owns that connection.
import type { Server as HttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import { announceBody, scrapeBody } from "./http.js";
import { normalizeIp } from "./ip.js";
import type { Tracker } from "./tracker.js";

const MAX_HEAD = 16_384;
const IDLE_MS = 65_000;
const CRLFCRLF = Buffer.from("\r\n\r\n");
const LFLF = Buffer.from("\n\n");
const GET_ANNOUNCE = Buffer.from("GET /announce?");
const GET_SCRAPE = Buffer.from("GET /scrape?");
const HEAD_1_1 = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nCache-Control: no-store\r\nContent-Length: ";
const HEAD_1_0_KEEP =
  "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nCache-Control: no-store\r\nConnection: keep-alive\r\nContent-Length: ";
const HEAD_CLOSE =
  "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nCache-Control: no-store\r\nConnection: close\r\nContent-Length: ";

function startsWith(data: Buffer, at: number, prefix: Buffer): boolean {
  if (data.length - at < prefix.length) return false;
  return data.compare(prefix, 0, prefix.length, at, at + prefix.length) === 0;
}

/** A net.Server answering announces itself and passing every other connection to `fallback`. */
export function createFastServer(tracker: Tracker, fallback: HttpServer): Server {
  const trustProxy = tracker.trustProxy.size > 0;

  const handOver = (socket: Socket, rest: Buffer | undefined) => {
    socket.removeAllListeners("data");
    socket.removeAllListeners("timeout");
    socket.setTimeout(0);
    socket.pause();
    if (rest && rest.length > 0) socket.unshift(rest);
    fallback.emit("connection", socket);
    socket.resume();
  };

  return createServer({ noDelay: true }, (socket) => {
    let pending: Buffer | undefined;
    // Responses of pipelined requests must leave in order; an async store makes that a queue.
    let queue: Promise<void> | undefined;
    const remote = normalizeIp(socket.remoteAddress ?? "");
    socket.setTimeout(IDLE_MS, () => socket.destroy());
    socket.on("error", () => socket.destroy());

    const write = (body: Buffer, head: string) => {
      const text = `${head}${body.length}\r\n\r\n`;
      const out = Buffer.allocUnsafe(text.length + body.length);
      out.write(text, 0, "latin1");
      body.copy(out, text.length);
      socket.write(out);
    };

    socket.on("data", (chunk: Buffer) => {
      const data = pending ? Buffer.concat([pending, chunk]) : chunk;
      pending = undefined;
      let at = 0;
      while (at < data.length) {
        const isAnnounce = startsWith(data, at, GET_ANNOUNCE);
        if (!isAnnounce && !startsWith(data, at, GET_SCRAPE)) {
          // A prefix of one of them may still be arriving.
          const left = data.length - at;
          if (
            left < GET_ANNOUNCE.length &&
            (GET_ANNOUNCE.subarray(0, left).equals(data.subarray(at)) ||
              GET_SCRAPE.subarray(0, left).equals(data.subarray(at)))
          ) {
            pending = data.subarray(at);
            return;
          }
          handOver(socket, data.subarray(at));
          return;
        }
        const end = data.indexOf(CRLFCRLF, at);
        if (end === -1) {
          // Bare-LF line ends (or an oversized head) are node:http's to judge, not ours to wait on.
          if (data.length - at > MAX_HEAD || data.indexOf(LFLF, at) !== -1) {
            handOver(socket, data.subarray(at)); // node:http answers 431 and closes
            return;
          }
          pending = data.subarray(at);
          return;
        }
        const lineEnd = data.indexOf(13, at);
        const space = data.lastIndexOf(32, lineEnd);
        const version = data.toString("latin1", space + 1, lineEnd);
        if (version !== "HTTP/1.1" && version !== "HTTP/1.0") {
          handOver(socket, data.subarray(at));
          return;
        }
        let keepAlive = version === "HTTP/1.1";
        let forwarded: string | undefined;
        let unusual = false;
        // Header names that change what we do; everything else is ignored, as a tracker may.
        for (let line = lineEnd + 2; line < end; ) {
          let next = data.indexOf(13, line);
          if (next === -1 || next > end) next = end;
          const c = data[line]! | 0x20;
          if (c === 0x63 || c === 0x74 || c === 0x75 || c === 0x78) {
            const colon = data.indexOf(58, line);
            if (colon !== -1 && colon < next) {
              const name = data.toString("latin1", line, colon).toLowerCase();
              if (name === "connection") {
                const v = data
                  .toString("latin1", colon + 1, next)
                  .trim()
                  .toLowerCase();
                if (v === "close") keepAlive = false;
                else if (v === "keep-alive") keepAlive = true;
              } else if (name === "content-length" || name === "transfer-encoding" || name === "upgrade") {
                unusual = true;
              } else if (name === "x-forwarded-for" && trustProxy) {
                forwarded =
                  forwarded === undefined
                    ? data.toString("latin1", colon + 1, next)
                    : `${forwarded},${data.toString("latin1", colon + 1, next)}`;
              }
            }
          }
          line = next + 2;
        }
        if (unusual) {
          handOver(socket, data.subarray(at));
          return;
        }
        const url = data.toString("latin1", at + 4, space);
        const q = url.indexOf("?");
        const ip = trustProxy ? tracker.clientIp(remote, forwarded) : remote;
        const body = isAnnounce ? announceBody(tracker, url, q, ip) : scrapeBody(tracker, url, q, ip);
        const head = !keepAlive ? HEAD_CLOSE : version === "HTTP/1.0" ? HEAD_1_0_KEEP : HEAD_1_1;
        if (body instanceof Promise || queue) {
          const prev = queue ?? Promise.resolve();
          queue = prev
            .then(() => body)
            .then((b) => {
              write(b, head);
              if (!keepAlive) socket.end();
            });
        } else {
          write(body, head);
          if (!keepAlive) {
            socket.end();
            return;
          }
        }
        at = end + 4;
      }
    });
  });
}
