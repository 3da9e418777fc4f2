import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Db } from '../db.js';
import { explainPair, formatWaterfall } from './explain.js';
import { leftRowsRead, link } from './link.js';
import type { LinkSettings } from './settings.js';
import { syntheticSettings, syntheticTables } from './synthetic.js';

let db: Db;
beforeEach(async () => {
  db = await Db.open({ path: ':memory:', threads: 2 });
});
afterEach(() => db.close());

describe('comparison vectors', () => {
  it('takes the first true level, -1 for no evidence and 0 for else', async () => {
    await db.exec(`
      CREATE TABLE lt AS SELECT * FROM (VALUES (1, 'SUPARMAN', 'A'), (2, NULL, 'A'), (3, 'SITI AMINAH', 'B')) t(id, nama, kab);
      CREATE TABLE rt AS SELECT * FROM (VALUES (10, 'SUPARMAN', 'A'), (11, 'SUPARMAN', 'B'), (12, 'SITI AMINA', 'A'),
        (13, 'BUDI', NULL)) t(id, nama, kab);`);
    const settings: LinkSettings = {
      left: { table: 'lt', id: 'id' },
      right: { table: 'rt', id: 'id' },
      prefix: 'g',
      comparisons: [
        {
          name: 'nama',
          nullWhen: 'l.nama IS NULL OR r.nama IS NULL',
          levels: [
            { label: 'exact', when: 'l.nama = r.nama', m: 0.8 },
            // Also true for exact names: shows that the first true level wins.
            { label: 'jw ≥ 0.9', when: 'jaro_winkler_similarity(l.nama, r.nama) >= 0.9', m: 0.15 },
          ],
        },
        // No nullWhen: a NULL comparison falls through to else.
        { name: 'kab', levels: [{ label: 'exact', when: 'l.kab = r.kab', m: 0.9 }] },
      ],
      blocking: [{ name: 'all', leftKey: '1', rightKey: '1' }],
      prior: 0.1,
    };
    await link(db, settings);
    const rows = await db.all<{ l_id: number; r_id: number; gamma_nama: number; gamma_kab: number }>(
      'SELECT l_id, r_id, gamma_nama, gamma_kab FROM g_gamma ORDER BY l_id, r_id',
    );
    const got = Object.fromEntries(rows.map((r) => [`${r.l_id}-${r.r_id}`, [r.gamma_nama, r.gamma_kab]]));
    expect(got).toEqual({
      '1-10': [2, 1],
      '1-11': [2, 0],
      '1-12': [0, 1],
      '1-13': [0, 0],
      '2-10': [-1, 1],
      '2-11': [-1, 0],
      '2-12': [-1, 1],
      '2-13': [-1, 0],
      '3-10': [0, 0],
      '3-11': [0, 1],
      '3-12': [1, 0],
      '3-13': [0, 0],
    });
    const params = await db.all<{
      comparison: string;
      gamma: number;
      label: string;
      m: number;
      m_source: string;
    }>('SELECT comparison, gamma, label, m, m_source FROM g_params ORDER BY comparison_index, gamma DESC');
    expect(params.map((p) => [p.comparison, p.gamma, p.label, p.m_source])).toEqual([
      ['nama', 2, 'exact', 'fixed'],
      ['nama', 1, 'jw ≥ 0.9', 'fixed'],
      ['nama', 0, 'else', 'fixed'],
      ['kab', 1, 'exact', 'fixed'],
      ['kab', 0, 'else', 'fixed'],
    ]);
    expect(params[2]?.m).toBeCloseTo(0.05, 12);
    // No evidence weighs nothing.
    const s = await db.one<{ w: number }>(
      'SELECT nama_weight AS w FROM g_scores WHERE l_id = 2 AND r_id = 10',
    );
    expect(s?.w).toBe(0);
  });
});

