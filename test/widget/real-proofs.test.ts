import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBundle, receiptId } from '@zkinfer/verifier';
import { randomG1 } from '../api/fixtures/trapdoor.ts';
import { HAVE_CHROMIUM, badge, eventsOf, screenshot, startHarness, statusText, waitForState, type Harness } from './harness.ts';

// The same in-browser check on REAL snarkjs Groth16 proofs (test/helpers/toy-model.ts:
// snarkjs setup + contribution + beacon, keys cached), not on trapdoor-simulated ones.
// The module path is computed so this file does not depend on the helper at compile time.
const TOY_MODEL = new URL('../helpers/toy-model.ts', import.meta.url);
const PROVE = new URL('../../prover/src/snark/prove.ts', import.meta.url);
const HAVE_TOY = existsSync(fileURLToPath(TOY_MODEL));

interface Toy {
  manifest: Record<string, any>;
  bundle: Record<string, any>;
}

describe.skipIf(!HAVE_CHROMIUM || !HAVE_TOY)('<zkinfer-badge> on real snarkjs proofs (needs /usr/bin/chromium and test/helpers/toy-model.ts)', () => {
  let h: Harness;
  let toy: Toy;
  beforeAll(async () => {
    const { makeToyModel } = (await import(TOY_MODEL.href)) as {
      makeToyModel(o: { chunks: number; ctx: number; prompt?: string; generated?: number[] }): Promise<Toy>;
    };
    // The parameters of test/api/global-setup.ts, so the cached keys are shared.
    toy = await makeToyModel({ chunks: 2, ctx: 8, prompt: 'Hi', generated: [33, 111, 107] });
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
    const { shutdownProver } = (await import(PROVE.href)) as { shutdownProver(): Promise<void> };
    await shutdownProver();
  });

  function publish(bundle: Record<string, any>): string {
    const modelId = toy.manifest.modelId as string;
    const id = receiptId(modelId, parseBundle(bundle));
    h.api.models.set(modelId, toy.manifest);
    h.api.receipts.set(id, { receipt: { id, valid: true, modelId, text: '!ok' }, bundle });
    return id;
  }

  it('verifies the real bundle in the browser', async () => {
    const id = publish(toy.bundle);
    const page = await h.open(badge(id));
    await waitForState(page, 'verified');
    await page.getByRole('button', { name: 'Verify in this browser' }).click();
    await page.waitForFunction(() => (window as unknown as { __events: unknown[] }).__events.length > 0, undefined, { timeout: 60_000 });
    const [event] = await eventsOf(page);
    expect(event).toMatchObject({ type: 'zkinfer-verified', detail: { receipt: id, valid: true } });
    expect(await statusText(page)).toContain('Re-verified in this browser');
    await screenshot(page, 'verified-real-proof');
  });

  it('refuses the real bundle with one proof point replaced', async () => {
    const tampered = structuredClone(toy.bundle);
    tampered.chunks[0].proof.pi_a = randomG1();
    const id = publish(tampered);
    const page = await h.open(badge(id));
    await waitForState(page, 'verified');
    await page.getByRole('button', { name: 'Verify in this browser' }).click();
    await page.waitForFunction(() => (window as unknown as { __events: unknown[] }).__events.length > 0, undefined, { timeout: 60_000 });
    expect((await eventsOf(page))[0]).toMatchObject({ type: 'zkinfer-verified', detail: { receipt: id, valid: false } });
    await waitForState(page, 'invalid');
  });
});

// A LogUp package's bundle (test/helpers/logup-package.ts: BSB22 commitment keys, the
// challenge computed by the verifier): the browser runs the same verifier on it.
const LOGUP_PACKAGE = new URL('../helpers/logup-package.ts', import.meta.url);

describe.skipIf(!HAVE_CHROMIUM)('<zkinfer-badge> on a real LogUp bundle (needs /usr/bin/chromium)', () => {
  let h: Harness;
  let fixture: Toy;
  let dispose = () => {};
  beforeAll(async () => {
    const { compileMicro, LOGUP_DEFAULT } = (await import(LOGUP_PACKAGE.href)) as {
      compileMicro(r: unknown, ctx?: number): Promise<{ pkg: { manifestJson: Record<string, any> }; prove(p: number[], n: number): Promise<{ bundle: any }>; dispose(): void }>;
      LOGUP_DEFAULT: unknown;
    };
    const micro = await compileMicro(LOGUP_DEFAULT, 4); // the parameters of test/api/global-setup.ts: cached keys shared
    dispose = micro.dispose;
    fixture = { manifest: micro.pkg.manifestJson, bundle: (await micro.prove([72, 105], 2)).bundle };
    h = await startHarness();
  }, 600_000);
  afterAll(async () => {
    await h?.close();
    dispose();
    const { shutdownProver } = (await import(PROVE.href)) as { shutdownProver(): Promise<void> };
    await shutdownProver();
  });

  const checkInBrowser = async (bundle: Record<string, any>) => {
    const modelId = fixture.manifest.modelId as string;
    const id = receiptId(modelId, parseBundle(bundle));
    h.api.models.set(modelId, fixture.manifest);
    h.api.receipts.set(id, { receipt: { id, valid: true, modelId, text: 'x' }, bundle });
    const page = await h.open(badge(id));
    await waitForState(page, 'verified');
    await page.getByRole('button', { name: 'Verify in this browser' }).click();
    await page.waitForFunction(() => (window as unknown as { __events: unknown[] }).__events.length > 0, undefined, { timeout: 60_000 });
    return { id, event: (await eventsOf(page))[0] };
  };

  it('verifies it, and refuses it with one chunk’s commitment replaced or missing', async () => {
    // A position prefix: "Hi" + 2 tokens reads 3 of the ctx's 4 positions (docs/proof-format.md).
    const k = fixture.manifest.chunksPerPosition as number;
    expect(fixture.bundle.chunks).toHaveLength(3 * k);
    const ok = await checkInBrowser(fixture.bundle);
    expect(ok.event).toMatchObject({ type: 'zkinfer-verified', detail: { receipt: ok.id, valid: true } });
    const swapped = structuredClone(fixture.bundle);
    swapped.chunks[0].proof.commitment = fixture.bundle.chunks[1].proof.commitment;
    const bad = await checkInBrowser(swapped);
    expect(bad.event).toMatchObject({ type: 'zkinfer-verified', detail: { receipt: bad.id, valid: false } });
    const missing = structuredClone(fixture.bundle);
    delete missing.chunks[0].proof.commitment;
    delete missing.chunks[0].proof.commitmentPok;
    const none = await checkInBrowser(missing);
    expect(none.event).toMatchObject({ type: 'zkinfer-verified', detail: { receipt: none.id, valid: false } });
  }, 180_000);
});
