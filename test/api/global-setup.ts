import type { TestProject } from 'vitest/node';

/**
 * Runs in Node before the workers tests: workerd cannot run snarkjs (it compiles
 * WebAssembly at run time), so real Groth16 fixtures are made here with the toy model of
 * test/helpers/toy-model.ts (snarkjs setup + contribution + beacon, real proofs; keys
 * cached in the user's cache dir) and handed to the tests with provide/inject.
 * If the toy model cannot be built, `toyModel` is null and the tests that need it skip
 * visibly with the reason in `toyModelError`.
 */
export interface ToyFixture {
  manifest: Record<string, any>;
  bundle: Record<string, any>;
  /** A second proof of a different statement under the same model. */
  otherBundle: Record<string, any>;
}

/** A LogUp package (test/helpers/logup-package.ts: micro transformer, ctx 4, BSB22 commitment keys) and one real bundle. */
export interface LogUpFixture {
  manifest: Record<string, any>;
  bundle: Record<string, any>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    toyModel: ToyFixture | null;
    toyModelError: string;
    logupModel: LogUpFixture | null;
    logupModelError: string;
  }
}

// Module paths are computed so that the workers-side tsc (api/tsconfig.json, no Node types)
// does not follow them into Node-only code.
const TOY_MODEL = new URL('../helpers/toy-model.ts', import.meta.url).href;
const PROVER = new URL('../../prover/src/snark/prove.ts', import.meta.url).href;
const LOGUP_PACKAGE = new URL('../helpers/logup-package.ts', import.meta.url).href;

/** Compiles and proves the LogUp fixture (about 15 s cold on 2 cores; keys cached like the toy model's). */
async function logupFixture(): Promise<LogUpFixture> {
  const { compileMicro, LOGUP_DEFAULT } = (await import(LOGUP_PACKAGE)) as {
    compileMicro(ranges: unknown, ctx?: number): Promise<{ pkg: { manifestJson: Record<string, any> }; prove(p: number[], n: number): Promise<{ bundle: any }>; dispose(): void }>;
    LOGUP_DEFAULT: unknown;
  };
  const micro = await compileMicro(LOGUP_DEFAULT, 4);
  try {
    const { bundle } = await micro.prove([72, 105], 2);
    return { manifest: micro.pkg.manifestJson, bundle };
  } finally {
    micro.dispose();
  }
}

export default async function setup(project: TestProject): Promise<void> {
  try {
    const { makeToyModel } = (await import(TOY_MODEL)) as {
      makeToyModel(o: { chunks: number; ctx: number; prompt?: string; generated?: number[] }): Promise<{ manifest: any; bundle: any }>;
    };
    const first = await makeToyModel({ chunks: 2, ctx: 8, prompt: 'Hi', generated: [33, 111, 107] });
    const second = await makeToyModel({ chunks: 2, ctx: 8, prompt: 'Yo', generated: [104, 105] });
    project.provide('toyModel', { manifest: first.manifest, bundle: first.bundle, otherBundle: second.bundle });
    project.provide('toyModelError', '');
  } catch (e) {
    project.provide('toyModel', null);
    project.provide('toyModelError', String((e as Error)?.stack ?? e));
  }
  try {
    project.provide('logupModel', await logupFixture());
    project.provide('logupModelError', '');
  } catch (e) {
    project.provide('logupModel', null);
    project.provide('logupModelError', String((e as Error)?.stack ?? e));
  } finally {
    try {
      const { shutdownProver } = (await import(PROVER)) as { shutdownProver(): Promise<void> };
      await shutdownProver();
    } catch {
      // prover not importable: nothing to shut down
    }
  }
}