describe('term-frequency adjustment', () => {
  it('gives agreement on a common value less weight than on a rare one', async () => {
    // Right: 600 SITI, 1 ZULKARNAEN, 399 other names; left: a SITI and a ZULKARNAEN.
    await db.exec(`
      CREATE TABLE rt AS SELECT i AS id,
        CASE WHEN i < 600 THEN 'SITI' WHEN i = 600 THEN 'ZULKARNAEN' ELSE 'NAMA' || i END AS nama
      FROM range(1000) t(i);
      CREATE TABLE lt AS SELECT * FROM (VALUES (1, 'SITI'), (2, 'ZULKARNAEN'), (3, 'NAMA700')) t(id, nama);`);
    const settings: LinkSettings = {
      left: { table: 'lt', id: 'id' },
      right: { table: 'rt', id: 'id' },
      prefix: 'tf',
      comparisons: [
        {
          name: 'nama',
          levels: [
            { label: 'exact', when: 'l.nama = r.nama', m: 0.9, tf: { left: 'l.nama', right: 'r.nama' } },
          ],
        },
      ],
      blocking: [{ name: 'nama', leftKey: 'l.nama', rightKey: 'r.nama' }],
      prior: 0.001,
      uSampleSize: 100_000,
    };
    const result = await link(db, settings);
    const exact = result.model.comparisons[0]?.levels[0];
    // Without adjustment every exact agreement would weigh log2(0.9 / u), u ≈ (0.6 + 0.001 + 0.001) / 3.
    expect(Math.abs((exact?.u ?? 0) - 0.2)).toBeLessThan(0.01);
    const w = async (l: number) =>
      Number(
        (await db.one<{ w: number }>(`SELECT nama_weight AS w FROM tf_scores WHERE l_id = ${l} LIMIT 1`))?.w,
      );
    const siti = await w(1);
    const rare = await w(2);
    expect(siti).toBeCloseTo(Math.log2(0.9 / 0.6), 10);
    expect(rare).toBeCloseTo(Math.log2(0.9 / 0.001), 10);
    expect(await w(3)).toBeCloseTo(rare, 10);
    expect(siti).toBeLessThan(exact?.weight ?? 0);
    expect(rare).toBeGreaterThan(exact?.weight ?? 0);
    const freq = await db.all<{ value: string; n: number; u: number }>(
      `SELECT value, n, u FROM tf_tf_0 WHERE value IN ('SITI', 'ZULKARNAEN') ORDER BY value`,
    );
    expect(freq).toEqual([
      { value: 'SITI', n: 600, u: 0.6 },
      { value: 'ZULKARNAEN', n: 1, u: 0.001 },
    ]);
  });

  it('bounds the frequency below so that a unique value cannot weigh without limit', async () => {
    // Half the right rows are SITI, so an exact agreement is ordinary (u ≈ 0.25); N5 occurs once (0.001).
    await db.exec(`
      CREATE TABLE rt AS SELECT i AS id, CASE WHEN i < 500 THEN 'SITI' ELSE 'N' || i END AS nama FROM range(1000) t(i);
      CREATE TABLE lt AS SELECT * FROM (VALUES (1, 'N505'), (2, 'SITI')) t(id, nama);`);
    await link(db, {
      left: { table: 'lt', id: 'id' },
      right: { table: 'rt', id: 'id' },
      prefix: 'tf',
      comparisons: [
        {
          name: 'nama',
          levels: [
            { label: 'exact', when: 'l.nama = r.nama', m: 0.9, tf: { left: 'l.nama', right: 'r.nama' } },
          ],
        },
      ],
      blocking: [{ name: 'nama', leftKey: 'l.nama', rightKey: 'r.nama' }],
      prior: 0.001,
      tfMinimumU: 0.01,
    });
    const row = await db.one<{ w: number }>('SELECT nama_weight AS w FROM tf_scores WHERE l_id = 1');
    expect(Number(row?.w)).toBeCloseTo(Math.log2(0.9 / 0.01), 10);
  });
});

/** Every stored row of a table in stored order, as text: equal strings mean identical tables. */
async function dump(d: Db, table: string): Promise<string> {
  const row = await d.one<{ t: string }>(
    `SELECT string_agg(concat_ws('|', COLUMNS(*)), chr(10) ORDER BY rowid) AS t FROM ${table}`,
  );
  return row?.t ?? '';
}

