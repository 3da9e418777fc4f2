import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Db } from '../db.js';
import { assignOneToOne } from './assign.js';

let db: Db;
beforeEach(async () => {
  db = await Db.open({ path: ':memory:', threads: 2 });
});
afterEach(() => db.close());

/** Greedy reference: pairs by weight descending (ties by l_id, r_id), each row used once. */
function greedy(pairs: [number, number, number][], min: number): string[] {
  const sorted = pairs
    .filter(([, , w]) => 1 / (1 + 2 ** -w) >= min)
    .sort((a, b) => b[2] - a[2] || a[0] - b[0] || a[1] - b[1]);
  const usedL = new Set<number>();
  const usedR = new Set<number>();
  const out: string[] = [];
  for (const [l, r] of sorted) {
    if (usedL.has(l) || usedR.has(r)) continue;
    usedL.add(l);
    usedR.add(r);
    out.push(`${l}-${r}`);
  }
  return out.sort();
}

describe('one-to-one assignment', () => {
  it('gives each row at most one partner, best first, as a greedy pass would', async () => {
    await db.exec(`CREATE TABLE s AS SELECT * FROM (VALUES
      (1, 10, 9.0), (1, 11, 8.0), (2, 10, 8.5), (2, 11, 3.0), (3, 12, -5.0), (4, 13, 2.0), (5, 13, 2.0))
      t(l_id, r_id, match_weight)`);
    await db.exec('CREATE TABLE s2 AS SELECT *, 1 / (1 + pow(2, -match_weight)) AS match_probability FROM s');
    const result = await assignOneToOne(db, { scores: 's2', out: 'links', minProbability: 0.5 });
    const rows = await db.all<{ l_id: number; r_id: number }>('SELECT l_id, r_id FROM links');
    // 1 takes 10 (9.0); 2 loses 10 and falls back to 11 (3.0); 3-12 is below 0.5; 4 and 5 tie for 13: 4 wins.
    expect(rows).toEqual([
      { l_id: 1, r_id: 10 },
      { l_id: 2, r_id: 11 },
      { l_id: 4, r_id: 13 },
    ]);
    expect(result.pairs).toBe(3);
  });

  it('agrees with a greedy pass on random scores', async () => {
    await db.exec(`CREATE TABLE s AS SELECT DISTINCT hash(i, 'l') % 60 AS l_id, hash(i, 'r') % 60 AS r_id,
      ((hash(i, 'w') % 4000)::DOUBLE / 100 - 10) AS match_weight FROM range(2000) t(i)`);
    await db.exec(`CREATE TABLE s2 AS SELECT l_id, r_id, max(match_weight) AS match_weight,
      1 / (1 + pow(2, -max(match_weight))) AS match_probability FROM s GROUP BY ALL`);
    const pairs = (
      await db.all<{ l_id: number; r_id: number; match_weight: number }>('SELECT * FROM s2')
    ).map((p) => [p.l_id, p.r_id, p.match_weight] as [number, number, number]);
    await assignOneToOne(db, { scores: 's2', out: 'links', minProbability: 0.9 });
    const rows = await db.all<{ k: string }>(`SELECT l_id || '-' || r_id AS k FROM links`);
    expect(rows.map((r) => r.k).sort()).toEqual(greedy(pairs, 0.9));
  });
});
