import type { MiddlewareHandler } from 'hono';

/**
 * CORS for the public surface: any origin may read (GET/HEAD) and call POST /v1/verify,
 * never with credentials (no Access-Control-Allow-Credentials, so browsers send no cookies
 * and the API has none to send). The admin route POST /v1/models gets no CORS headers at
 * all: a browser page on another origin cannot call it, preflight included.
 */
const PUBLIC_POST_PATHS = new Set(['/v1/verify']);

function allowedMethods(path: string): string[] {
  return PUBLIC_POST_PATHS.has(path) ? ['POST'] : ['GET', 'HEAD'];
}

export const publicCors: MiddlewareHandler = async (c, next) => {
  const path = c.req.path;
  if (c.req.method === 'OPTIONS') {
    const wanted = (c.req.header('access-control-request-method') ?? '').toUpperCase();
    const methods = allowedMethods(path);
    if (!c.req.header('origin') || !methods.includes(wanted)) {
      // Not a preflight we grant: an empty 204 without Allow-Origin makes the browser refuse.
      return c.body(null, 204);
    }
    return c.body(null, 204, {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': methods.join(', '),
      'Access-Control-Allow-Headers': 'Content-Type',
      'Access-Control-Max-Age': '86400',
    });
  }
  await next();
  if (allowedMethods(path).includes(c.req.method)) {
    c.res.headers.set('Access-Control-Allow-Origin', '*');
  }
};
