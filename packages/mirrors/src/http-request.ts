// One HTTP request the way a careful client makes it: redirects followed by hand (so each hop is
// reported), one deadline for headers and body together, and bodies read only as far as wanted.

export interface HttpContext {
  /** Milliseconds for one request, headers and body. */
  timeout: number;
  maxRedirects: number;
  headers: Record<string, string>;
  signal?: AbortSignal;
}

export interface RedirectHop {
  from: string;
  to: string;
  status: number;
}

export type RequestFailure =
  | { kind: "timeout"; url: string; message: string }
  | { kind: "unreachable"; url: string; message: string }
  | { kind: "redirect-loop"; url: string; message: string };

export interface OpenResponse {
  response: Response;
  url: string;
  redirects: RedirectHop[];
  /** Reads the body into `sink`, at most `limit` bytes; returns how many were read and whether more followed. */
  read(sink: (chunk: Uint8Array) => void, limit: number): Promise<{ bytes: number; more: boolean }>;
  /** Drops the rest of the body and the deadline. */
  close(): Promise<void>;
}

export class RequestError extends Error {
  constructor(readonly failure: RequestFailure) {
    super(failure.message);
  }
}

export async function openRequest(
  url: string,
  init: { method: "HEAD" | "GET"; headers?: Record<string, string> },
  ctx: HttpContext,
): Promise<OpenResponse> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new TimeoutMarker()), ctx.timeout);
  const onOuterAbort = () => controller.abort(ctx.signal?.reason);
  ctx.signal?.addEventListener("abort", onOuterAbort, { once: true });
  const cleanup = () => {
    clearTimeout(timer);
    ctx.signal?.removeEventListener("abort", onOuterAbort);
  };
  const redirects: RedirectHop[] = [];
  let current = url;
  try {
    for (;;) {
      const response = await fetch(current, {
        method: init.method,
        headers: { ...ctx.headers, ...init.headers },
        redirect: "manual",
        signal: controller.signal,
      });
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel().catch(() => {});
        const next = new URL(location, current).href;
        redirects.push({ from: current, to: next, status: response.status });
        if (redirects.length > ctx.maxRedirects) {
          throw new RequestError({
            kind: "redirect-loop",
            url,
            message: `more than ${ctx.maxRedirects} redirects from ${url}`,
          });
        }
        current = next;
        continue;
      }
      return wrap(response, current, redirects, controller, cleanup, ctx.timeout);
    }
  } catch (error) {
    cleanup();
    throw toRequestError(error, current, controller.signal, ctx.timeout);
  }
}

function wrap(
  response: Response,
  url: string,
  redirects: RedirectHop[],
  controller: AbortController,
  cleanup: () => void,
  timeout: number,
): OpenResponse {
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    cleanup();
    await response.body?.cancel().catch(() => {});
  };
  return {
    response,
    url,
    redirects,
    close,
    async read(sink, limit) {
      let bytes = 0;
      let more = false;
      const reader = response.body?.getReader();
      if (!reader) return { bytes, more };
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          const take = Math.min(value.length, limit - bytes);
          if (take > 0) sink(take === value.length ? value : value.subarray(0, take));
          bytes += take;
          if (take < value.length) {
            more = true;
            break;
          }
        }
      } catch (error) {
        throw toRequestError(error, url, controller.signal, timeout);
      } finally {
        reader.releaseLock();
        await close();
      }
      return { bytes, more };
    },
  };
}

class TimeoutMarker extends Error {}

function toRequestError(error: unknown, url: string, signal: AbortSignal, timeout: number): unknown {
  if (error instanceof RequestError) return error;
  if (signal.reason instanceof TimeoutMarker) {
    return new RequestError({
      kind: "timeout",
      url,
      message: `${url}: no complete answer after ${timeout} ms`,
    });
  }
  if (signal.aborted) return signal.reason;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (error as Error).message;
  return new RequestError({ kind: "unreachable", url, message: `${url}: ${why}` });
}
