import type { Db } from '../db.js';
import type { LinkSettings } from './settings.js';

/**
 * Synthetic people with known parameters. Right: 20,000 records with fields a (50 values), b (100), c (20)
 * and a 6-digit code d, uniformly random. Left: 5,000 corrupted copies of right records and 5,000 new
 * random records. Blocking on `blk` (never corrupted, not compared) makes non-matching candidates random
 * with respect to the compared fields, so u among candidates equals u among random pairs and the truth is:
 *   m(a exact) = 0.9 + 0.1/50, m(b exact) = 0.8 + 0.2/100, m(c exact) = 0.95 + 0.05/20,
 *   m(d exact) ≈ 0.75, m(d one digit off) = 0.15, u(a) = 1/50, u(b) = 1/100, u(c) = 1/20.
 */
export async function syntheticTables(db: Db): Promise<void> {
  // One hash of a distinct string per draw: hash(i, key) would correlate draws that share i.
  const rnd = (key: string, mod: number) => `(hash(i::VARCHAR || ':${key}') % ${mod})`;
  const p = (key: string) => `(hash(i::VARCHAR || ':${key}') % 1000000) / 1000000.0`;
  await db.exec(`
    CREATE TABLE syn_r AS SELECT i AS id, ${rnd('blk', 500)} AS blk, ${rnd('a', 50)} AS a, ${rnd('b', 100)} AS b,
      ${rnd('c', 20)} AS c, lpad(${rnd('d', 1000000)}::VARCHAR, 6, '0') AS d
    FROM range(20000) t(i);
    CREATE TABLE syn_l AS
    WITH src AS (
      SELECT i AS id, CASE WHEN i < 5000 THEN ${rnd('pick', 20000)}::BIGINT END AS rid FROM range(10000) t(i)
    ), base AS (
      SELECT s.id, s.rid, coalesce(r.blk, ${rnd('nblk', 500)}) AS blk, coalesce(r.a, ${rnd('na', 50)}) AS a,
        coalesce(r.b, ${rnd('nb', 100)}) AS b, coalesce(r.c, ${rnd('nc', 20)}) AS c,
        coalesce(r.d, lpad(${rnd('nd', 1000000)}::VARCHAR, 6, '0')) AS d
      FROM (SELECT id AS i, * FROM src) s LEFT JOIN syn_r r ON r.id = s.rid
    )
    SELECT id, rid, blk,
      CASE WHEN rid IS NOT NULL AND ${p('xa')} < 0.1 THEN ${rnd('ra', 50)} ELSE a END AS a,
      CASE WHEN rid IS NOT NULL AND ${p('xb')} < 0.2 THEN ${rnd('rb', 100)} ELSE b END AS b,
      CASE WHEN rid IS NOT NULL AND ${p('xc')} < 0.05 THEN ${rnd('rc', 20)} ELSE c END AS c,
      CASE WHEN rid IS NULL THEN d
           WHEN ${p('xd')} < 0.15 THEN
             -- one digit changed: position k gets a different digit
             left(d, k) || ((substr(d, k + 1, 1)::INTEGER + 1 + ${rnd('dd', 9)}) % 10)::VARCHAR || substr(d, k + 2)
           WHEN ${p('xd')} < 0.25 THEN lpad(${rnd('rd', 1000000)}::VARCHAR, 6, '0')
           ELSE d END AS d
    FROM (SELECT *, id AS i, ${rnd('dk', 6)}::INTEGER AS k FROM base);
  `);
}

export function syntheticSettings(prefix = 'syn'): LinkSettings {
  return {
    left: { table: 'syn_l', id: 'id' },
    right: { table: 'syn_r', id: 'id' },
    prefix,
    comparisons: [
      { name: 'a', levels: [{ label: 'exact', when: 'l.a = r.a' }] },
      { name: 'b', levels: [{ label: 'exact', when: 'l.b = r.b' }] },
      { name: 'c', levels: [{ label: 'exact', when: 'l.c = r.c' }] },
      {
        name: 'd',
        levels: [
          { label: 'exact', when: 'l.d = r.d' },
          { label: 'one edit', when: 'levenshtein(l.d, r.d) = 1' },
        ],
      },
    ],
    blocking: [{ name: 'blk', leftKey: 'l.blk', rightKey: 'r.blk' }],
    uSampleSize: 400_000,
  };
}
