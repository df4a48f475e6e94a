/**
 * A loopback HTTP front for `wrangler dev` that hands it only complete requests.
 *
 * Why: wrangler 4's dev proxy (its ProxyWorker inside workerd) reports "Network connection
 * lost" to wrangler when a client goes away before its request body is complete — an upload
 * aborted by `curl -m 2 --limit-rate 1k`, or a Content-Length larger than the body — and
 * wrangler treats that report as fatal: `wrangler dev` exits and takes the local API with it
 * (seen with wrangler 4.124.0; setting WRANGLER_DISABLE_REQUEST_BODY_DRAINING does not help).
 * So this front reads every request body to its end first (bounded), and only then forwards
 * it; a request that never completes is dropped here and wrangler never sees it. The
 * upstream request is not aborted when the client leaves early either: its answer is read
 * and discarded. The API's own limits and error shapes stay in charge: the cap here is
 * above the API's 1 MiB body limit, and what exceeds it is refused in the same error shape.
 *
 * While the upstream is (re)starting, requests wait for it (upstream() resolves when ready).
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** Bodies are buffered up to this size (the API refuses more than 1 MiB itself, with 413). */
export const PROXY_MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface BufferingProxy {
  server: Server;
  /** Requests that were forwarded / dropped because their body never completed. */
  stats: { forwarded: number; incomplete: number };
  close(): Promise<void>;
}

function errorJson(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
  res.end(JSON.stringify({ error: { code, message } }));
}

/** Reads the whole body; null when the client went away (or the body was over the cap: answered 413). */
function readBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (body: Buffer | null) => {
      if (done) return;
      done = true;
      resolve(body);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > PROXY_MAX_BODY_BYTES) {
        errorJson(res, 413, 'payload_too_large', `request body over ${PROXY_MAX_BODY_BYTES} bytes`);
        req.destroy();
        finish(null);
        return;
      }
      parts.push(chunk);
    });
    req.on('end', () => finish(Buffer.concat(parts)));
    // 'aborted'/'close' before 'end': the client stopped sending (or lied in Content-Length).
    req.on('close', () => finish(null));
    req.on('error', () => finish(null));
  });
}

/** A refused connection delivered nothing: the request may be sent again (to the restarted upstream). */
const RETRY_REFUSED_MS = 250;
const MAX_REFUSED_RETRIES = 240; // a minute: longer than a restart of wrangler on a busy machine

function forward(req: IncomingMessage, res: ServerResponse, body: Buffer, upstream: () => Promise<number>, attempt: number): void {
  upstream().then(
    (target) => {
      const headers = { ...req.headers, 'content-length': String(body.length) };
      delete headers['transfer-encoding'];
      delete headers.expect;
      const up = httpRequest({ host: '127.0.0.1', port: target, method: req.method, path: req.url, headers }, (upRes) => {
        if (res.destroyed) {
          upRes.resume(); // the client left: read the answer to its end anyway
          return;
        }
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
        res.on('close', () => upRes.resume());
      });
      up.on('error', (err: NodeJS.ErrnoException) => {
        // Refused: the upstream died and its restart is not known yet (or not up): try again.
        if (err.code === 'ECONNREFUSED' && attempt < MAX_REFUSED_RETRIES && !res.destroyed) {
          setTimeout(() => forward(req, res, body, upstream, attempt + 1), RETRY_REFUSED_MS);
          return;
        }
        errorJson(res, 502, 'bad_gateway', `the local API did not answer: ${err.message}`);
      });
      up.end(body);
    },
    (err: Error) => errorJson(res, 503, 'unavailable', `the local API is not running: ${err.message}`),
  );
}

/**
 * Listens on 127.0.0.1:port and forwards complete requests to 127.0.0.1:(await upstream()).
 * Resolves once listening.
 */
export function startBufferingProxy(port: number, upstream: () => Promise<number>): Promise<BufferingProxy> {
  const stats = { forwarded: 0, incomplete: 0 };
  const server = createServer(async (req, res) => {
    const body = await readBody(req, res);
    if (body === null) {
      stats.incomplete++;
      return;
    }
    forward(req, res, body, upstream, 0);
    stats.forwarded++;
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve({
        server,
        stats,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
