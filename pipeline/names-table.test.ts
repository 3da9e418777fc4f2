import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Db } from './db.js';
import { jaroWinkler, nameKeys, nameTokens, normaliseName, phoneticKey } from './names.js';
import { buildNamesTable } from './names-table.js';

const NAMES = [
  'H. MOCH. YUSUF, S.PD',
  'MUHAMMAD YUSUF',
  'SITI AMINAH',
  'ST. AMINAH',
  'SITI NURHAYATI',
  'NUR HAYATI',
  'DJOKO WIDODO',
  'JOKO WIDODO',
  'TJAHJO KUMOLO',
  'HJ. SITI NURHALIZA',
  'MUHAMAD IQBAL',
  'IBU',
  '',
];

interface NameRow {
  nama_asal: string;
  nama_norm: string;
  nama_gabung: string;
  tokens: string[];
  fonetik: string[];
  inisial: string;
}

let db: Db;

beforeEach(async () => {
  db = await Db.open({ path: ':memory:', threads: 2 });
});

afterEach(() => {
  db.close();
});

describe('buildNamesTable', () => {
  it('normalises each distinct name once, across sources, whatever the number of rows', async () => {
    // 10,000 rows over 50 distinct names in one table, 40 of the same names (and NULLs) in another.
    const distinctNames = Array.from(
      { length: 50 },
      (_, i) => `${NAMES[i % NAMES.length]} ${'X'.repeat(1 + i)}`,
    );
    await db.exec('CREATE TABLE distinct_names (k INTEGER, nama VARCHAR)');
    for (const [k, nama] of distinctNames.entries()) {
      await db.exec('INSERT INTO distinct_names VALUES (?, ?)', [k, nama]);
    }
    await db.exec(`CREATE TABLE dtks AS
      SELECT d.nama FROM range(10000) t(i) JOIN distinct_names d ON d.k = t.i % 50 ORDER BY t.i`);
    await db.exec(`CREATE TABLE dukcapil AS
      SELECT CASE WHEN t.i % 5 = 0 THEN NULL ELSE d.nama END AS nama_lgkp
      FROM range(2000) t(i) JOIN distinct_names d ON d.k = t.i % 40`);
    expect(await db.count('SELECT count(*) FROM dtks')).toBe(10000);

    const result = await buildNamesTable(db, [
      { table: 'dtks', column: 'nama' },
      { table: 'dukcapil', column: 'nama_lgkp' },
    ]);
    expect(result.distinct).toBe(50);
    expect(await db.count('SELECT count(*) FROM names')).toBe(50);
    expect(await db.count('SELECT count(DISTINCT nama_asal) FROM names')).toBe(50);
    expect(await db.count('SELECT count(*) FROM names WHERE nama_asal IS NULL')).toBe(0);

    const rows = await db.all<NameRow>('SELECT * FROM names');
    for (const row of rows) {
      const norm = normaliseName(row.nama_asal);
      expect(row.nama_norm).toBe(norm);
      expect(row.nama_gabung).toBe(norm.replaceAll(' ', ''));
      expect(row.tokens).toEqual(nameTokens(norm));
      expect(row.fonetik).toEqual(nameTokens(norm).map(phoneticKey));
      expect(row.inisial).toBe(
        nameTokens(norm)
          .map((t) => t[0])
          .join(''),
      );
    }
  });

  it('gives every name the keys nameKeys gives it, put together in SQL or not', async () => {
    // Names of one to eight words from the reference list of Indonesian names, with titles, the
    // Haji marks, degrees, the abbreviations M and ST first, dots and commas among them: most are
    // put together word by word in SQL, the rest go through nameKeys whole.
    const corpus = (
      await readFile(new URL('../reference/names/nama-gender-combined.csv', import.meta.url), 'utf8')
    )
      .split('\n')
      .slice(1)
      .map((line) => line.split(',')[0]?.toUpperCase() ?? '')
      .filter((w) => /^[A-Z]+$/.test(w));
    const marks = [
      'H',
      'HJ',
      'DR',
      'IR',
      'SE',
      'SH',
      'M',
      'ST',
      'MUH',
      'MOCH',
      'BIN',
      'BINTI',
      'S.PD',
      'H.',
      'A.MD',
    ];
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 48271) % 2147483647;
      return seed % n;
    };
    const names = Array.from({ length: 20000 }, () => {
      const words = Array.from({ length: 1 + random(8) }, () =>
        random(6) === 0 ? (marks[random(marks.length)] as string) : (corpus[random(corpus.length)] as string),
      );
      const name = words.join(' ');
      return random(20) === 0 ? name.replace(' ', ', ') : random(3) === 0 ? name.toLowerCase() : name;
    });
    await db.exec('CREATE TABLE people (nama VARCHAR)');
    const appender = await db.connection.createAppender('people');
    for (const name of names) {
      appender.appendVarchar(name);
      appender.endRow();
    }
    appender.closeSync();
    await buildNamesTable(db, [{ table: 'people', column: 'nama' }]);
    const rows = await db.all<NameRow>('SELECT * FROM names');
    expect(rows).toHaveLength(new Set(names).size);
    for (const row of rows) {
      const keys = nameKeys(row.nama_asal);
      expect(row, row.nama_asal).toMatchObject({
        nama_norm: keys.norm,
        nama_gabung: keys.norm.replaceAll(' ', ''),
        tokens: nameTokens(keys.norm),
        fonetik: keys.norm === '' ? [] : keys.fonetik,
        inisial: keys.inisial,
      });
    }
  });

  it('fills the columns for sample names, empty ones included', async () => {
    await db.exec('CREATE TABLE people (nama VARCHAR)');
    for (const n of [...NAMES, null]) await db.exec('INSERT INTO people VALUES (?)', [n]);
    await buildNamesTable(db, [{ table: 'people', column: 'nama' }], 'nama_kunci');
    const get = (raw: string) => db.one<NameRow>('SELECT * FROM nama_kunci WHERE nama_asal = ?', [raw]);

    expect(await get('H. MOCH. YUSUF, S.PD')).toMatchObject({
      nama_norm: 'MUHAMMAD YUSUF',
      nama_gabung: 'MUHAMMADYUSUF',
      tokens: ['MUHAMMAD', 'YUSUF'],
      fonetik: [phoneticKey('MUHAMMAD'), phoneticKey('YUSUF')],
      inisial: 'MY',
    });
    expect((await get('TJAHJO KUMOLO'))?.nama_norm).toBe('CAHYO KUMOLO');
    expect((await get('NUR HAYATI'))?.nama_gabung).toBe('NURHAYATI');
    for (const empty of ['', 'IBU']) {
      expect(await get(empty)).toMatchObject({
        nama_norm: '',
        nama_gabung: '',
        tokens: [],
        fonetik: [],
        inisial: '',
      });
    }
    expect(await db.count('SELECT count(*) FROM nama_kunci')).toBe(NAMES.length);
  });

  it('keeps phonetic keys aligned with tokens when a key is empty', async () => {
    await db.exec(`CREATE TABLE people AS SELECT * FROM (VALUES ('AHMAD H YUSUF'), ('H')) t(nama)`);
    await buildNamesTable(db, [{ table: 'people', column: 'nama' }]);
    const row = await db.one<NameRow>(`SELECT * FROM names WHERE nama_asal = 'AHMAD H YUSUF'`);
    expect(row?.tokens).toEqual(['AHMAD', 'H', 'YUSUF']);
    expect(row?.fonetik).toHaveLength(3);
    expect(row?.fonetik).toEqual(['AHMAD', 'H', 'YUSUF'].map(phoneticKey));
  });

  it('counts token frequencies over rows, once per name', async () => {
    await db.exec(`CREATE TABLE dtks AS SELECT * FROM (VALUES
      ('MUHAMMAD YUSUF'), ('MOCH. YUSUF'), ('M. IQBAL'), ('SITI AMINAH'), ('SITI SITI'), ('IBU'), (NULL)) t(nama)`);
    await db.exec(`CREATE TABLE dukcapil AS SELECT * FROM (VALUES
      ('MUHAMMAD YUSUF'), ('STI AMINAH'), ('HJ. SITI AMINAH')) t(nama)`);
    await db.exec(`CREATE TABLE ibu AS SELECT * FROM (VALUES ('SITI AMINAH'), ('SITI AMINAH')) t(nama)`);
    const result = await buildNamesTable(db, [
      { table: 'dtks', column: 'nama' },
      { table: 'dukcapil', column: 'nama' },
      { table: 'ibu', column: 'nama', frequency: false },
    ]);
    const freq = await db.all<{ token: string; n: number; rel_freq: number }>(
      'SELECT * FROM name_token_freq',
    );
    // 8 rows with a non-empty key: the NULL, the title-only IBU and the non-counted source are out.
    expect(freq).toEqual(
      [
        { token: 'SITI', n: 4, rel_freq: 4 / 8 },
        { token: 'AMINAH', n: 3, rel_freq: 3 / 8 },
        { token: 'MUHAMMAD', n: 4, rel_freq: 4 / 8 },
        { token: 'YUSUF', n: 3, rel_freq: 3 / 8 },
        { token: 'IQBAL', n: 1, rel_freq: 1 / 8 },
      ].sort((a, b) => b.n - a.n || (a.token < b.token ? -1 : 1)),
    );
    expect(result.tokens).toBe(5);
  });

  it('rebuilds cleanly when run again', async () => {
    await db.exec(`CREATE TABLE people AS SELECT * FROM (VALUES ('SITI'), ('BUDI')) t(nama)`);
    await buildNamesTable(db, [{ table: 'people', column: 'nama' }]);
    await db.exec(`INSERT INTO people VALUES ('JOKO')`);
    const again = await buildNamesTable(db, [{ table: 'people', column: 'nama' }]);
    expect(again.distinct).toBe(3);
    expect(await db.count('SELECT count(*) FROM names')).toBe(3);
    expect(await db.count(`SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '%stage%'`)).toBe(0);
  });

  it('streams more names than one chunk holds', async () => {
    // Several DuckDB chunks (2,048 rows each): appending on the streaming connection would cut
    // the stream short after the first flush, so every name must be there.
    await db.exec(`CREATE TABLE people AS SELECT 'NAMA ' || i AS nama FROM range(25000) t(i)`);
    const result = await buildNamesTable(db, [{ table: 'people', column: 'nama' }]);
    expect(result.distinct).toBe(25000);
    expect(await db.count('SELECT count(*) FROM names')).toBe(25000);
  });
});

