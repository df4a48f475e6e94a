import { Hono } from 'hono';

export interface Env {
  DB: D1Database;
  ADMIN_TOKEN: string;
}

const app = new Hono<{ Bindings: Env }>();
app.get('/v1/health', (c) => c.json({ ok: true }));

export default app;
