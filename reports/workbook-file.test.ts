import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readXlsx } from '../connectors/xlsx.js';
import { Db } from '../pipeline/db.js';
import {
  asWorkbookText,
  probeStyles,
  rowCheck,
  SHEETS,
  type SheetName,
  type SheetRow,
  WorkbookFile,
  type WorkbookSpec,
} from './workbook-file.js';
import { writeWorkbooks } from './workbooks.js';

const dir = await mkdtemp(join(tmpdir(), 'padan-workbook-file-'));
const db = await Db.open({ path: ':memory:', threads: 2 });
afterAll(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

/** A row of a sheet with `overrides` by column key, every other column a plain text. */
function row(sheet: SheetName, overrides: Record<string, string | number | null>): SheetRow {
  return SHEETS[sheet]
    .filter((c) => c.key !== 'cek')
    .map((c) => (c.key in overrides ? (overrides[c.key] ?? null) : `${c.key} 1`));
}

/**
 * Rows that reach every branch of a cell's XML: escapes, controls, empties, dates (and a day the
 * month lacks), numbers, heights (lines wrapped, counted in UTF-16 units).
 */
const ROWS: Record<SheetName, SheetRow[]> = {
  // The first row's cells decide each column's style id in exceljs (nulls first here, text later).
  Nonaktif: [
    row('Nonaktif', { nama: null, tgl_lahir: null, kept_id_dtks: null, pindah_ke: null, bukti: null }),
    row('Nonaktif', {
      nama: `SITI "ATI" O'NEIL & <ANAK>`,
      tgl_lahir: '1990-02-28',
      bukti: `satu\nbaris dua\r\ndengan tab\tdan kendali \u0001\u0008\u000b\u001f\u007f dan emoji 👩‍👧`,
      saran: 'x'.repeat(200),
    }),
    row('Nonaktif', { nama: 'tanpa pasangan \ud800 di tengah', tgl_lahir: 'tidak tahu', kunci: 'k:1:0a1b' }),
    row('Nonaktif', { nama: '', kecamatan: 'Tegal\rBarat' }),
    row('Nonaktif', { tgl_lahir: '1899-12-31', bukti: 'É é ñ ß — “kutip” ‘satu’' }),
    row('Nonaktif', { tgl_lahir: '2023-02-30', bukti: `${'😀'.repeat(31)}\n\n${'a'.repeat(67)}` }),
    row('Nonaktif', { tgl_lahir: '2023-04-31', saran: `${'é'.repeat(50)}&` }),
  ],
  Perbaikan: [
    // Confidences have four decimals in workbook_items.
    row('Perbaikan', { keyakinan: 0.9877, tgl_lahir: '2024-02-29' }),
    row('Perbaikan', { keyakinan: 0, nilai_lama: null, nilai_baru: '  spasi di tepi  ' }),
    row('Perbaikan', { keyakinan: 1, tgl_lahir: '1970-01-01' }),
    row('Perbaikan', { keyakinan: null, bukti: 'b'.repeat(59), saran: 's'.repeat(46) }),
  ],
  // A sheet without rows: only the header and the closing parts.
  Verifikasi: [],
};

/** The rows as a table of `workbook_items`' columns, for the XML DuckDB renders. */
async function itemsTable(): Promise<void> {
  const columns = [
    ...new Set(
      Object.values(SHEETS)
        .flat()
        .filter((c) => c.key !== 'cek')
        .map((c) => c.key),
    ),
  ];
  await db.exec(
    `CREATE OR REPLACE TABLE items (kab VARCHAR, sheet VARCHAR, _r INTEGER, ${columns
      .map((c) => `${c} ${c === 'keyakinan' ? 'DOUBLE' : 'VARCHAR'}`)
      .join(', ')})`,
  );
  for (const sheet of Object.keys(SHEETS) as SheetName[]) {
    const keys = SHEETS[sheet].filter((c) => c.key !== 'cek').map((c) => c.key);
    for (const [i, values] of ROWS[sheet].entries()) {
      await db.exec(
        `INSERT INTO items (kab, sheet, _r, ${keys.join(', ')}) VALUES ('33.76', ?, ?, ${keys.map(() => '?').join(', ')})`,
        [sheet, i + 2, ...values],
      );
    }
  }
}

/** The workbook written with its rows' XML from DuckDB (`sql`), or through exceljs' row model. */
async function write(name: string, sql: boolean): Promise<string> {
  const spec = (file: string): WorkbookSpec => ({
    file,
    kab: '33.76',
    kabNama: 'Kota Tegal',
    runId: 'run-1',
    referenceDate: '2026-12-01',
    counts: (Object.keys(ROWS) as SheetName[])
      .filter((sheet) => ROWS[sheet].length > 0)
      .map((sheet) => ({ sheet, alasan: 'Meninggal dunia (DECEASED)', n: String(ROWS[sheet].length) })),
  });
  const path = join(dir, name);
  if (sql) {
    const styles = await probeStyles(spec(join(dir, `${name}.styles`)));
    await writeWorkbooks(db, [{ spec: spec(path), finished: async () => {} }], styles, 'items');
    return path;
  }
  const file = new WorkbookFile(spec(path));
  for (const sheet of Object.keys(SHEETS) as SheetName[]) {
    const rows = ROWS[sheet];
    file.beginSheet(sheet);
    // In two chunks, as DuckDB hands them over.
    file.addRows(JSON.stringify(rows.slice(0, 1)));
    file.addRows(JSON.stringify(rows.slice(1)));
    await file.endSheet();
  }
  await file.finish();
  return path;
}

await itemsTable();

describe('WorkbookFile', () => {
  it("writes the XML DuckDB renders for the rows as the bytes exceljs' row model writes for them", async () => {
    const sql = await readFile(await write('sql.xlsx', true));
    const exceljs = await readFile(await write('exceljs.xlsx', false));
    expect(sql.length).toBeGreaterThan(5_000);
    expect(sql.equals(exceljs)).toBe(true);
  });

  it('reads back what it wrote, cell for cell', async () => {
    const file = await write('read.xlsx', true);
    const read: Record<string, unknown[][]> = {};
    await readXlsx(file, (name) => {
      const rows: unknown[][] = [];
      read[name] = rows;
      return (r) => {
        rows.push(r.cells);
      };
    });
    expect(read.Nonaktif).toHaveLength(8);
    const second = read.Nonaktif?.[2] as unknown[];
    expect(second[2]).toBe(`SITI "ATI" O'NEIL & <ANAK>`);
    expect(second[5]).toEqual(new Date('1990-02-28T00:00:00Z'));
    // Written as it reads back (asWorkbookText): XML's line ends, without what XML cannot hold.
    expect(second[14]).toBe('satu\nbaris dua\ndengan tab\tdan kendali  dan emoji 👩‍👧');
    expect(read.Nonaktif?.[3]?.[5]).toBe('tidak tahu');
    expect(read.Nonaktif?.[3]?.[2]).toBe('tanpa pasangan \ufffd di tengah');
    expect(read.Perbaikan?.[2]?.[12]).toBe('  spasi di tepi  ');
    expect(read.Perbaikan?.[1]?.[13]).toBe(0.9877);
    // A day February lacks stays the text it was, not the 2nd of March.
    expect(read.Nonaktif?.[6]?.[5]).toBe('2023-02-30');
    expect(read.Perbaikan?.[2]?.[13]).toBe(0);
    expect(read.Verifikasi).toHaveLength(1);
  });
});

describe('asWorkbookText', () => {
  it('gives a text as the workbook will give it back, and any other value as it is', () => {
    expect(asWorkbookText('BUDI SANTOSO')).toBe('BUDI SANTOSO');
    expect(asWorkbookText('A\r\nB\rC\nD')).toBe('A\nB\nC\nD');
    expect(asWorkbookText('A\u0000B\u0008C\u000bD\u000cE\u001fF\u007fG\ufffeH\uffff')).toBe('ABCDEFGH');
    expect(asWorkbookText('tab\ttetap')).toBe('tab\ttetap');
    expect(asWorkbookText('\udc00x\ud83d\udc69')).toBe('\ufffdx\ud83d\udc69');
    expect(asWorkbookText(0.5)).toBe(0.5);
    expect(asWorkbookText(null)).toBe(null);
  });
});

describe('rowCheck', () => {
  const values = ['DTKS1', null, 'SITI', 0.99];
  it('hashes the row, then one byte per column: MD5 in format 2; SHA-256 and FNV-1a in format 1', () => {
    const two = rowCheck('Perbaikan', values);
    const one = rowCheck('Perbaikan', values, 1);
    expect(two).toMatch(/^[0-9a-f]{16}\.[0-9a-f]{8}$/);
    expect(one).toMatch(/^[0-9a-f]{16}\.[0-9a-f]{8}$/);
    expect(one.slice(0, 16)).not.toBe(two.slice(0, 16));
    expect(one.slice(17)).not.toBe(two.slice(17));
    // An edit shows in its column's byte only.
    const edited = rowCheck('Perbaikan', ['DTKS1', null, 'SITI A', 0.99]);
    expect(edited.slice(17, 21)).toBe(two.slice(17, 21));
    expect(edited.slice(21, 23)).not.toBe(two.slice(21, 23));
    expect(edited.slice(23)).toBe(two.slice(23));
  });
});
