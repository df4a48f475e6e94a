import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZkinferError } from '@zkinfer/prover/errors.ts';
import type { LoadedPackage } from '@zkinfer/prover/package/layout.ts';
import { loadPackageModel } from '@zkinfer/prover/package/model.ts';

/** A package whose model.zkqm holds `bytes` (the rest of the package is not read before it). */
function packageWith(bytes: Uint8Array): LoadedPackage {
  const dir = mkdtempSync(join(tmpdir(), 'zkinfer-corrupt-model-'));
  writeFileSync(join(dir, 'model.zkqm'), bytes);
  return { dir, manifestJson: {}, manifest: {} as LoadedPackage['manifest'], info: { quantFile: 'model.zkqm', modelId: '00'.repeat(32) } as LoadedPackage['info'] };
}

describe("a package's broken quantized model is the user's bad package, not a bug", () => {
  it('bad magic', async () => {
    const err = await loadPackageModel(packageWith(new TextEncoder().encode('not a model at all'))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZkinferError);
    expect(err).toMatchObject({ code: 'bad_package', message: expect.stringMatching(/model\.zkqm: not a zkinfer quantized model \(bad magic\)$/) });
  });

  it('a truncated file', async () => {
    const err = await loadPackageModel(packageWith(new Uint8Array(5))).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'bad_package' });
  });
});
