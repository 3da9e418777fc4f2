import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Db } from '../db.js';
import { buildCandidates, filterColumns, ruleNames } from './blocking.js';
import { type LinkSettings, resolveSettings } from './settings.js';

let db: Db;
beforeEach(async () => {
  db = await Db.open({ path: ':memory:', threads: 2 });
  await db.exec(`
    CREATE TABLE lt AS SELECT * FROM (VALUES
      (1, 'SITI', '3328015203850002'),
      (2, 'BUDI', '3328011111110001'),
      (3, 'AGUS', NULL),
      (4, 'SITI', '9999999999999999')) t(id, nama, nik);
    CREATE TABLE rt AS SELECT * FROM (VALUES
      (10, 'SITI', '3328015203850002'),  -- same NIK as 1
      (11, 'SITI', '3328015203850092'),  -- one digit off 1
      (12, 'SITI', NULL),
      (13, 'BUDY', '3328011111110001'),  -- same NIK as 2
      (14, 'AGUS', '1234567890123456')) t(id, nama, nik);
  `);
});
afterEach(() => db.close());

/** Every position of the NIK masked in turn: one mistyped digit still shares a key. */
const masked = (col: string) =>
  `list_transform(range(1, 17), i -> left(${col}, i - 1) || '_' || substr(${col}, i + 1))`;

function settings(overrides: Partial<LinkSettings> = {}): LinkSettings {
  return {
    left: { table: 'lt', id: 'id' },
    right: { table: 'rt', id: 'id' },
    prefix: 't',
    comparisons: [{ name: 'nama', levels: [{ label: 'exact', when: 'l.nama = r.nama' }] }],
    blocking: [
      { name: 'nik~1', leftKey: masked('l.nik'), rightKey: masked('r.nik') },
      { name: 'nama', leftKey: 'l.nama', rightKey: 'r.nama', maxBlockSize: 2 },
    ],
    ...overrides,
  };
}

async function pairs(): Promise<[number, number, string[]][]> {
  const rows = await db.all<{ l_id: number; r_id: number; rules: string }>(
    'SELECT l_id, r_id, rules::VARCHAR AS rules FROM t_candidates ORDER BY l_id, r_id',
  );
  const s = settings();
  return rows.map((r) => [r.l_id, r.r_id, ruleNames(s, r.rules)]);
}

