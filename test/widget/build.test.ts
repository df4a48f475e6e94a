/**
 * widget/build.ts writes widget/dist, which the API worker imports: `wrangler dev` restarts the
 * worker on any write to it, dropping requests in flight, so a rebuild of unchanged sources
 * (the widget tests build it while an end-to-end test's API serves) must not touch the files.
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildWidget } from '../../widget/build.ts';

const DIST = fileURLToPath(new URL('../../widget/dist/', import.meta.url));
const FILES = ['zkinfer-badge.js', 'widget-bundle.ts'].map((f) => DIST + f);

describe('widget build', () => {
  it('leaves widget/dist untouched when the bundle did not change', async () => {
    const first = await buildWidget();
    const before = FILES.map((f) => statSync(f).mtimeMs);
    const second = await buildWidget();
    expect(second.sha256).toBe(first.sha256);
    expect(FILES.map((f) => statSync(f).mtimeMs)).toEqual(before);
  });
});
