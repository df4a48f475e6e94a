/** Worker bindings (wrangler.toml; ADMIN_TOKEN is a secret, `.dev.vars` locally). */
export interface Env {
  DB: D1Database;
  ADMIN_TOKEN?: string;
}

export interface AppEnv {
  Bindings: Env;
}
