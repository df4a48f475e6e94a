import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the zkinfer API on 127.0.0.1 (random port), speaking the routes the badge
 * uses with the shapes of api/src/routes (receipts.ts, models.ts): `{ receipt: {…} }`,
 * the raw bundle, `{ model: { …, manifest } }`, and `{ error: { code, message } }` on 404.
 * It also serves the built widget at /widget.js (any query string) with CORS, exactly as a
 * cross-origin module script needs it.
 */

export interface FakeReceipt {
  receipt: { id: string; valid: boolean; modelId: string; text?: string; [k: string]: unknown };
  /** The bundle JSON served at /bundle; omitted → 404. */
  bundle?: unknown;
}

export interface FakeApi {
  origin: string;
  receipts: Map<string, FakeReceipt>;
  /** model id → manifest JSON. */
  models: Map<string, unknown>;
  /** Paths answered with this status and an error body, whatever else is configured. */
  failures: Map<string, number>;
  /** Every request path (with query) in arrival order, plus whether it carried a Cookie. */
  requests: { path: string; cookie: boolean }[];
  /** Holds responses to `path` until the returned function is called (to observe loading states). */
  hold(path: string): () => void;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json'): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Access-Control-Allow-Origin': '*',
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

function json(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value));
}

export async function startFakeApi(widgetJs: () => string): Promise<FakeApi> {
  const receipts = new Map<string, FakeReceipt>();
  const models = new Map<string, unknown>();
  const failures = new Map<string, number>();
  const holds = new Map<string, Promise<void>>();
  const requests: FakeApi['requests'] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push({ path: url.pathname + url.search, cookie: req.headers.cookie !== undefined });
    await holds.get(url.pathname);
    const failure = failures.get(url.pathname);
    if (failure !== undefined) return json(res, failure, { error: { code: 'fake_failure', message: `fake ${failure}` } });
    if (url.pathname === '/widget.js') return send(res, 200, widgetJs(), 'text/javascript; charset=utf-8');
    let m = /^\/v1\/receipts\/([^/]+)(\/bundle)?$/.exec(url.pathname);
    if (m) {
      const entry = receipts.get(m[1]);
      if (!entry || (m[2] && entry.bundle === undefined)) {
        return json(res, 404, { error: { code: 'receipt_not_found', message: `no receipt ${m[1]}` } });
      }
      return json(res, 200, m[2] ? entry.bundle : { receipt: entry.receipt });
    }
    m = /^\/v1\/models\/([^/]+)$/.exec(url.pathname);
    if (m && models.has(m[1])) {
      const manifest = models.get(m[1]) as { name?: string };
      return json(res, 200, { model: { modelId: m[1], name: manifest.name, manifest } });
    }
    return json(res, 404, { error: { code: 'not_found', message: `no route for ${url.pathname}` } });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, String(err), 'text/plain'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    receipts,
    models,
    failures,
    requests,
    hold(path) {
      let release!: () => void;
      holds.set(path, new Promise<void>((resolve) => (release = resolve)));
      return () => {
        holds.delete(path);
        release();
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Serves host pages from another origin than the API (so CORS and the default `api` are exercised). */
export interface PageServer {
  origin: string;
  /** Registers a page and returns its URL. */
  page(html: string): string;
  close(): Promise<void>;
}

export async function startPageServer(): Promise<PageServer> {
  const pages = new Map<string, string>();
  const server = createServer((req, res) => {
    const html = pages.get(req.url ?? '');
    res.writeHead(html === undefined ? 404 : 200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // Another port is another origin: the badge's requests to the API are cross-origin (CORS).
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    page(html) {
      const path = `/page/${pages.size}`;
      pages.set(path, html);
      return origin + path;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
