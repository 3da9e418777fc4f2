import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Db } from '../db.js';
import { type GammaPattern, runEm } from './em.js';
import { link } from './link.js';
import { syntheticSettings, syntheticTables } from './synthetic.js';

describe('runEm', () => {
  it('recovers m and λ exactly from patterns that follow the model', () => {
    const m = [
      [0.1, 0.2, 0.7],
      [0.05, 0.95],
      [0.3, 0.1, 0.6],
    ];
    const u = [
      [0.9, 0.08, 0.02],
      [0.7, 0.3],
      [0.95, 0.04, 0.01],
    ];
    const lambda = 0.02;
    const n = 1_000_000;
    // Expected counts of every pattern, with a missing value (-1) on the third comparison for 10% of pairs.
    const patterns: GammaPattern[] = [];
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 2; b++) {
        for (let c = -1; c < 3; c++) {
          const pm =
            (m[0]?.[a] as number) * (m[1]?.[b] as number) * (c < 0 ? 0.1 : 0.9 * (m[2]?.[c] as number));
          const pu =
            (u[0]?.[a] as number) * (u[1]?.[b] as number) * (c < 0 ? 0.1 : 0.9 * (u[2]?.[c] as number));
          patterns.push({ gammas: [a, b, c], n: n * (lambda * pm + (1 - lambda) * pu) });
        }
      }
    }
    const out = runEm({
      patterns,
      u,
      // Uninformed start: uniform m.
      m: [
        [1 / 3, 1 / 3, 1 / 3],
        [0.5, 0.5],
        [1 / 3, 1 / 3, 1 / 3],
      ],
      active: [true, true, true],
      update: [true, true, true],
      lambda: 0.1,
      maxIterations: 2000,
      tolerance: 1e-12,
      pseudoCount: 0,
    });
    expect(out.converged).toBe(true);
    expect(out.lambda).toBeCloseTo(lambda, 6);
    out.m.forEach((row, c) => {
      row.forEach((v, g) => {
        expect(v).toBeCloseTo(m[c]?.[g] as number, 5);
      });
    });
  });

  it('leaves fixed comparisons out of the likelihood and held ones unchanged', () => {
    const patterns: GammaPattern[] = [
      { gammas: [1, 1], n: 90 },
      { gammas: [0, 0], n: 900 },
      { gammas: [1, 0], n: 10 },
    ];
    const out = runEm({
      patterns,
      u: [
        [0.9, 0.1],
        [0.9, 0.1],
      ],
      m: [
        [0.2, 0.8],
        [0.3, 0.7],
      ],
      active: [true, false],
      update: [false, false],
      lambda: 0.5,
      maxIterations: 10,
      tolerance: 1e-9,
    });
    expect(out.m).toEqual([
      [0.2, 0.8],
      [0.3, 0.7],
    ]);
  });
});

describe('EM on synthetic data with known m and u', () => {
  let db: Db;
  beforeEach(async () => {
    db = await Db.open({ path: ':memory:', threads: 2 });
    await syntheticTables(db);
  });
  afterEach(() => db.close());

  it('recovers m (EM, u fixed from random pairs), u and the number of matches', async () => {
    const result = await link(db, syntheticSettings());
    const level = (c: string, label: string) =>
      result.model.comparisons.find((x) => x.name === c)?.levels.find((l) => l.label === label);
    // The truth of this sample: level shares among the true pairs (close to the generator's 0.902, 0.802, ...).
    const truth = (await db.one<Record<string, number>>(`
      SELECT avg((l.a = r.a)::INT) AS a, avg((l.b = r.b)::INT) AS b, avg((l.c = r.c)::INT) AS c,
        avg((l.d = r.d)::INT) AS d, avg((levenshtein(l.d, r.d) = 1)::INT) AS d1
      FROM syn_l l JOIN syn_r r ON r.id = l.rid`)) as Record<string, number>;
    expect(Math.abs((level('a', 'exact')?.m ?? 0) - Number(truth.a))).toBeLessThan(0.01);
    expect(Math.abs((level('b', 'exact')?.m ?? 0) - Number(truth.b))).toBeLessThan(0.01);
    expect(Math.abs((level('c', 'exact')?.m ?? 0) - Number(truth.c))).toBeLessThan(0.01);
    expect(Math.abs((level('d', 'exact')?.m ?? 0) - Number(truth.d))).toBeLessThan(0.01);
    expect(Math.abs((level('d', 'one edit')?.m ?? 0) - Number(truth.d1))).toBeLessThan(0.01);
    // u from 400k random pairs: within a few percent of the truth.
    expect(Math.abs((level('a', 'exact')?.u ?? 0) / 0.02 - 1)).toBeLessThan(0.05);
    expect(Math.abs((level('b', 'exact')?.u ?? 0) / 0.01 - 1)).toBeLessThan(0.05);
    expect(Math.abs((level('c', 'exact')?.u ?? 0) / 0.05 - 1)).toBeLessThan(0.05);
    // 5,000 true matches among 10,000 × 20,000 possible pairs. Somewhat under: the prior is the one at which
    // the candidates' scores add up to it, and the 1-in-500 agreement on the blocking key is not compared.
    expect(result.model.prior / (5000 / 2e8)).toBeGreaterThan(0.85);
    expect(result.model.prior / (5000 / 2e8)).toBeLessThan(1.02);
    expect(Math.abs((result.model.candidateMatchShare ?? 0) * result.candidates - 5000)).toBeLessThan(100);
    expect(result.model.em[0]?.converged).toBe(true);
    expect(result.warnings).toEqual([]);
    // Pairs called matches are nearly all true. Some true pairs stay below 0.5: the scores, as in Splink, are
    // "as if a random pair", and here the blocking key (a 1-in-500 agreement) is not among the comparisons.
    const row = await db.one<{ tp: number; fp: number }>(`
      SELECT count(*) FILTER (l.rid = s.r_id) AS tp, count(*) FILTER (l.rid IS DISTINCT FROM s.r_id) AS fp
      FROM syn_scores s JOIN syn_l l ON l.id = s.l_id WHERE s.match_probability >= 0.5`);
    expect(Number(row?.tp)).toBeGreaterThan(4000);
    expect(Number(row?.fp) / Number(row?.tp)).toBeLessThan(0.02);
  });

  it('estimates m from pairs a deterministic rule calls matches, EM filling the excluded comparison', async () => {
    const result = await link(db, {
      ...syntheticSettings(),
      // "The same d" stands for an exact id such as NIK: it says nothing about d itself, so d is excluded.
      mTrainingRule: { when: 'l.d = r.d', exclude: ['d'] },
    });
    const params = result.model.comparisons;
    const a = params.find((c) => c.name === 'a')?.levels[0];
    expect(a?.mSource).toBe('rule');
    expect(Math.abs((a?.m ?? 0) - 0.9)).toBeLessThan(0.02);
    const d = params.find((c) => c.name === 'd')?.levels[0];
    expect(d?.mSource).toBe('em');
    expect(Math.abs((d?.m ?? 0) - 0.75)).toBeLessThan(0.02);
    expect(result.model.em[0]?.estimated).toEqual(['d']);
  });
});