describe('jaroWinkler agrees with DuckDB', () => {
  it('on random pairs of name-like strings', async () => {
    const letters = 'AIUEOSNMRTHKY ';
    let seed = 11;
    const random = (n: number) => {
      seed = (seed * 48271) % 2147483647;
      return seed % n;
    };
    const word = () => Array.from({ length: random(12) }, () => letters[random(letters.length)]).join('');
    const pairs = Array.from({ length: 2000 }, () => [word(), word()] as const);
    pairs.push(
      ['MARTHA', 'MARHTA'],
      ['SITI AMINAH', 'SITI NURHALIZA'],
      ['', ''],
      ['NURHAYATI', 'NUR HAYATI'],
    );
    await db.exec('CREATE TABLE pairs (a VARCHAR, b VARCHAR)');
    const appender = await db.connection.createAppender('pairs');
    for (const [a, b] of pairs) {
      appender.appendVarchar(a);
      appender.appendVarchar(b);
      appender.endRow();
    }
    appender.closeSync();
    const rows = await db.all<{ a: string; b: string; s: number }>(
      'SELECT a, b, jaro_winkler_similarity(a, b) AS s FROM pairs',
    );
    expect(rows).toHaveLength(pairs.length);
    for (const { a, b, s } of rows) expect(jaroWinkler(a, b), `${a} / ${b}`).toBeCloseTo(s, 12);
  });
});