describe('blocking', () => {
  it('unnests list keys, caps oversized blocks and reports them, and remembers the rules of each pair', async () => {
    const report = await buildCandidates(db, resolveSettings(settings()));
    // SITI has 3 right rows > cap 2: dropped. AGUS has 1: kept. NIK masks find exact and one-digit-off NIKs.
    expect(await pairs()).toEqual([
      [1, 10, ['nik~1']],
      [1, 11, ['nik~1']],
      [2, 13, ['nik~1']],
      [3, 14, ['nama']],
    ]);
    expect(report.droppedBlocks).toEqual([{ rule: 'nama', key: 'SITI', size: 3, leftRows: 2 }]);
    expect(report.droppedBlockCount).toBe(1);
    expect(report.candidates).toBe(4);
    expect(report.perLeftRow).toBe(1);
    expect(report.maxPerLeftRow).toBe(2);
    expect(report.rulePairs).toEqual([
      { rule: 'nik~1', pairs: 3, only: 3 },
      { rule: 'nama', pairs: 1, only: 1 },
    ]);
    expect(await db.all('SELECT rule_index, bit, rule, max_block_size, pairs FROM t_blocking_rules')).toEqual(
      [
        { rule_index: 0, bit: 1, rule: 'nik~1', max_block_size: null, pairs: 3 },
        { rule_index: 1, bit: 2, rule: 'nama', max_block_size: 2, pairs: 1 },
      ],
    );
    expect(await db.all('SELECT rule, key, size, left_rows FROM t_dropped_blocks')).toEqual([
      { rule: 'nama', key: 'SITI', size: 3, left_rows: 2 },
    ]);
  });

  it('keeps a pair once when several rules and list elements produce it', async () => {
    const s = settings({
      blocking: [
        { name: 'nik~1', leftKey: masked('l.nik'), rightKey: masked('r.nik') },
        { name: 'nama', leftKey: 'l.nama', rightKey: 'r.nama' },
      ],
    });
    await buildCandidates(db, resolveSettings(s));
    const rows = await pairs();
    // (1,10) shares all 16 masked keys and the name: still one row, with both rules.
    expect(rows.filter(([l, r]) => l === 1 && r === 10)).toEqual([[1, 10, ['nik~1', 'nama']]]);
    expect(new Set(rows.map(([l, r]) => `${l}-${r}`)).size).toBe(rows.length);
  });

  it("keeps a filtered rule's pairs only where its filter holds, and a pair another rule finds anyway", async () => {
    // Shares ten digits with BUDI's NIK, four of the last six differ.
    await db.exec(`INSERT INTO rt VALUES (15, 'BUDIMAN', '3328011111119999')`);
    const s = settings({
      blocking: [
        // Shares the first ten NIK digits, but only NIKs at most one digit apart count.
        {
          name: 'nik10',
          leftKey: 'left(l.nik, 10)',
          rightKey: 'left(r.nik, 10)',
          filter: 'hamming(l.nik, r.nik) <= 1',
        },
        { name: 'nama', leftKey: 'l.nama', rightKey: 'r.nama' },
      ],
    });
    const report = await buildCandidates(db, resolveSettings(s));
    const rows = await db.all<{ l_id: number; r_id: number; rules: string }>(
      'SELECT l_id, r_id, rules::VARCHAR AS rules FROM t_candidates ORDER BY l_id, r_id',
    );
    const got = rows.map((r) => [r.l_id, r.r_id, ruleNames(resolveSettings(s), r.rules)]);
    expect(got).toEqual([
      [1, 10, ['nik10', 'nama']],
      [1, 11, ['nik10', 'nama']],
      [1, 12, ['nama']],
      [2, 13, ['nik10']],
      [3, 14, ['nama']],
      [4, 10, ['nama']],
      [4, 11, ['nama']],
      [4, 12, ['nama']],
    ]);
    expect(got.some(([l, r]) => l === 2 && r === 15)).toBe(false);
    expect(report.rulePairs[0]).toEqual({ rule: 'nik10', pairs: 3, only: 1 });
  });

  it('carries the columns a filter names beside the keys, also with a cap and the ids themselves', async () => {
    const s = settings({
      blocking: [
        {
          name: 'nik10',
          leftKey: 'left(l.nik, 10)',
          rightKey: 'left(r.nik, 10)',
          maxBlockSize: 3,
          // Names the right id and a column that is no part of either key.
          filter: 'l.nama = r.nama AND r.id <> 11 AND l.nik IS NOT NULL',
        },
      ],
    });
    expect(filterColumns(s.blocking[0]?.filter, 'l')).toEqual(['nama', 'nik']);
    expect(filterColumns(s.blocking[0]?.filter, 'r')).toEqual(['nama', 'id']);
    await buildCandidates(db, resolveSettings(s));
    // 3328011111 is BUDI's (13, BUDY: another name), 3328015203 SITI's: 10 passes, 11 is excluded by id.
    expect(await db.all('SELECT l_id, r_id FROM t_candidates ORDER BY ALL')).toEqual([{ l_id: 1, r_id: 10 }]);
  });

  it('joins keys of different but comparable types', async () => {
    // INTEGER against BIGINT keys still meet.
    const s = settings({
      blocking: [{ name: 'len', leftKey: 'length(l.nama)::INTEGER', rightKey: 'length(r.nama)::BIGINT' }],
    });
    await buildCandidates(db, resolveSettings(s));
    expect(await db.count('SELECT count(*) FROM t_candidates WHERE l_id = 2')).toBe(5);
  });

  it('forms each pair once and never a row with itself when deduplicating one table', async () => {
    await db.exec(
      `CREATE TABLE people AS SELECT * FROM (VALUES (1, 'A'), (2, 'A'), (3, 'A'), (4, 'B'), (5, NULL), (6, NULL)) t(id, k)`,
    );
    const report = await buildCandidates(
      db,
      resolveSettings({
        left: { table: 'people', id: 'id' },
        right: { table: 'people', id: 'id' },
        prefix: 't',
        comparisons: [{ name: 'k', levels: [{ label: 'exact', when: 'l.k = r.k' }] }],
        blocking: [{ name: 'k', leftKey: 'l.k', rightKey: 'r.k' }],
      }),
    );
    const rows = await db.all<{ l_id: number; r_id: number }>(
      'SELECT l_id, r_id FROM t_candidates ORDER BY ALL',
    );
    expect(rows).toEqual([
      { l_id: 1, r_id: 2 },
      { l_id: 1, r_id: 3 },
      { l_id: 2, r_id: 3 },
    ]);
    expect(report.rightRows).toBe(6);
  });
});
