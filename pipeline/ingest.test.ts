import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Db } from './db.js';
import { InputError } from './errors.js';
import { createRejectedTable, ingestInput, readInput } from './ingest.js';

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
    expect(rejected[0]?.reason).toBe('MISSING COLUMNS: expected 11 fields (as many as the header), found 5');
    expect(rejected[1]?.reason).toBe(
      'TOO MANY COLUMNS: expected 11 fields (as many as the header), found 12',
    );
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

  it('loads a quoted field with a line break as one record, with exact line numbers after it', async () => {
    const lines = [
      HEADER.join(','),
      row('1', '"A\nB"').join(','), // lines 2-3
      '',
      row('2', 'C').join(','), // line 5, after a blank line
      row('3', '"D\r\nE ""F"""').join(','), // lines 6-7: a CR inside quotes is content
      row('4', 'G').join(','),
    ];
    const path = await write('ml.csv', `${lines.join('\n')}\n\n`);
    const report = await ingestInput(db, 'dtks', path, { tempDir: dir });
    expect(report).toMatchObject({
      rowsRead: 4,
      rowsLoaded: 4,
      rowsRejected: 0,
      physicalLines: 9,
      blankLines: 2,
      multilineRecords: 2,
    });
    const rows = await db.all<{ id_dtks: string; nama: string; _baris: number }>(
      'SELECT id_dtks, nama, _baris FROM raw_dtks ORDER BY _baris',
    );
    expect(rows).toEqual([
      { id_dtks: '1', nama: 'A\nB', _baris: 2 },
      { id_dtks: '2', nama: 'C', _baris: 5 },
      { id_dtks: '3', nama: 'D\r\nE "F"', _baris: 6 },
      { id_dtks: '4', nama: 'G', _baris: 8 },
    ]);
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

describe('the Dukcapil columns padan never reads', () => {
  const header = [
    'NIK',
    'NO_KK',
    'NAMA_LGKP',
    'TMPT_LHR',
    'TGL_LHR',
    'JENIS_KLMIN',
    'ALAMAT',
    'NO_RT',
    'NO_RW',
    'NO_PROP',
    'NO_KAB',
    'NO_KEC',
    'NO_KEL',
    'STATUS_KAWIN',
    'AGAMA',
    'STAT_HIDUP',
    'CATATAN PETUGAS',
  ];
  const values = [
    '3328015203850002',
    '3328011201100003',
    'SITI AMINAH',
    'TEGAL',
    '1985-03-12',
    'PEREMPUAN',
    'JL. MAWAR 3',
    '001',
    '002',
    '33',
    '28',
    '1',
    '2001',
    'KAWIN',
    'ISLAM',
    'HIDUP',
    'pindah?',
  ];
  const loaded = async () =>
    (
      await db.all<{ column_name: string }>(
        `SELECT column_name FROM duckdb_columns() WHERE table_name = 'raw_dukcapil' ORDER BY column_index`,
      )
    ).map((r) => r.column_name);
  const kept = [
    '_sumber',
    '_baris',
    'nik',
    'no_kk',
    'nama',
    'tgl_lahir',
    'jenis_kelamin',
    'no_prop',
    'no_kab',
    'no_kec',
    'no_kel',
    'stat_hidup',
  ];

  it('are read but not loaded from CSV: address, religion, marital status and extra columns', async () => {
    const path = await write('dukcapil.csv', `${header.join(';')}\n${values.join(';')}\n`);
    const report = await ingestInput(db, 'dukcapil', path, { tempDir: dir });
    expect(report).toMatchObject({
      rowsRead: 1,
      rowsLoaded: 1,
      rowsRejected: 0,
      extraColumns: ['CATATAN PETUGAS'],
    });
    expect(await loaded()).toEqual(kept);
    expect(await db.one('SELECT nik, nama, stat_hidup, _baris FROM raw_dukcapil')).toEqual({
      nik: '3328015203850002',
      nama: 'SITI AMINAH',
      stat_hidup: 'HIDUP',
      _baris: 2,
    });
  });

  it('and a line that lacks one of them is still rejected as short', async () => {
    const path = await write(
      'dukcapil.csv',
      `${header.join(';')}\n${values.join(';')}\n${values.slice(0, -1).join(';')}\n`,
    );
    const report = await ingestInput(db, 'dukcapil', path, { tempDir: dir });
    expect(report).toMatchObject({ rowsRead: 2, rowsLoaded: 1, rowsRejected: 1 });
  });

  it('are not loaded from Parquet either', async () => {
    const path = join(dir, 'dukcapil.parquet');
    await db.exec(
      `COPY (SELECT ${header.map((h, i) => `'${values[i]}' AS "${h}"`).join(', ')}) TO '${path}' (FORMAT parquet)`,
    );
    await ingestInput(db, 'dukcapil', path, { tempDir: dir });
    expect(await loaded()).toEqual(kept);
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

  it('refuses wrong columns or a broken file when it is read, before any hashing or loading', async () => {
    const path = join(dir, 'tanpa-nama.parquet');
    const cols = HEADER.filter((h) => h !== 'NAMA').map((h) => `'x' AS "${h}"`);
    await db.exec(`COPY (SELECT ${cols.join(', ')}) TO '${path}' (FORMAT parquet)`);
    // readInput needs no database: the layout is checked on the file's footer alone.
    await expect(readInput('dtks', path, { tempDir: dir })).rejects.toThrow(/tanpa-nama\.parquet.*"NAMA"/);
    const broken = await write('rusak.parquet', Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, 7)]));
    await expect(readInput('dtks', broken, { tempDir: dir })).rejects.toThrow(
      /rusak\.parquet: not a readable Parquet file/,
    );
  });
});

/** The file as lines, the rows loaded and the lines rejected, for the tests below. */
async function ingestLines(lines: (string | Buffer)[], name = 'dtks.csv', eol = '\n') {
  const parts = lines.flatMap((l, i) => [
    typeof l === 'string' ? Buffer.from(l) : l,
    ...(i < lines.length - 1 ? [Buffer.from(eol)] : []),
  ]);
  const path = await write(name, Buffer.concat(parts));
  const report = await ingestInput(db, 'dtks', path, { tempDir: dir });
  const loaded = await db.all<{ id_dtks: string; nama: string; _baris: number }>(
    'SELECT id_dtks, nama, _baris FROM raw_dtks ORDER BY _baris',
  );
  const rejected = await db.all<{ line: number; raw: string; reason: string }>(
    'SELECT line, raw, reason FROM rejected ORDER BY line',
  );
  return { report, loaded, rejected };
}

const rows = (n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => row(`ID${from + i}`, `NAMA ${from + i}`).join(','));

describe('a stray quote cannot swallow the file', () => {
  it('rejects only the line whose quote does not close, and loads every line after it', async () => {
    const data = rows(200);
    data[98] = (data[98] as string).replace('NAMA 99', '"NAMA 99'); // line 100 of the file
    const { report, loaded, rejected } = await ingestLines([HEADER.join(','), ...data, '']);
    expect(report).toMatchObject({ rowsRead: 200, rowsLoaded: 199, rowsRejected: 1 });
    expect(rejected).toEqual([
      {
        line: 100,
        raw: data[98],
        reason:
          'UNCLOSED QUOTE in column "NAMA": the quote opened on this line does not close before the next record; the line is set aside and reading goes on with the next line',
      },
    ]);
    expect(loaded.map((r) => r._baris)).toEqual(
      Array.from({ length: 201 }, (_, i) => i + 2).filter((l) => l !== 100 && l <= 201),
    );
    expect(loaded.find((r) => r._baris === 201)?.id_dtks).toBe('ID200');
  });

  it('resynchronises when the next line has quoted fields of its own', async () => {
    const data = rows(6);
    data[1] = (data[1] as string).replace('NAMA 2', '"NAMA 2');
    data[2] = (data[2] as string).replace('NAMA 3', '"SUPARMAN, S.PD"');
    const { report, loaded, rejected } = await ingestLines([HEADER.join(','), ...data, '']);
    expect(report).toMatchObject({ rowsRead: 6, rowsLoaded: 5, rowsRejected: 1 });
    expect(rejected.map((r) => r.line)).toEqual([3]);
    expect(rejected[0]?.reason).toMatch(
      /^UNCLOSED QUOTE in column "NAMA": the quoted field opened on this line closes badly on line 4/,
    );
    expect(loaded.map((r) => [r._baris, r.nama])).toEqual([
      [2, 'NAMA 1'],
      [4, 'SUPARMAN, S.PD'],
      [5, 'NAMA 4'],
      [6, 'NAMA 5'],
      [7, 'NAMA 6'],
    ]);
  });

  it('sets aside a truncated last line that ends inside a quote, and one that ends short', async () => {
    const a = await ingestLines([HEADER.join(','), ...rows(3), 'ID4,JAWA TENGAH,"KAB. TEG']);
    expect(a.report).toMatchObject({ rowsRead: 4, rowsLoaded: 3, rowsRejected: 1 });
    expect(a.rejected[0]).toMatchObject({ line: 5, raw: 'ID4,JAWA TENGAH,"KAB. TEG' });
    expect(a.rejected[0]?.reason).toMatch(
      /^UNCLOSED QUOTE in column "KABUPATEN\/KOTA": the file ends inside/,
    );
    await db.exec('DELETE FROM rejected');
    const b = await ingestLines([HEADER.join(','), ...rows(3), 'ID4,JAWA TENGAH,KAB. TEG'], 'b.csv');
    expect(b.report).toMatchObject({ rowsRead: 4, rowsLoaded: 3, rowsRejected: 1 });
    expect(b.rejected[0]).toMatchObject({
      line: 5,
      reason: 'MISSING COLUMNS: expected 11 fields (as many as the header), found 3',
    });
  });

  it('splits a multi-line record of the wrong width into its lines, each set aside with its number', async () => {
    const data = rows(4);
    data[1] = `${(data[1] as string).replace('NAMA 2', '"NAMA\n2"')},extra`;
    const { report, loaded, rejected } = await ingestLines([HEADER.join(','), ...data, '']);
    expect(rejected.map((r) => r.line)).toEqual([3, 4]);
    expect(rejected[0]?.reason).toMatch(
      /^TOO MANY COLUMNS: the quoted field opened in column "NAMA" on this line would join 2 lines/,
    );
    expect(loaded.map((r) => r._baris)).toEqual([2, 5, 6]);
    expect(report).toMatchObject({ rowsRead: 5, rowsLoaded: 3, rowsRejected: 2, physicalLines: 6 });
  });
});

describe('bytes a reader chokes on', () => {
  it('reads CRLF, LF and a mix of both (DuckDB alone stops on a mixed file)', async () => {
    const mixed = await ingestLines([
      `${HEADER.join(',')}\r`,
      `${rows(1)[0]}\r`,
      rows(1, 2)[0] as string,
      `${rows(1, 3)[0]}\r`,
      '',
    ]);
    expect(mixed.report).toMatchObject({ rowsRead: 3, rowsLoaded: 3, rowsRejected: 0 });
    expect(mixed.loaded.map((r) => r.nama)).toEqual(['NAMA 1', 'NAMA 2', 'NAMA 3']);
    const hubungan = await db.all<{ h: string }>('SELECT hubungan AS h FROM raw_dtks');
    expect(hubungan.every((r) => r.h === '2')).toBe(true); // no CR left on the last field
  });

  it('rejects a line with a NUL byte or a stray CR inside a field, naming the column', async () => {
    const { report, loaded, rejected } = await ingestLines([
      HEADER.join(','),
      rows(1)[0] as string,
      (rows(1, 2)[0] as string).replace('NAMA 2', 'NAMA\u00002'),
      (rows(1, 3)[0] as string).replace('NAMA 3', 'NAMA\r3'),
      rows(1, 4)[0] as string,
      '',
    ]);
    expect(report).toMatchObject({ rowsRead: 4, rowsLoaded: 2, rowsRejected: 2 });
    expect(loaded.map((r) => r._baris)).toEqual([2, 5]);
    expect(rejected.map((r) => [r.line, r.reason.split(':')[0]])).toEqual([
      [3, 'NUL BYTE in column "NAMA"'],
      [4, 'CARRIAGE RETURN in column "NAMA"'],
    ]);
    expect(rejected[0]?.raw).toContain('NAMA\u24002');
  });

  it('rejects an ID DTKS with a control character', async () => {
    const { report, rejected } = await ingestLines([
      HEADER.join(','),
      rows(1)[0] as string,
      (rows(1, 2)[0] as string).replace('ID2', 'ID\t2'),
      (rows(1, 3)[0] as string).replace('ID3', 'ID3\u0007'),
      '',
    ]);
    expect(report).toMatchObject({ rowsRead: 3, rowsLoaded: 1, rowsRejected: 2 });
    expect(rejected.map((r) => [r.line, r.reason])).toEqual([
      [3, 'ID DTKS holds a control character (a NUL, tab or other invisible byte); export the file again'],
      [4, 'ID DTKS holds a control character (a NUL, tab or other invisible byte); export the file again'],
    ]);
  });

  it('says a UTF-16 file is UTF-16, and a workbook is a workbook', async () => {
    const text = `${HEADER.join(',')}\n${rows(1)[0]}\n`;
    const le = await write(
      'le.csv',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    );
    await expect(ingestInput(db, 'dtks', le, { tempDir: dir })).rejects.toThrow(
      /le\.csv: the file is UTF-16/,
    );
    const bare = await write('bare.csv', Buffer.from(text, 'utf16le'));
    await expect(ingestInput(db, 'dtks', bare, { tempDir: dir })).rejects.toThrow(
      /bare\.csv: the file looks like UTF-16/,
    );
    const zip = await write('book.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
    // A ZIP file as DTKS is tried as a workbook; one that is no workbook says so.
    await expect(ingestInput(db, 'dtks', zip, { tempDir: dir })).rejects.toThrow(
      /book\.csv: not a readable \.xlsx workbook/,
    );
    await expect(ingestInput(db, 'dukcapil', zip, { tempDir: dir })).rejects.toThrow(
      /book\.csv: is an Excel workbook/,
    );
  });
});

describe('headers', () => {
  it('stops on a column given twice, naming both positions', async () => {
    const twice = [...HEADER, 'NAMA'];
    const path = await write('twice.csv', `${twice.join(',')}\n${[...row('1', 'A'), 'B'].join(',')}\n`);
    await expect(ingestInput(db, 'dtks', path, { tempDir: dir })).rejects.toThrow(
      /twice\.csv: header columns 8 \("NAMA"\) and 12 \("NAMA"\) are both the SIKS-NG column "NAMA"/,
    );
    const alias = HEADER.map((h) => (h === 'HUBUNGAN KELUARGA' ? 'nik' : h));
    const p2 = await write('alias.csv', `${alias.join(',')}\n`);
    await expect(ingestInput(db, 'dtks', p2, { tempDir: dir })).rejects.toThrow(
      /header columns 7 \("NOMOR NIK"\) and 11 \("nik"\) are both the SIKS-NG column "NOMOR NIK"/,
    );
    const extra = [...HEADER, 'KETERANGAN', 'keterangan'];
    const p3 = await write('extra.csv', `${extra.join(',')}\n`);
    await expect(ingestInput(db, 'dtks', p3, { tempDir: dir })).rejects.toThrow(
      /12 \("KETERANGAN"\) and 13 \("keterangan"\) are both the same column/,
    );
  });
});

describe('reading without the database', () => {
  it('stops reading when the run is stopped, and leaves no work files', async () => {
    const path = await write('dtks.csv', `${HEADER.join(',')}\n${row('1', 'SITI AMINAH').join(',')}\n`);
    const tempDir = join(dir, 'tmp');
    const stop = new AbortController();
    stop.abort('SIGINT');
    await expect(readInput('dtks', path, { tempDir, signal: stop.signal })).rejects.toThrow(/abort/i);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('loads what it read, or removes its work files unloaded', async () => {
    const path = await write('dtks.csv', `${HEADER.join(',')}\n${row('1', 'SITI AMINAH').join(',')}\n`);
    const tempDir = join(dir, 'tmp');
    const read = await readInput('dtks', path, { tempDir });
    expect(await readdir(tempDir)).toHaveLength(1);
    await read.discard();
    expect(await readdir(tempDir)).toEqual([]);
    const report = await (await readInput('dtks', path, { tempDir })).load(db);
    expect(report.rowsLoaded).toBe(1);
    expect(await db.count('SELECT count(*) FROM raw_dtks')).toBe(1);
    expect(await readdir(tempDir)).toEqual([]);
  });
});
