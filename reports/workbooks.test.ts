import { describe, expect, it } from 'vitest';
import { renderingWorkers } from './workbooks.js';

describe('renderingWorkers', () => {
  it('renders on this thread below the rows that pay for workers, with one workbook or one thread', () => {
    expect(renderingWorkers(40, 2, 9_999, 10_000)).toBe(0);
    expect(renderingWorkers(1, 8, 500_000, 10_000)).toBe(0);
    expect(renderingWorkers(40, 1, 500_000, 10_000)).toBe(0);
  });

  it('takes one worker per thread from those rows on, at most eight', () => {
    expect(renderingWorkers(40, 2, 10_000, 10_000)).toBe(2);
    expect(renderingWorkers(2, 32, 500_000, 10_000)).toBe(8);
    expect(renderingWorkers(2, 2, 54, 0)).toBe(2);
  });
});