describe('determinism', () => {
  it('gives identical parameters and scores on two runs, whatever the thread count', async () => {
    const runs: { model: string; params: string; scores: string }[] = [];
    for (const threads of [1, 2]) {
      const d = await Db.open({ path: ':memory:', threads });
      try {
        await syntheticTables(d);
        const result = await link(d, syntheticSettings());
        runs.push({
          model: JSON.stringify(result.model),
          params: await dump(d, 'syn_params'),
          scores: await dump(d, 'syn_scores'),
        });
      } finally {
        d.close();
      }
    }
    expect(runs[0]?.scores.length).toBeGreaterThan(1000);
    expect(runs[1]).toEqual(runs[0]);
  });

  it('scores a stored model again without training, to the same result', async () => {
    await syntheticTables(db);
    const first = await link(db, syntheticSettings());
    const before = await dump(db, 'syn_scores');
    const again = await link(db, { ...syntheticSettings(), model: JSON.parse(JSON.stringify(first.model)) });
    expect(again.seconds.u).toBe(0);
    expect(await dump(db, 'syn_scores')).toBe(before);
  });
});

describe('EM sessions', () => {
  it('trains on the pairs of chosen rules, leaves fixed comparisons out and averages the sessions', async () => {
    await syntheticTables(db);
    const result = await link(db, {
      ...syntheticSettings(),
      blocking: [
        { name: 'blk', leftKey: 'l.blk', rightKey: 'r.blk' },
        { name: 'a+c', leftKey: '{a: l.a, c: l.c}', rightKey: '{a: r.a, c: r.c}', maxBlockSize: 100 },
      ],
      emSessions: [
        { name: 'on blk', rules: ['blk'] },
        // Pairs found through the a+c key agree on a and c whether they match or not.
        { name: 'on a+c', rules: ['a+c'], fix: ['a', 'c'] },
        { name: 'd agrees', where: 'gamma_d = 2', fix: ['d'] },
      ],
    });
    const [blk, ac, dAgrees] = result.model.em;
    expect(blk?.estimated).toEqual(['a', 'b', 'c', 'd']);
    expect(ac?.estimated).toEqual(['b', 'd']);
    expect(dAgrees?.estimated).toEqual(['a', 'b', 'c']);
    const b = result.model.comparisons.find((c) => c.name === 'b')?.levels[0]?.m ?? 0;
    const sessions = [blk, ac, dAgrees].map((s) => s?.m.b?.[0] ?? 0);
    expect(b).toBeCloseTo(sessions.reduce((a, x) => a + x, 0) / 3, 12);
    // Each session on its own lands near the truth for b (about 0.8).
    for (const m of sessions) expect(Math.abs(m - 0.8)).toBeLessThan(0.03);
  });
});

describe('deduplication', () => {
  it('scores each unordered pair once and takes the prior over n(n-1)/2 pairs', async () => {
    await db.exec(
      `CREATE TABLE people AS SELECT i AS id, 'N' || (i // 2) AS nama, (i // 2) % 7 AS kab FROM range(200) t(i)`,
    );
    const result = await link(db, {
      left: { table: 'people', id: 'id' },
      right: { table: 'people', id: 'id' },
      prefix: 'dd',
      comparisons: [
        { name: 'nama', levels: [{ label: 'exact', when: 'l.nama = r.nama', m: 0.95 }] },
        { name: 'kab', levels: [{ label: 'exact', when: 'l.kab = r.kab', m: 0.95 }] },
      ],
      blocking: [{ name: 'kab', leftKey: 'l.kab', rightKey: 'r.kab' }],
    });
    const bad = await db.count('SELECT count(*) FROM dd_scores WHERE l_id >= r_id');
    expect(bad).toBe(0);
    // 100 true pairs among 200·199/2 (a little under: a matching name is only 0.95 / (1/199) of evidence).
    expect(Math.abs(result.model.prior / (100 / 19900) - 1)).toBeLessThan(0.15);
    const found = await db.count('SELECT count(*) FROM dd_scores WHERE match_probability > 0.5');
    expect(found).toBe(100);
  });
});

