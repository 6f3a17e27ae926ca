import { expect } from 'chai';
import { backoffMs, retry } from '../../shared/retry/index.js';

describe('retry: one helper, bounded, with jitter', () => {
  it('tries once plus `retries`, then throws the last error', async () => {
    let calls = 0;
    const err = await retry(
      async () => {
        calls++;
        throw new Error(`fail ${calls}`);
      },
      { retries: 2, baseMs: 1 },
    ).catch((e: Error) => e);
    expect(calls).to.equal(3);
    expect((err as Error).message).to.equal('fail 3');
  });

  it('stops at once on a final error, waits a Retry-After when told, and passes the try number', async () => {
    const seen: number[] = [];
    const waits: number[] = [];
    const r = await retry(
      async (attempt) => {
        seen.push(attempt);
        if (attempt === 0) throw Object.assign(new Error('429'), { after: 5 });
        return 'ok';
      },
      { retries: 3, baseMs: 1000, shouldRetry: (e) => (e as { after?: number }).after ?? true, onRetry: (_e, _a, w) => waits.push(w) },
    );
    expect(r).to.equal('ok');
    expect(seen).to.deep.equal([0, 1]);
    expect(waits).to.deep.equal([5]);
    let calls = 0;
    await retry(
      async () => {
        calls++;
        throw new Error('quota');
      },
      { retries: 5, baseMs: 1, shouldRetry: () => false },
    ).catch(() => undefined);
    expect(calls).to.equal(1);
  });

  it('backs off exponentially within ±25 %, capped', () => {
    expect(backoffMs(1, 100, () => 0)).to.equal(75);
    expect(backoffMs(1, 100, () => 1)).to.equal(125);
    expect(backoffMs(3, 100, () => 0.5)).to.equal(400);
    expect(backoffMs(10, 100, () => 0.5, 1000)).to.equal(1000);
  });
});
