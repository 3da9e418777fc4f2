import { describe, expect, it } from 'vitest';
import { formatFebrl, runFebrl } from '../../bench/febrl.js';

describe('FEBRL4 benchmark', () => {
  it('links dataset4a to dataset4b with F1 ≥ 0.999, unsupervised', async () => {
    const result = await runFebrl({ threads: 2 });
    console.log(formatFebrl(result));
    expect(result.truePairs).toBe(5000);
    expect(result.candidateRecall).toBeGreaterThan(0.999);
    expect(result.f1).toBeGreaterThanOrEqual(0.999);
  });
});
