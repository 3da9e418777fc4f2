import { totalmem } from 'node:os';
import { describe, expect, it } from 'vitest';
import { Db } from './db.js';
import { DUCKDB_SHARE, parseSize, planMemory } from './memory.js';

describe('the run memory budget', () => {
  it('reads sizes the way DuckDB does: GB is 10⁹ bytes, GiB 2³⁰', () => {
    expect(parseSize('8GB')).toBe(8e9);
    expect(parseSize('512 MiB')).toBe(512 * 2 ** 20);
    expect(parseSize('1.5gib')).toBe(1.5 * 2 ** 30);
    expect(parseSize('100b')).toBe(100);
    expect(() => parseSize('8 gigs')).toThrow(/not a size/);
    expect(() => parseSize('GB')).toThrow(/not a size/);
  });

  it('gives DuckDB its share of --memory-limit and keeps the rest as headroom', () => {
    const plan = planMemory('8GB');
    expect(plan.budgetBytes).toBe(8e9);
    expect(plan.duckdbLimit).toBe(`${Math.floor((8e9 * DUCKDB_SHARE) / 1024)}KiB`);
    expect(parseSize(plan.duckdbLimit)).toBeLessThan(8e9 * 0.75);
  });

  it('without --memory-limit budgets 80 % of the machine, not DuckDB 80 % plus what it does not count', () => {
    const plan = planMemory(undefined);
    expect(plan.budgetBytes).toBeLessThanOrEqual(totalmem() * 0.8);
    expect(parseSize(plan.duckdbLimit)).toBeLessThan(totalmem() * 0.6);
  });

  it('never gives DuckDB more than the budget, however small', () => {
    expect(parseSize(planMemory('5MB').duckdbLimit)).toBe(3417 * 1024);
    expect(parseSize(planMemory('1KB').duckdbLimit)).toBe(1024);
  });

  it('is a limit DuckDB itself reads back as meant', async () => {
    const plan = planMemory('1GB');
    const db = await Db.open({ path: ':memory:', memoryLimit: plan.duckdbLimit });
    try {
      const shown = await db.all<{ v: string }>(`SELECT current_setting('memory_limit') AS v`);
      // DuckDB shows its limit in binary units, e.g. "667.0 MiB".
      const mib = Number(/^([\d.]+) MiB$/.exec(shown[0]?.v ?? '')?.[1]);
      expect(mib).toBeCloseTo((1e9 * DUCKDB_SHARE) / 2 ** 20, 0);
    } finally {
      db.close();
    }
  });
});