describe('explain', () => {
  it('gives a waterfall that adds up to the stored score, also for a pair blocking did not propose', async () => {
    await syntheticTables(db);
    const settings = syntheticSettings();
    await link(db, settings);
    const top = await db.one<{ l_id: number; r_id: number; match_weight: number; match_probability: number }>(
      'SELECT l_id, r_id, match_weight, match_probability FROM syn_scores ORDER BY match_weight DESC, l_id LIMIT 1',
    );
    const w = await explainPair(db, settings, Number(top?.l_id), Number(top?.r_id));
    expect(w.candidate).toBe(true);
    expect(w.rules).toEqual(['blk']);
    expect(w.matchWeight).toBe(Number(top?.match_weight));
    expect(w.matchProbability).toBe(Number(top?.match_probability));
    const sum = w.steps.reduce((a, s) => a + s.weight, w.priorWeight);
    expect(sum).toBeCloseTo(w.matchWeight, 9);
    expect(w.steps.at(-1)?.cumulative).toBeCloseTo(w.matchWeight, 9);
    expect(w.steps.map((s) => [s.comparison, s.label])).toEqual([
      ['a', 'exact'],
      ['b', 'exact'],
      ['c', 'exact'],
      ['d', 'exact'],
    ]);
    const text = formatWaterfall(w);
    expect(text).toContain('candidate via blk');
    expect(text.split('\n')).toHaveLength(8);
    expect(text).toMatch(/^prior\s+λ=/m);
    expect(text).toMatch(/^d\s+exact\s+/m);
    expect(text).toMatch(/^total\s+p=0\.99\d+\s+\+\d+\.\d\d$/m);

    // A pair in different blocks: never a candidate, explained anyway.
    const far = await db.one<{ l: number; r: number }>(
      'SELECT l.id AS l, r.id AS r FROM syn_l l, syn_r r WHERE l.blk <> r.blk ORDER BY l.id, r.id LIMIT 1',
    );
    const other = await explainPair(db, settings, Number(far?.l), Number(far?.r));
    expect(other.candidate).toBe(false);
    expect(formatWaterfall(other)).toContain('not a candidate pair');
    await expect(explainPair(db, settings, -1, 0)).rejects.toThrow(/not found/);
  });
});

describe('settings', () => {
  it('are checked before any SQL runs, naming what is wrong', async () => {
    const base = syntheticSettings();
    await expect(
      link(db, {
        ...base,
        comparisons: [...base.comparisons, { name: 'match', levels: [{ label: 'x', when: 'true' }] }],
        emSessions: [{ name: 's', rules: ['nope'], fix: ['zz'] }],
        mTrainingRule: { when: 'true', exclude: ['qq'] },
      }),
    ).rejects.toThrow(
      /comparison name 'match' is reserved.*EM session 's': no rule 'nope'.*EM session 's': no comparison 'zz'.*mTrainingRule: no comparison 'qq'/,
    );
    await expect(
      link(db, {
        ...base,
        comparisons: [
          {
            name: 'a',
            levels: [
              { label: 'exact', when: 'l.a = r.a', m: 0.7 },
              { label: 'near', when: 'true', m: 0.3 },
            ],
          },
        ],
      }),
    ).rejects.toThrow(/fixed m of all levels sum to 1/);
  });

  it('keeps only pairs above minMatchWeight when asked', async () => {
    await syntheticTables(db);
    const all = await link(db, syntheticSettings());
    const some = await link(db, { ...syntheticSettings(), minMatchWeight: 0, model: all.model });
    expect(some.scored).toBeLessThan(all.scored);
    expect(await db.count('SELECT count(*) FROM syn_scores WHERE match_weight < 0')).toBe(0);
  });
});

