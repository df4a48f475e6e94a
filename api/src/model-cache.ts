import { eq } from 'drizzle-orm';
import { db } from './db/client.ts';
import { models } from './db/schema.ts';
import { parseManifest, prepareManifest, type Manifest, type PreparedVerificationKey } from '@zkinfer/verifier';

/** A registered model ready for verification: parsed manifest and prepared keys. */
export interface LoadedModel {
  manifest: Manifest;
  prepared: PreparedVerificationKey[];
}

// Registry rows are immutable (a new version is a new id), so a model parsed and prepared once
// stays correct for the isolate's lifetime. Preparing keys (G2 line coefficients) is the costly
// part of a first verification; the cache keeps it out of every later one. Bounded, oldest out.
const MAX_CACHED_MODELS = 32;
const cache = new Map<string, LoadedModel>();

export function cacheModel(modelId: string, manifest: Manifest): LoadedModel {
  const loaded = { manifest, prepared: prepareManifest(manifest) };
  cache.delete(modelId);
  cache.set(modelId, loaded);
  while (cache.size > MAX_CACHED_MODELS) cache.delete(cache.keys().next().value as string);
  return loaded;
}

/** The model from cache or D1; undefined if not registered. */
export async function loadModel(d1: D1Database, modelId: string): Promise<LoadedModel | undefined> {
  const hit = cache.get(modelId);
  if (hit) return hit;
  const row = await db(d1).query.models.findFirst({ where: eq(models.modelId, modelId), columns: { manifest: true } });
  if (!row) return undefined;
  // Stored manifests passed parseManifest at registration; parsing again rebuilds the typed
  // points (and would catch a row edited behind the API's back).
  return cacheModel(modelId, parseManifest(row.manifest));
}
