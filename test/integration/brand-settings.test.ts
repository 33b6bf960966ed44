// A brand's settings are one JSON document that several parts of Waybill keep a key of (theme,
// returns policy, cross-sells, notifications, DKIM, SMS account, shipping). Every save is a locked
// read-modify-write (updateBrandSettings), so two saves at the same moment keep both keys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateBrandSettings } from '../../src/brands/repo.js';
import { createTestContext, type TestContext } from '../harness/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t.close());

const storedSettings = async () =>
  JSON.parse((await t.deps.db.selectFrom('brands').select('settings').where('id', '=', t.brand.id).executeTakeFirstOrThrow()).settings) as Record<string, unknown>;

describe('saving brand settings', () => {
  it('keeps both keys when another save is under way (it waits for it, then builds on its result)', async () => {
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    let read!: () => void;
    const hasRead = new Promise<void>((resolve) => (read = resolve));
    // A slow save of another key: it has read the settings and not yet written them.
    const slow = updateBrandSettings(t.deps, t.brand.id, async (current) => {
      read();
      await gate;
      return { ...current, slowKey: 'kept' };
    });
    await hasRead;
    const policy = t.request('PUT', '/v1/returns/policy', { enabled: true, windowDays: 21 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    finish();
    await slow;
    expect((await policy).status).toBe(200);
    const settings = await storedSettings();
    expect(settings.slowKey).toBe('kept');
    expect(settings.returns).toMatchObject({ enabled: true, windowDays: 21 });
  });

  it('saves nothing when the change throws', async () => {
    const before = await storedSettings();
    await expect(
      updateBrandSettings(t.deps, t.brand.id, () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await storedSettings()).toEqual(before);
  });
});