describe('training on a sample, scoring some rows', () => {
  it('scores only the rows scoreLeft selects, each exactly as a run over every row scores it', async () => {
    await syntheticTables(db);
    await link(db, syntheticSettings());
    await db.exec(
      'CREATE TABLE every_third AS SELECT * FROM syn_scores WHERE l_id % 3 = 0 ORDER BY l_id, r_id',
    );
    const every = await dump(db, 'every_third');
    const some = await link(db, { ...syntheticSettings(), scoreLeft: 'l.id % 3 = 0' });
    // Training still saw every row: the same model, so the same scores for the rows scored.
    expect(some.training.leftRows).toBe(10_000);
    expect(some.scoredLeftRows).toBe(3334);
    expect(await db.count('SELECT count(*) FROM syn_scores WHERE l_id % 3 <> 0')).toBe(0);
    expect(await dump(db, 'syn_scores')).toBe(every);
  });

  it('trains on a sample of trainingRows rows, the same rows every time, and still scores every row', async () => {
    await syntheticTables(db);
    const full = await link(db, syntheticSettings());
    const a = await link(db, { ...syntheticSettings(), trainingRows: 4000 });
    const scoresA = await dump(db, 'syn_scores');
    const b = await link(db, { ...syntheticSettings(), trainingRows: 4000 });
    expect(await dump(db, 'syn_scores')).toBe(scoresA);
    expect(JSON.stringify(b.model)).toBe(JSON.stringify(a.model));
    expect(a.training.leftRows).toBe(4000);
    expect(a.training.candidates).toBeLessThan(full.training.candidates * 0.5);
    expect(a.scoredLeftRows).toBe(10_000);
    // A sample of the population estimates what the whole does: the prior and each exact level's m.
    expect(a.model.prior / full.model.prior).toBeGreaterThan(0.8);
    expect(a.model.prior / full.model.prior).toBeLessThan(1.25);
    const exactM = (model: typeof a.model, c: string) =>
      model.comparisons.find((p) => p.name === c)?.levels.find((l) => l.label === 'exact')?.m ?? 0;
    for (const c of ['a', 'b', 'c', 'd']) expect(exactM(a.model, c)).toBeCloseTo(exactM(full.model, c), 1);
  });

  it('gives the same model and scores from only the left rows it reads (leftRowsRead), told their number', async () => {
    await syntheticTables(db);
    const settings = {
      ...syntheticSettings(),
      trainingRows: 3000,
      uSampleSize: 2500,
      scoreLeft: 'l.id % 7 = 0',
    };
    const whole = await link(db, settings);
    const scores = await dump(db, 'syn_scores');
    await db.exec(
      `CREATE TABLE syn_l_read AS SELECT * FROM syn_l WHERE id IN (${leftRowsRead(settings, 'syn_l')})`,
    );
    const read = await db.count('SELECT count(*) FROM syn_l_read');
    // Scored rows, training rows and u's rows overlap but are each a part of the 10,000.
    expect(read).toBeGreaterThan(3000);
    expect(read).toBeLessThan(10_000 - 1000);
    const part = await link(db, { ...settings, left: { table: 'syn_l_read', id: 'id', rows: 10_000 } });
    expect(JSON.stringify(part.model)).toBe(JSON.stringify(whole.model));
    expect(part.training).toEqual(whole.training);
    expect(await dump(db, 'syn_scores')).toBe(scores);
    // The rows in all are the side's, as given, not the part's.
    expect(part.leftRows).toBe(10_000);
    expect(whole.leftRows).toBe(10_000);
  });

  it('refuses a sample or a subset for a deduplication, where a pair is formed from both sides', async () => {
    const dedupe: LinkSettings = { ...syntheticSettings(), right: { table: 'syn_l', id: 'id' } };
    await expect(link(db, { ...dedupe, scoreLeft: 'true' })).rejects.toThrow(
      /scoreLeft is for linking two tables/,
    );
    await expect(link(db, { ...dedupe, trainingRows: 10 })).rejects.toThrow(
      /trainingRows is for linking two tables/,
    );
  });
});
