import { Hono } from 'hono';
import type { AppEnv } from './env.ts';
import { ApiError, errorBody, renderError, verifyErrorStatus } from './errors.ts';
import { VerifyInputError } from '@zkinfer/verifier';
import { publicCors } from './cors.ts';
import { openApiDocument } from './openapi.ts';
import { modelRoutes } from './routes/models.ts';
import { receiptRoutes } from './routes/receipts.ts';
import { verifyRoutes } from './routes/verify.ts';
import { widgetRoutes } from './routes/widget.ts';
import { demoRoutes } from './routes/demo.ts';

export type { Env } from './env.ts';

const app = new Hono<AppEnv>();

app.use('*', publicCors);

app.get('/v1/health', (c) => c.json({ ok: true }));
app.get('/v1/openapi.json', (c) => {
  c.header('Cache-Control', 'public, max-age=300');
  return c.json(openApiDocument);
});
app.route('/v1/models', modelRoutes);
app.route('/v1/verify', verifyRoutes);
app.route('/v1/receipts', receiptRoutes);
// GET /widget.js: the <zkinfer-badge> bundle (widget/build.ts writes widget/dist first).
app.route('/', widgetRoutes);
// GET /: the demo page (models, latest receipts, a live badge, how to make one).
app.route('/', demoRoutes);

app.notFound((c) => c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404));

app.onError((err, c) => {
  if (err instanceof ApiError) return renderError(c, err);
  if (err instanceof VerifyInputError) return renderError(c, new ApiError(verifyErrorStatus(err.code), err.code, err.message));
  // Anything else is our bug, not the caller's: log it, say nothing internal.
  console.error('unhandled error', err);
  return c.json(errorBody('internal_error', 'internal error'), 500);
});

export default app;
