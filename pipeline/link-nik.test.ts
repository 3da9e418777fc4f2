import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db } from './db.js';
import { digitsSorted, windows } from './link-nik.js';

/**
 * The NIK keys as numbers must say what the text forms said: the same sorted digits, and the NIK
 * with each window of four digits cut out. Checked against the text forms on NIKs made to share
 * digits (one slip, two swapped, serials, the same digits in another order).
 */
let db: Db;
beforeAll(async () => {
  db = await Db.open({ path: ':memory:', threads: 2 });
  await db.exec(`
    CREATE TABLE base AS SELECT lpad((hash(i, 7) % 10000000000000000)::VARCHAR, 16, '0') AS nik FROM range(300) t(i);
    CREATE TABLE niks AS
      SELECT nik FROM base
      UNION ALL SELECT left(nik, 5) || ((substr(nik, 6, 1)::INT + 1) % 10)::VARCHAR || substr(nik, 7) FROM base
      UNION ALL SELECT left(nik, 8) || substr(nik, 10, 1) || substr(nik, 9, 1) || substr(nik, 11) FROM base
      UNION ALL SELECT reverse(nik) FROM base
      UNION ALL SELECT left(nik, 12) || '0001' FROM base
      UNION ALL SELECT left(nik, 12) || '0010' FROM base
      UNION ALL VALUES ('0000000000000000'), ('9999999999999999'), ('1234567890123456'), ('6543210987654321');
  `);
});
afterAll(() => db.close());

describe('NIK keys', () => {
  it('gives two NIKs the same sorted-digit number exactly when their sorted digits are the same', async () => {
    const disagree = await db.count(`
      WITH k AS (SELECT DISTINCT nik, ${digitsSorted('nik')} AS n,
        array_to_string(list_sort(string_split(nik, '')), '') AS t FROM niks)
      SELECT count(*) FROM k a JOIN k b ON a.nik < b.nik WHERE (a.n = b.n) <> (a.t = b.t)`);
    const same = await db.count(`
      WITH k AS (SELECT DISTINCT nik, ${digitsSorted('nik')} AS n FROM niks)
      SELECT count(*) FROM k a JOIN k b ON a.nik < b.nik AND a.n = b.n`);
    expect(disagree).toBe(0);
    // The test means something: reversed and swapped NIKs share their sorted digits.
    expect(same).toBeGreaterThan(300);
  });

  it('gives two NIKs a common window key exactly when the text keys had one', async () => {
    const text = (col: string) =>
      `list_transform([1, 5, 9, 13, 3, 7, 11], s -> s || ':' || left(${col}, s - 1) || substr(${col}, s + 4))`;
    const rows = await db.all<{ n: number; t: number; both: number }>(`
      WITH k AS (SELECT DISTINCT nik FROM niks),
      num AS (SELECT nik, unnest(${windows('nik')}) AS key FROM k),
      txt AS (SELECT nik, unnest(${text('nik')}) AS key FROM k),
      pn AS (SELECT DISTINCT a.nik AS x, b.nik AS y FROM num a JOIN num b ON a.key = b.key AND a.nik < b.nik),
      pt AS (SELECT DISTINCT a.nik AS x, b.nik AS y FROM txt a JOIN txt b ON a.key = b.key AND a.nik < b.nik)
      SELECT (SELECT count(*) FROM pn) AS n, (SELECT count(*) FROM pt) AS t,
        (SELECT count(*) FROM pn JOIN pt USING (x, y)) AS both`);
    const r = rows[0] as { n: number; t: number; both: number };
    expect(Number(r.n)).toBe(Number(r.t));
    expect(Number(r.both)).toBe(Number(r.t));
    expect(Number(r.t)).toBeGreaterThan(600);
  });
});
