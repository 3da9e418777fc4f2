/**
 * DTKS extracts kept as Excel workbooks (SPEC §1), written by an independent tool (Debian's
 * python3-openpyxl, as `.ci/run` installs it) the way dinas sosial keep them: a notes sheet first,
 * a title row above the header, NIKs typed as numbers.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db } from '../pipeline/db.js';
import { InputError } from '../pipeline/errors.js';
import { createRejectedTable, ingestInput } from '../pipeline/ingest.js';
import { packageRoot } from '../pipeline/paths.js';
import { excelGeneral, formatNumber, readXlsx } from './xlsx.js';

const ROOT = packageRoot();
const HELPER = join(ROOT, 'fixtures', 'review', 'workbook.py');
let dir: string;
let db: Db;

async function workbook(
  name: string,
  types: Record<string, string>,
  csv = join(ROOT, 'fixtures', 'sample', 'dtks.csv'),
) {
  const typesPath = join(dir, `${name}.types.json`);
  await writeFile(typesPath, JSON.stringify(types));
  const out = join(dir, name);
  const r = spawnSync('/usr/bin/python3', [HELPER, 'from-csv', csv, out, typesPath], {
    encoding: 'utf8',
    cwd: tmpdir(),
  });
  if (r.status !== 0) throw new Error(`workbook.py from-csv: ${r.stderr}`);
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'padan-xlsx-'));
  db = await Db.open({ path: ':memory:' });
});
afterAll(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a DTKS workbook', () => {
  it('reads the first sheet whose header row holds the required columns, every cell as the text shown', async () => {
    const path = await workbook('dtks.xlsx', {
      'DTKS00001|NOMOR NIK': 'number', // typed as a number, General format: Excel shows 3.32801E+15
      'DTKS00002|NOMOR NIK': 'number0', // a number formatted 0: all 16 digits show
      'DTKS00002|NOMOR KK': 'number0',
      'DTKS00229|TANGGAL LAHIR': 'date',
    });
    await createRejectedTable(db);
    const report = await ingestInput(db, 'dtks', path, { tempDir: dir });
    // The sample's lines of the wrong width do not survive the conversion; its repeated ID does.
    expect(report).toMatchObject({
      format: 'xlsx',
      sheet: 'DTKS',
      rowsRead: 232,
      rowsLoaded: 231,
      rowsRejected: 1,
    });
    const rows = await db.all<Record<string, string | number>>(
      `SELECT id_dtks, nik, no_kk, tgl_lahir, _baris FROM raw_dtks WHERE id_dtks IN ('DTKS00001', 'DTKS00002', 'DTKS00229', 'DTKS00003') ORDER BY _baris`,
    );
    expect(rows).toEqual([
      // Row 1 is the title, row 2 the header: data starts on row 3.
      {
        id_dtks: 'DTKS00001',
        nik: '3.32801E+15',
        no_kk: '3328011801130001',
        tgl_lahir: '14-11-1983',
        _baris: 3,
      },
      {
        id_dtks: 'DTKS00002',
        nik: '3328015405840001',
        no_kk: '3328011801130001',
        tgl_lahir: '14 Mei 1984',
        _baris: 4,
      },
      {
        id_dtks: 'DTKS00003',
        nik: '3328012408690001',
        no_kk: '3328010305200002',
        tgl_lahir: '25439',
        _baris: 5,
      },
      { id_dtks: 'DTKS00229', nik: '3328022810840001', no_kk: null, tgl_lahir: '1984-10-28', _baris: 232 },
    ]);
    const rejected = await db.all<{ line: number; reason: string }>('SELECT line, reason FROM rejected');
    expect(rejected).toEqual([{ line: 234, reason: 'ID DTKS repeats the row on line 3' }]);
  });

  it('says which required column is missing when no sheet has the header', async () => {
    const csvPath = join(dir, 'no-nama.csv');
    await writeFile(csvPath, 'ID DTKS,PROVINSI\nX1,JAWA TENGAH\n');
    const path = await workbook('no-header.xlsx', {}, csvPath);
    await expect(ingestInput(db, 'dtks', path, { tempDir: dir })).rejects.toThrow(InputError);
    await expect(ingestInput(db, 'dtks', path, { tempDir: dir })).rejects.toThrow(
      /no-header\.xlsx: required columns .*"NAMA".* not found in the header/,
    );
  });

  it('is refused as a Dukcapil extract, which SPEC reads as CSV or Parquet only', async () => {
    const path = await workbook('dukcapil.xlsx', {});
    await expect(ingestInput(db, 'dukcapil', path, { tempDir: dir })).rejects.toThrow(
      /--dukcapil .*dukcapil\.xlsx: is an Excel workbook; the Dukcapil extract is read as CSV or Parquet/,
    );
  });
});

describe('numbers as Excel shows them', () => {
  it('writes General numbers of 12 digits or more in scientific notation, as a standard-width cell does', () => {
    expect(excelGeneral(3328011411830001)).toBe('3.32801E+15');
    expect(excelGeneral(3300000000000000)).toBe('3.3E+15');
    expect(excelGeneral(99999999999)).toBe('99999999999');
    expect(excelGeneral(25439)).toBe('25439');
    expect(excelGeneral(0.1 + 0.2)).toBe('0.3');
  });

  it('follows integer, zero-padded and decimal formats', () => {
    expect(formatNumber(3328011411830000, '0')).toBe('3328011411830000');
    expect(formatNumber(33280114118, '0000000000000000')).toBe('0000033280114118');
    expect(formatNumber(1.5, '0.00')).toBe('1.50');
    expect(formatNumber(3328011411830001, 'General')).toBe('3.32801E+15');
  });
});

describe('readXlsx', () => {
  // The zip is read through its central directory, not by exceljs' single pass in stored order,
  // which intermittently failed under load on workbooks that store xl/workbook.xml last, as exceljs
  // writes them (exceljs issue #3064; seen here as a padan workbook rejected by apply-review). That
  // race did not reproduce in a test; these check that the parts are read in the order they are
  // needed, with and without a shared-strings part, however many reads run at once.
  for (const useSharedStrings of [false, true]) {
    it(`reads a workbook that stores its workbook part last (shared strings: ${useSharedStrings})`, async () => {
      const path = join(dir, `last-${useSharedStrings}.xlsx`);
      const writer = new ExcelJS.stream.xlsx.WorkbookWriter({
        filename: path,
        useStyles: true,
        useSharedStrings,
      });
      for (const name of ['Ringkasan', 'Nonaktif']) {
        const sheet = writer.addWorksheet(name);
        for (let i = 1; i <= 200; i++)
          sheet.addRow([`${name} ${i}`, i, new Date(Date.UTC(2020, 0, i))]).commit();
        sheet.commit();
      }
      await writer.commit();
      const readOnce = async () => {
        const rows: string[] = [];
        const names = await readXlsx(path, (name) => (row) => {
          rows.push(
            `${name}|${row.number}|${String(row.cells[0])}|${row.cells[1]}|${(row.cells[2] as Date).toISOString()}`,
          );
        });
        return { names, rows: rows.length, last: rows.at(-1) };
      };
      for (const r of await Promise.all(Array.from({ length: 12 }, readOnce))) {
        expect(r).toEqual({
          names: ['Ringkasan', 'Nonaktif'],
          rows: 400,
          last: 'Nonaktif|200|Nonaktif 200|200|2020-07-18T00:00:00.000Z',
        });
      }
    });
  }
});
