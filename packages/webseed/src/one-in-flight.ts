// One response in flight per connection. Node parses every request a client pipelines in one write and
// hands each its response object at once; a handler that read its bytes straight away would hold one read
// buffer per queued response (2,000 pipelined GETs of a big file, never read: +2 GB). Here a request whose
// response is queued behind another on the same socket waits, holding no buffer, until Node gives it the
// socket; meanwhile the socket is paused, so a client that does not read cannot make us parse more.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";

const waiting = new WeakMap<Socket, number>();
/**
 * Requests one connection may have waiting. No BitTorrent client pipelines nearly this many (libtorrent
 * keeps a few requests per web seed, aria2 and WebTorrent none); a client past it is hostile and is cut
 * off, which frees the ~3 KB Node keeps for each request it parsed.
 */
export const MAX_WAITING = 256;

/** Runs `serve` now if `res` owns its socket, or once the responses before it on the socket are sent. */
export function inTurn(req: IncomingMessage, res: ServerResponse, serve: () => void): void {
  if (res.socket || res.destroyed) {
    serve();
    return;
  }
  const socket = req.socket;
  const count = (waiting.get(socket) ?? 0) + 1;
  waiting.set(socket, count);
  if (count > MAX_WAITING) {
    socket.destroy();
    return;
  }
  // Node resumes a socket it paused itself only when its own reason is gone, and re-pauses one that is
  // resumed while that reason holds, so our pause and its pause do not undo each other.
  if (count === 1) socket.pause();
  res.once("socket", () => {
    const left = (waiting.get(socket) ?? 1) - 1;
    if (left > 0) waiting.set(socket, left);
    else {
      waiting.delete(socket);
      socket.resume();
    }
    serve();
  });
}
