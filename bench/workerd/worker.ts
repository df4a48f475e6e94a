// Bench-only worker for bench/verify-workerd.ts (never deployed): runs the verifier of
// verifier/ inside workerd, N times per request, so that the per-request overhead
// (measured with /noop) can be subtracted from the CPU and wall time seen from outside.
//   POST /setup                  { manifest, bundle } JSON: parsed, keys prepared, kept in memory
//   GET  /noop                   baseline: no work
//   GET  /verify-proof?n=N        N × verifyGroth16 of chunk 0 (prepared key)
//   GET  /verify-bundle?n=N       N × verifyBundle of the whole bundle (prepared keys, batch)
//   GET  /parse-verify-bundle?n=N N × (JSON.parse + parseBundle + verifyBundle), as POST /v1/verify does
//   GET  /parse-bundle?n=N        N × (JSON.parse + parseBundle)
//   GET  /load-model?n=N          N × (JSON.parse + parseManifest + prepareManifest), the API's model-cache miss
//   POST /setup-batch            { vkeys, items: [{ key, proof, publicSignals }] }: keys prepared, proofs parsed
//   GET  /verify-batch?n=N        N × verifyGroth16Batch of those items (bench/verify-commitment.ts)
import {
  parseProof,
  parsePublicSignals,
  parseVerificationKey,
  prepareVerificationKeys,
  verifyGroth16Batch,
  type Groth16BatchItem,
  parseBundle,
  parseManifest,
  prepareManifest,
  verifyBundle,
  verifyGroth16,
  type Bundle,
  type Manifest,
  type PreparedVerificationKey,
} from '@zkinfer/verifier';

interface Loaded {
  manifest: Manifest;
  prepared: PreparedVerificationKey[];
  bundle: Bundle;
  bundleText: string;
  manifestText: string;
}

let loaded: Loaded | undefined;
let batch: Groth16BatchItem[] | undefined;

function repeat(n: number, work: () => boolean): Response {
  for (let i = 0; i < n; i++) {
    if (!work()) return new Response('verification failed', { status: 500 });
  }
  return Response.json({ n });
}

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/noop') return Response.json({ n: 0 });
    if (url.pathname === '/setup') {
      const body = (await request.json()) as { manifest: unknown; bundle: unknown };
      const manifest = parseManifest(body.manifest);
      loaded = { manifest, prepared: prepareManifest(manifest), bundle: parseBundle(body.bundle, manifest), bundleText: JSON.stringify(body.bundle), manifestText: JSON.stringify(body.manifest) };
      return Response.json({ chunks: manifest.chunks.length });
    }
    if (url.pathname === '/setup-batch') {
      const body = (await request.json()) as { vkeys: unknown[]; items: { key: number; proof: unknown; publicSignals: unknown }[] };
      const vks = body.vkeys.map((v) => parseVerificationKey(v));
      const pvks = prepareVerificationKeys(vks);
      batch = body.items.map((it) => ({ pvk: pvks[it.key], proof: parseProof(it.proof), publicSignals: parsePublicSignals(it.publicSignals, vks[it.key].nPublic) }));
      return Response.json({ items: batch.length });
    }
    const n = Number(url.searchParams.get('n') ?? '1');
    if (!Number.isInteger(n) || n < 1 || n > 1000) return new Response(`n=${url.searchParams.get('n')} is not 1..1000`, { status: 400 });
    if (url.pathname === '/verify-batch') {
      const items = batch;
      if (!items) return new Response('POST /setup-batch first', { status: 409 });
      return repeat(n, () => verifyGroth16Batch(items));
    }
    const s = loaded;
    if (!s) return new Response('POST /setup first', { status: 409 });
    switch (url.pathname) {
      case '/verify-proof':
        return repeat(n, () => verifyGroth16(s.prepared[0], s.bundle.chunks[0].proof, s.bundle.chunks[0].publicSignals));
      case '/verify-bundle':
        return repeat(n, () => verifyBundle(s.manifest, s.bundle, s.prepared).valid);
      case '/parse-verify-bundle':
        return repeat(n, () => verifyBundle(s.manifest, parseBundle(JSON.parse(s.bundleText), s.manifest), s.prepared).valid);
      case '/parse-bundle':
        return repeat(n, () => parseBundle(JSON.parse(s.bundleText), s.manifest).chunks.length > 0);
      case '/load-model':
        return repeat(n, () => prepareManifest(parseManifest(JSON.parse(s.manifestText))).length > 0);
      default:
        return new Response('not found', { status: 404 });
    }
  },
};
