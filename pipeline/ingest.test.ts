import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Db } from './db.js';
import { InputError } from './errors.js';
import { createRejectedTable, ingestInput } from './ingest.js';

const HEADER = [
  'ID DTKS',
  'PROVINSI',
  'KABUPATEN/KOTA',
  'KECAMATAN',
  'DESA/KELURAHAN',
  'NOMOR KK',
  'NOMOR NIK',
  'NAMA',
  'TANGGAL LAHIR',
  'JENIS KELAMIN',
  'HUBUNGAN KELUARGA',
];

function row(id: string, nama: string, nik = '3328015203850002'): string[] {
  return [
    id,
    'JAWA TENGAH',
    'KAB. TEGAL',
    'ADIWERNA',
    'HARJOSARI KIDUL',
    '3328011201100003',
    nik,
    nama,
    '12-03-1985',
    'P',
    '2',
  ];
}

let dir: string;
let db: Db;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'padan-ingest-'));
  db = await Db.open({ path: ':memory:' });
  await createRejectedTable(db);
});
afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

describe('ingest CSV', () => {
  it('keeps NIKs as text, detects the delimiter, strips the BOM and matches headers loosely', async () => {
    const header = HEADER.map((h, i) => (i === 0 ? ' id  dtks ' : h.toLowerCase()));
    const lines = [
      header.join(';'),
      row('1', 'SITI', '0012345678901234').join(';'),
      row('2', 'BUDI').join(';'),
    ];
    const path = await write('dtks.csv', `\uFEFF${lines.join('\r\n')}\r\n`);
    const report = await ingestInput(db, 'dtks', path, { tempDir: dir });
    expect(report).toMatchObject({
      format: 'csv',
      delimiter: ';',
      encoding: 'utf-8',
      rowsRead: 2,
      rowsLoaded: 2,
    });
    const rows = await db.all<{ id_dtks: string; nik: string; _baris: number }>(
      'SELECT id_dtks, nik, _baris FROM raw_dtks ORDER BY _baris',
    );
    expect(rows).toEqual([
      { id_dtks: '1', nik: '0012345678901234', _baris: 2 },
      { id_dtks: '2', nik: '3328015203850002', _baris: 3 },
    ]);
  });

  it.each([
    [',', ','],
    ['|', '|'],
    ['\t', 'tab'],
  ])('detects the %j delimiter', async (delim, reported) => {
    const lines = [HEADER.join(delim), row('1', 'A').join(delim)];
    const path = await write('d.csv', `${lines.join('\n')}\n`);
    const report = await ingestInput(db, 'dtks', path, { tempDir: dir });
    expect(report.delimiter).toBe(reported);
    expect(report.rowsLoaded).toBe(1);
  });

  it('rejects unreadable lines with their line numbers and the accounting adds up', async () => {
    const lines = [
      HEADER.join(','),
      row('1', 'A').join(','),
      row('2', 'B').slice(0, 5).join(','), // too few fields
      row('3', '"SUPARMAN, S.PD"').join(','), // quoted delimiter: fine
      [...row('4', 'C'), 'extra'].join(','), // too many fields
      row('5', 'D').join(','),
    ];
    const path = await write('dtks.csv', `${lines.join('\n')}\n`);
    const report = await ingestInput(db, 'dtks', path, { tempDir: dir });
    expect(report.rowsRead).toBe(5);
    expect(report.rowsLoaded).toBe(3);
    expect(report.rowsRejected).toBe(2);
    expect(report.rowsRead).toBe(report.rowsLoaded + report.rowsRejected);
    const rejected = await db.all<{ line: number; raw: string; reason: string }>(
      'SELECT line, raw, reason FROM rejected ORDER BY line',
    );
    expect(rejected.map((r) => r.line)).toEqual([3, 5]);
    expect(rejected[0]?.reason).toMatch(/^MISSING COLUMNS.*Expected Number of Columns: 11 Found: 5/);
    expect(rejected[1]?.reason).toMatch(/^TOO MANY COLUMNS/);
    expect(rejected[0]?.raw).toContain('KAB. TEGAL');
    const loaded = await db.all<{ id_dtks: string; nama: string; _baris: number }>(
      'SELECT id_dtks, nama, _baris FROM raw_dtks ORDER BY _baris',
    );
    expect(loaded).toEqual([
      { id_dtks: '1', nama: 'A', _baris: 2 },
      { id_dtks: '3', nama: 'SUPARMAN, S.PD', _baris: 4 },
      { id_dtks: '5', nama: 'D', _baris: 6 },
    ]);
  });

  it('moves rows with an empty or repeated ID DTKS to the rejected lines', async () => {
    const lines = [
      HEADER.join(','),
      row('1', 'A').join(','),
      row('', 'B').join(','),
      row('1', 'C').join(','),
    ];
    const path = await write('dtks.csv', `${lines.join('\n')}\n`);
    const report = await ingestInput(db, 'dtks', path, { tempDir: dir });
    expect(report).toMatchObject({ rowsRead: 3, rowsLoaded: 1, rowsRejected: 2 });
    const rejected = await db.all<{ line: number; reason: string }>(
      'SELECT line, reason FROM rejected ORDER BY line',
    );
    expect(rejected).toEqual([
      { line: 3, reason: 'ID DTKS is empty' },
      { line: 4, reason: 'ID DTKS repeats the row on line 2' },
    ]);
  });

  it('reads a Windows-1252 file and keeps its characters', async () => {
    const text = `${HEADER.join(';')}\n${row('1', 'JOS\u00c9 D\u2019SOUZA').join(';')}\n`;
    const bytes = Buffer.from([...text].map((ch) => (ch === '\u2019' ? 0x92 : ch.charCodeAt(0))));
    const path = await write('cp1252.csv', bytes);
    const report = await ingestInput(db, 'dtks', path, { tempDir: dir });
    expect(report.encoding).toBe('windows-1252');
    const r = await db.one<{ nama: string }>('SELECT nama FROM raw_dtks');
    expect(r?.nama).toBe('JOS\u00c9 D\u2019SOUZA');
  });

  it('rejects a line with broken UTF-8 in a UTF-8 file', async () => {
    const good = Buffer.from(`${HEADER.join(',')}\n${row('1', 'JOS\u00c9').join(',')}\n`);
    const bad = Buffer.concat([
      Buffer.from(row('2', 'X').join(',').replace('X', 'X\xff'), 'latin1'),
      Buffer.from('\n'),
    ]);
    const path = await write(
      'mixed.csv',
      Buffer.concat([good, Buffer.from(`${row('3', 'Z').join(',')}\n`), bad]),
    );
    const report = await ingestInput(db, 'dtks', path, { tempDir: dir });
    expect(report.encoding).toBe('utf-8');
    expect(report).toMatchObject({ rowsRead: 3, rowsLoaded: 2, rowsRejected: 1 });
    const r = await db.one<{ line: number; reason: string }>('SELECT line, reason FROM rejected');
    expect(r?.line).toBe(4);
    expect(r?.reason).toMatch(/^INVALID ENCODING in column "NAMA"/);
  });

  it('counts a quoted field with a line break as one record', async () => {
    const lines = [HEADER.join(','), row('1', '"A\nB"').join(','), row('2', 'C').join(',')];
    const path = await write('ml.csv', `${lines.join('\n')}\n\n`);
    const report = await ingestInput(db, 'dtks', path, { tempDir: dir });
    expect(report).toMatchObject({ rowsRead: 2, rowsLoaded: 2, lineNumbersExact: false });
  });

  it('fails with the file and the missing column named', async () => {
    const path = await write('dtks.csv', `${HEADER.filter((h) => h !== 'NAMA').join(',')}\n`);
    await expect(ingestInput(db, 'dtks', path, { tempDir: dir })).rejects.toThrow(InputError);
    await expect(ingestInput(db, 'dtks', path, { tempDir: dir })).rejects.toThrow(/dtks\.csv.*"NAMA"/);
  });

  it('fails clearly on a missing or empty file', async () => {
    await expect(ingestInput(db, 'dukcapil', join(dir, 'none.csv'), { tempDir: dir })).rejects.toThrow(
      /--dukcapil .*none\.csv: cannot be opened/,
    );
    const empty = await write('empty.csv', '');
    await expect(ingestInput(db, 'dukcapil', empty, { tempDir: dir })).rejects.toThrow(/empty/);
  });
});

describe('ingest Parquet', () => {
  it('reads the same layout from Parquet, every column as text', async () => {
    const path = join(dir, 'dtks.parquet');
    const cols = HEADER.map((h, i) => `${i === 6 ? "'0012345678901234'" : `'v${i}'`} AS "${h}"`).join(', ');
    await db.exec(`COPY (SELECT ${cols}, 42 AS "EXTRA ANGKA") TO '${path}' (FORMAT parquet)`);
    const report = await ingestInput(db, 'dtks', path, { tempDir: dir });
    expect(report).toMatchObject({
      format: 'parquet',
      rowsRead: 1,
      rowsLoaded: 1,
      extraColumns: ['EXTRA ANGKA'],
    });
    const r = await db.one<Record<string, string>>('SELECT nik, "EXTRA ANGKA", _baris FROM raw_dtks');
    expect(r).toEqual({ nik: '0012345678901234', 'EXTRA ANGKA': '42', _baris: 1 });
  });
});
