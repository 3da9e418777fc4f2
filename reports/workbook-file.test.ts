import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readXlsx } from '../connectors/xlsx.js';
import {
  asWorkbookText,
  SHEETS,
  type SheetName,
  type SheetRow,
  WorkbookFile,
  type WorkbookSpec,
} from './workbook-file.js';

const dir = await mkdtemp(join(tmpdir(), 'padan-workbook-file-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A row of a sheet with `overrides` by column key, every other column a plain text. */
function row(sheet: SheetName, overrides: Record<string, string | number | null>): SheetRow {
  return SHEETS[sheet]
    .filter((c) => c.key !== 'cek')
    .map((c) => (c.key in overrides ? (overrides[c.key] ?? null) : `${c.key} 1`));
}

/** Rows that reach every branch of a cell's XML: escapes, controls, empties, dates, numbers, heights. */
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
  ],
  Perbaikan: [
    row('Perbaikan', { keyakinan: 0.987654321, tgl_lahir: '2024-02-29' }),
    row('Perbaikan', { keyakinan: 0, nilai_lama: null, nilai_baru: '  spasi di tepi  ' }),
    row('Perbaikan', { keyakinan: 1, tgl_lahir: '1970-01-01' }),
    row('Perbaikan', { keyakinan: null, bukti: 'b'.repeat(59), saran: 's'.repeat(46) }),
  ],
  // A sheet without rows: only the header and the closing parts.
  Verifikasi: [],
};

async function write(name: string, exceljsRows: boolean): Promise<string> {
  const spec: WorkbookSpec = {
    file: join(dir, name),
    kab: '33.76',
    kabNama: 'Kota Tegal',
    runId: 'run-1',
    referenceDate: '2026-12-01',
    counts: [{ sheet: 'Nonaktif', alasan: 'Meninggal dunia (DECEASED)', n: '4' }],
    exceljsRows,
  };
  const file = new WorkbookFile(spec);
  for (const sheet of Object.keys(SHEETS) as SheetName[]) {
    file.beginSheet(sheet);
    // In two chunks, as DuckDB hands them over.
    const rows = ROWS[sheet];
    file.addRows(JSON.stringify(rows.slice(0, 1)));
    file.addRows(JSON.stringify(rows.slice(1)));
    await file.endSheet();
  }
  await file.finish();
  return spec.file;
}

describe('WorkbookFile', () => {
  it("writes the data rows as the bytes exceljs' row model writes for them", async () => {
    const direct = await readFile(await write('direct.xlsx', false));
    const exceljs = await readFile(await write('exceljs.xlsx', true));
    expect(direct.length).toBeGreaterThan(5_000);
    expect(direct.equals(exceljs)).toBe(true);
  });

  it('reads back what it wrote, cell for cell', async () => {
    const file = await write('read.xlsx', false);
    const read: Record<string, unknown[][]> = {};
    await readXlsx(file, (name) => {
      const rows: unknown[][] = [];
      read[name] = rows;
      return (r) => {
        rows.push(r.cells);
      };
    });
    expect(read.Nonaktif).toHaveLength(6);
    const second = read.Nonaktif?.[2] as unknown[];
    expect(second[2]).toBe(`SITI "ATI" O'NEIL & <ANAK>`);
    expect(second[5]).toEqual(new Date('1990-02-28T00:00:00Z'));
    // Written as it reads back (asWorkbookText): XML's line ends, without what XML cannot hold.
    expect(second[14]).toBe('satu\nbaris dua\ndengan tab\tdan kendali  dan emoji 👩‍👧');
    expect(read.Nonaktif?.[3]?.[5]).toBe('tidak tahu');
    expect(read.Nonaktif?.[3]?.[2]).toBe('tanpa pasangan \ufffd di tengah');
    expect(read.Perbaikan?.[2]?.[12]).toBe('  spasi di tepi  ');
    expect(read.Perbaikan?.[1]?.[13]).toBeCloseTo(0.987654321, 9);
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
