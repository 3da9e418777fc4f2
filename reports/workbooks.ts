import { createHash } from 'node:crypto';
import { mkdir, rename } from 'node:fs/promises';
import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import ExcelJS from 'exceljs';
import pLimit from 'p-limit';
import { pinZipTimestamps } from '../connectors/xlsx.js';
import type { Db } from '../pipeline/db.js';
import { PADAN_VERSION } from '../pipeline/version.js';
import { ALASAN, CAKUPAN, KEPUTUSAN, KOLOM, labelSql } from './labels.js';
import type { Report, ReportContext } from './report.js';

/**
 * `regions/<kode_kab>.xlsx` (SPEC §5): one workbook per kabupaten/kota with findings, for the dinas
 * sosial operators who fix the data and send decisions back. Sheets `Ringkasan` (what is in it and
 * how to fill it), `Nonaktif`, `Perbaikan` and `Verifikasi` (the kab's rows of deactivate.csv,
 * corrections.csv and review.csv), all in Indonesian, sorted by kecamatan, desa and household so
 * that one visit covers one family.
 *
 * Every data sheet: the finding's columns, locked; `KUNCI`, the finding's key; then the operator's
 * `KEPUTUSAN` (a drop-down), `NILAI PERBAIKAN` and `CATATAN`, unlocked and formatted as text (a
 * NIK typed there stays 16 digits). The sheets are protected without a password: the protection
 * keeps accidental edits out of the finding columns, and a hidden `KODE CEK` per row (a hash of
 * the row's locked cells) lets `padan apply-review` tell a finding that was edited anyway.
 *
 * Written with exceljs' streaming writer, one chunk of rows at a time from DuckDB, so that a
 * workbook of a kab with 270,000 rows never sits whole in memory; several workbooks at once (their
 * zlib compression runs off the main thread). Bytes are deterministic: the document and every zip
 * entry carry the run's reference date.
 */
export const workbooks: Report = {
  name: 'regions/',
  audience: 'dinas sosial',
  async write(ctx) {
    await prepareItems(ctx.db);
    const kabs = await ctx.db.all<{ kab: string; nama: string | null }>(
      `SELECT kab, any_value(kab_nama) AS nama FROM workbook_items GROUP BY kab ORDER BY kab`,
    );
    const limit = pLimit(WORKBOOKS_AT_ONCE);
    let done = 0;
    await Promise.all(
      kabs.map((k) =>
        limit(async () => {
          await writeWorkbook(ctx, k.kab, k.nama);
          ctx.progress?.(`workbook ${k.kab}`, ++done, kabs.length);
        }),
      ),
    );
  },
};

/** Workbooks written at once: each has its own DuckDB connection and zlib stream. */
const WORKBOOKS_AT_ONCE = 3;
/** Rows without a resolved kab/kota go to a workbook of their own, for Pusdatin to route. */
export const NO_REGION = 'tanpa-wilayah';
/** Version of the workbook layout, in the hidden `_padan` sheet; apply-review checks it. */
export const WORKBOOK_FORMAT = 1;

export type SheetName = 'Nonaktif' | 'Perbaikan' | 'Verifikasi';

interface Column {
  header: string;
  /** Column of `workbook_items`. */
  key: string;
  width: number;
  kind?: 'text' | 'date' | 'number';
  hidden?: boolean;
}

const PERSON: Column[] = [
  { header: 'ID DTKS', key: 'id_dtks', width: 16 },
  { header: 'ID KELUARGA', key: 'id_keluarga', width: 16 },
  { header: 'NAMA', key: 'nama', width: 28 },
  { header: 'NIK', key: 'nik', width: 19 },
  { header: 'NOMOR KK', key: 'no_kk', width: 19 },
  { header: 'TANGGAL LAHIR', key: 'tgl_lahir', width: 13, kind: 'date' },
  { header: 'HUBUNGAN KELUARGA', key: 'hubungan', width: 18 },
  { header: 'DESA/KELURAHAN', key: 'desa', width: 20 },
  { header: 'KECAMATAN', key: 'kecamatan', width: 18 },
  { header: 'KODE DESA', key: 'kode_desa', width: 14 },
];
const REASON: Column[] = [
  { header: 'ALASAN', key: 'alasan', width: 38 },
  { header: 'BUKTI', key: 'bukti', width: 60 },
  { header: 'SARAN', key: 'saran', width: 45 },
];
const KEY: Column[] = [
  { header: 'KOLOM DIPERBAIKI', key: 'kolom', width: 16 },
  { header: 'KUNCI', key: 'kunci', width: 30 },
  { header: 'KODE CEK', key: 'cek', width: 12, hidden: true },
];

/** The finding columns of each data sheet, left to right (the operator's three follow). */
export const SHEETS: Record<SheetName, Column[]> = {
  Nonaktif: [
    ...PERSON,
    REASON[0] as Column,
    { header: 'CAKUPAN', key: 'cakupan', width: 16 },
    { header: 'ID DTKS DIPERTAHANKAN', key: 'kept_id_dtks', width: 16 },
    { header: 'PINDAH KE', key: 'pindah_ke', width: 30 },
    REASON[1] as Column,
    REASON[2] as Column,
    ...KEY,
  ],
  Perbaikan: [
    ...PERSON,
    { header: 'KOLOM', key: 'kolom_label', width: 16 },
    { header: 'NILAI LAMA', key: 'nilai_lama', width: 24 },
    { header: 'NILAI BARU', key: 'nilai_baru', width: 24 },
    { header: 'KEYAKINAN', key: 'keyakinan', width: 10, kind: 'number' },
    ...REASON,
    ...KEY,
  ],
  Verifikasi: [
    ...PERSON,
    ...REASON,
    { header: 'NIK CALON', key: 'calon_nik', width: 19 },
    { header: 'NAMA CALON', key: 'calon_nama', width: 28 },
    ...KEY,
  ],
};

/** The operator's columns, after the finding's. */
export const DECISION_COLUMNS = ['KEPUTUSAN', 'NILAI PERBAIKAN', 'CATATAN'] as const;

/**
 * The field a PERBAIKI corrects, per item: the correction's own field; for a deactivation the NIK
 * (the person matched may be someone else) or, for a move, the desa; for NIK review items the NIK;
 * for a region the desa code; for the others their field when it is one the SPEC lets change.
 */
const KOLOM_SQL = `CASE
  WHEN s.sheet = 'Perbaikan' THEN s.field
  WHEN s.reason = 'MOVED' OR s.reason = 'REGION_INVALID' THEN 'kode_desa'
  WHEN s.reason IN ('DECEASED', 'DUPLICATE', 'NIK_MISSING', 'NIK_INVALID', 'NIK_NOT_FOUND',
                    'NIK_IDENTITY_MISMATCH', 'MATCH_UNCERTAIN') THEN 'nik'
  WHEN s.field IN (${Object.keys(KOLOM)
    .map((k) => `'${k}'`)
    .join(', ')}) THEN s.field
  END`;

/**
 * One table with every item of every workbook, in the order the sheets show them, with what an
 * operator needs to find the person: names of desa and kecamatan from the region reference (the
 * typed names where the region did not resolve), NIK and KK as typed in SIKS-NG.
 */
async function prepareItems(db: Db): Promise<void> {
  await db.exec(`
    CREATE OR REPLACE TABLE workbook_items AS
    WITH items AS (
      SELECT 'Nonaktif' AS sheet, id_dtks, reason, NULL AS field, NULL AS old_value, NULL AS new_value,
        NULL::DOUBLE AS confidence, scope, kept_id_dtks, moved_to, evidence, NULL AS suggested_action,
        NULL::BIGINT AS candidate_baris, kunci, NULL AS wilayah
      FROM deactivations
      UNION ALL
      SELECT 'Perbaikan', id_dtks, reason, field, old_value, new_value, confidence, NULL, NULL, NULL, evidence,
        NULL, NULL, kunci, NULL
      FROM corrections
      UNION ALL
      -- A region's item (REGION_OUTLIER) has no row; its region code stands in kode_desa.
      SELECT 'Verifikasi', id_dtks, reason, field, NULL, new_value, NULL, NULL, NULL, NULL, evidence,
        suggested_action, candidate_baris, kunci, CASE WHEN id_dtks IS NULL THEN kode_desa END
      FROM reviews
    ),
    -- The register's rows, raw rows and Dukcapil candidates the items name, before they are joined:
    -- joined whole, the three tables' hash tables did not fit in DuckDB's share of 1 GB on a 1M run.
    item_dtks AS (SELECT * FROM dtks WHERE id_dtks IN (SELECT id_dtks FROM items)),
    item_raw AS (SELECT * FROM raw_dtks WHERE _baris IN (SELECT _baris FROM item_dtks)),
    item_calon AS (
      SELECT * FROM dukcapil
      WHERE _baris IN (SELECT candidate_baris FROM items WHERE reason = 'MATCH_UNCERTAIN')
    )
    SELECT s.sheet, coalesce(d.kode_kabupaten, left(s.wilayah, 5), '${NO_REGION}') AS kab, k.nama AS kab_nama,
      d.id_dtks, d.id_keluarga, r.nama, r.nik, r.no_kk,
      coalesce(strftime(d.tgl_lahir, '%Y-%m-%d'), r.tgl_lahir) AS tgl_lahir,
      d.hubungan,
      coalesce(v.nama, r.desa) AS desa, coalesce(c.nama, r.kecamatan, wc.nama) AS kecamatan,
      coalesce(d.kode_desa, s.wilayah) AS kode_desa,
      ${labelSql('s.reason', ALASAN, true)} AS alasan,
      ${labelSql('s.scope', CAKUPAN)} AS cakupan, s.kept_id_dtks,
      CASE WHEN s.moved_to IS NOT NULL THEN coalesce(mv.nama || ', Kec. ' || mc.nama || ' (' || s.moved_to || ')', s.moved_to) END AS pindah_ke,
      ${labelSql('s.field', KOLOM)} AS kolom_label, s.old_value AS nilai_lama, s.new_value AS nilai_baru,
      s.confidence AS keyakinan,
      s.evidence AS bukti,
      coalesce(s.suggested_action, ${defaultSaran()}) AS saran,
      cd.nik AS calon_nik, cd.nama AS calon_nama,
      ${labelSql(KOLOM_SQL, KOLOM)} AS kolom,
      s.kunci,
      -- The order of the sheets: kecamatan, desa, household, then the file's order.
      coalesce(c.nama, r.kecamatan, wc.nama) AS _kec, coalesce(v.nama, r.desa) AS _desa, d._baris
    FROM items s
    LEFT JOIN item_dtks d USING (id_dtks)
    LEFT JOIN item_raw r ON r._baris = d._baris
    LEFT JOIN ref_kecamatan wc ON wc.kode = s.wilayah
    LEFT JOIN ref_kabupaten k ON k.kode = coalesce(d.kode_kabupaten, left(s.wilayah, 5))
    LEFT JOIN ref_kecamatan c ON c.kode = d.kode_kecamatan
    LEFT JOIN ref_desa v ON v.kode = d.kode_desa
    LEFT JOIN ref_desa mv ON mv.kode = s.moved_to
    LEFT JOIN ref_kecamatan mc ON mc.kode = mv.kode_kecamatan
    -- An equality on the left side's value: a condition testing s.reason in the ON clause would
    -- turn this into a nested-loop join over every item and every Dukcapil record.
    LEFT JOIN item_calon cd ON cd._baris = CASE WHEN s.reason = 'MATCH_UNCERTAIN' THEN s.candidate_baris END
    ORDER BY kab, s.sheet, _kec NULLS LAST, _desa NULLS LAST, d.id_keluarga, d._baris, s.kunci`);
}

function defaultSaran(): string {
  return `CASE s.sheet WHEN 'Nonaktif' THEN 'Periksa; bila keliru pilih TOLAK, bila NIK salah pilih PERBAIKI'
    WHEN 'Perbaikan' THEN 'Periksa nilai baru; bila keliru pilih TOLAK' ELSE 'Periksa dan putuskan' END`;
}

/**
 * The check code of a row's locked cells: a hash of the whole row (any edit shows), then one byte
 * per column (so that apply-review can name the column that was edited). Not a secret: it guards
 * against accidental edits, which the sheet protection already makes unlikely.
 */
export function rowCheck(sheet: string, values: readonly (string | number | null)[]): string {
  const texts = values.map((v) => (v === null || v === undefined ? '' : String(v)));
  const row = createHash('sha256')
    .update([sheet, ...texts].join('\u001f'))
    .digest('hex')
    .slice(0, 16);
  const columns = texts
    .map((t, i) => (fnv1a(`${i}\u001f${t}`) & 0xff).toString(16).padStart(2, '0'))
    .join('');
  return `${row}.${columns}`;
}

/** 32-bit FNV-1a of a string's UTF-16 code units: cheap and good enough to name an edited column. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A date of the reference day, for the workbook's document dates and zip entries. */
function fixedDate(referenceDate: string): Date {
  return new Date(`${referenceDate}T00:00:00Z`);
}

const HEADER_STYLE: Partial<ExcelJS.Style> = {
  font: { bold: true, color: { argb: 'FFFFFFFF' } },
  fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1F4E78' } },
  alignment: { vertical: 'middle', wrapText: true },
  protection: { locked: true },
};
const DECISION_HEADER_STYLE: Partial<ExcelJS.Style> = {
  ...HEADER_STYLE,
  fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF548235' } },
};
/** Text format: what is typed stays text (a NIK is not turned into 3.32801E+15). */
const TEXT = '@';

async function writeWorkbook(ctx: ReportContext, kab: string, kabNama: string | null): Promise<void> {
  const name = `regions/${kab}.xlsx`;
  const tmp = ctx.out.temporary(name);
  await mkdir(ctx.out.path('regions'), { recursive: true });
  const date = fixedDate(ctx.run.referenceDate);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: tmp,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.creator = 'padan';
  workbook.lastModifiedBy = 'padan';
  workbook.created = date;
  workbook.modified = date;

  const connection = await ctx.db.connectAnother();
  try {
    const counts = await connection.runAndReadAll(
      `SELECT sheet, alasan, count(*) AS n FROM workbook_items WHERE kab = $kab GROUP BY ALL ORDER BY sheet, alasan`,
      { kab },
    );
    writeSummary(
      workbook,
      ctx,
      kab,
      kabNama,
      counts.getRowObjectsJson() as { sheet: string; alasan: string; n: string }[],
    );
    const perSheet: [string, string][] = [];
    const filters: { name: string; ranges: string[]; localSheetId: number }[] = [];
    let rows = 0;
    for (const [i, sheet] of (Object.keys(SHEETS) as SheetName[]).entries()) {
      const n = await writeSheet(workbook, connection, kab, sheet);
      perSheet.push([`rows ${sheet}`, String(n)]);
      rows += n;
      const last = columnLetter(SHEETS[sheet].length + DECISION_COLUMNS.length);
      // Sheet 0 is Ringkasan: the data sheets follow it.
      filters.push({
        name: '_xlnm._FilterDatabase',
        ranges: [`'${sheet}'!$A$1:$${last}$${n + 1}`],
        localSheetId: i + 1,
      });
    }
    // The auto-filter's range as a defined name, as Excel writes it: LibreOffice shows the filter
    // buttons only with it, and exceljs' streaming writer does not write it.
    Object.defineProperty(workbook.definedNames, 'model', { get: () => filters });
    // What apply-review checks a returned workbook against: its layout, run and row counts.
    const meta = workbook.addWorksheet('_padan', { state: 'veryHidden' });
    for (const [k, v] of [
      ['format', String(WORKBOOK_FORMAT)],
      ['run_id', ctx.run.runId],
      ['kode_kabupaten', kab],
      ['tanggal_acuan', ctx.run.referenceDate],
      ['padan_version', PADAN_VERSION],
      ...perSheet,
    ] as [string, string][]) {
      meta.addRow([k, v]).commit();
    }
    meta.commit();
    await workbook.commit();
    await pinZipTimestamps(tmp, date);
    await rename(tmp, ctx.out.path(name));
    await ctx.out.recorded(name, { rows });
  } finally {
    connection.closeSync();
  }
}

async function writeSheet(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  connection: DuckDBConnection,
  kab: string,
  sheet: SheetName,
): Promise<number> {
  const columns = SHEETS[sheet];
  const worksheet = workbook.addWorksheet(sheet, {
    views: [{ state: 'frozen', ySplit: 1, xSplit: 3 }],
    properties: { defaultRowHeight: 15 },
  });
  schemaOrder(worksheet);
  // A cell without a style is locked (the default) and shows its text as text: only the columns
  // that need more carry a style, because exceljs merges a column's style into every cell it writes
  // (measured: styles on every column halve the rows written per second).
  const styleOf = (c: Column): Partial<ExcelJS.Style> | undefined =>
    c.kind === 'date'
      ? { numFmt: 'dd/mm/yyyy' }
      : c.kind === 'number'
        ? { numFmt: '0.00%' }
        : c.key === 'bukti' || c.key === 'saran'
          ? { alignment: { wrapText: true, vertical: 'top' } }
          : undefined;
  // One style object per column, given to each of its cells: exceljs dedupes a cell's style by
  // the object's identity before it renders it to XML to compare, and a cell it makes itself gets
  // a fresh copy (measured: the rendering was a third of the workbooks' time).
  const decisionStyle: Partial<ExcelJS.Style> = { protection: { locked: false }, numFmt: TEXT };
  const cellStyles = [...columns.map((c) => styleOf(c) ?? {}), ...DECISION_COLUMNS.map(() => decisionStyle)];
  worksheet.columns = [
    ...columns.map((c, i) => ({
      header: c.header,
      key: c.key,
      width: c.width,
      hidden: c.hidden === true,
      ...(styleOf(c) ? { style: cellStyles[i] } : {}),
    })),
    ...DECISION_COLUMNS.map((h) => ({
      header: h,
      key: h,
      width: h === 'CATATAN' ? 40 : 20,
      style: decisionStyle,
    })),
  ];
  const header = worksheet.getRow(1);
  header.eachCell((cell, i) => {
    cell.style = i > columns.length ? DECISION_HEADER_STYLE : HEADER_STYLE;
  });
  header.height = 30;
  header.commit();

  // Each row comes as one JSON array, rendered by DuckDB on its threads: decoding the cells one
  // by one into JavaScript values took 17.8 s of the JS thread for a 1M run's 460k items, one JSON
  // text per row and JSON.parse per chunk 4.1 s (measured). A number stays a number.
  const select = columns
    .filter((c) => c.key !== 'cek')
    .map((c) => (c.kind === 'number' ? c.key : `CAST(${c.key} AS VARCHAR)`))
    .join(', ');
  // No ORDER BY: workbook_items is stored in the sheets' order (prepareItems) and the database keeps
  // insertion order (preserve_insertion_order), so a filtered scan gives the rows in it. A sort here
  // sorted again what was sorted, and held a kabupaten's sheet in memory, three workbooks at once.
  const result = await connection.stream(
    `SELECT CAST(json_array(${select}) AS VARCHAR) AS row FROM workbook_items WHERE kab = $kab AND sheet = $sheet`,
    { kab, sheet },
  );
  const bukti = columns.findIndex((c) => c.key === 'bukti');
  const saran = columns.findIndex((c) => c.key === 'saran');
  let n = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    for (const locked of rowsOf(chunk)) {
      const cells: (string | number | Date | null)[] = columns.map((c, i) => {
        if (c.key === 'cek') return rowCheck(sheet, locked);
        const v = locked[i] ?? null;
        if (v === null) return null;
        if (c.kind === 'date') return asDate(v as string) ?? v;
        return v;
      });
      // The operator's cells are written empty with their style (unlocked, text): a column's style
      // alone stands for absent cells in Excel and LibreOffice, not in every reader (openpyxl).
      const row = worksheet.addRow([...cells, null, null, null]);
      for (const [i, style] of cellStyles.entries()) row.getCell(i + 1).style = style;
      // The streaming writer cannot fit row heights, and spreadsheets do not fit them on opening:
      // give wrapped evidence the lines it needs (up to four).
      const lines = Math.min(4, Math.max(wrapped(cells[bukti], 60), wrapped(cells[saran], 45)));
      if (lines > 1) row.height = ROW_HEIGHT * lines;
      row.commit();
      n++;
    }
  }
  const decisionColumn = columnLetter(columns.length + 1);
  // The drop-down covers every row an operator may fill, however long the sheet gets.
  // The streaming worksheet has data validations, though exceljs' types declare them only on Worksheet.
  const validations = (
    worksheet as unknown as { dataValidations: { add(a: string, v: ExcelJS.DataValidation): void } }
  ).dataValidations;
  validations.add(`${decisionColumn}2:${decisionColumn}1048576`, {
    type: 'list',
    allowBlank: true,
    formulae: [`"${KEPUTUSAN.join(',')}"`],
    showErrorMessage: true,
    errorStyle: 'stop',
    errorTitle: 'KEPUTUSAN',
    error: `Pilih salah satu: ${KEPUTUSAN.join(', ')}, atau biarkan kosong`,
    showInputMessage: true,
    promptTitle: 'KEPUTUSAN',
    prompt: 'SETUJU: temuan benar. TOLAK: temuan keliru. PERBAIKI: isi nilai yang benar di NILAI PERBAIKAN.',
  });
  worksheet.autoFilter = {
    from: { row: 1, column: 1 },
    to: { row: Math.max(n + 1, 1), column: columns.length + 3 },
  };
  await worksheet.protect('', {
    selectLockedCells: true,
    selectUnlockedCells: true,
    formatColumns: true,
    formatRows: true,
    autoFilter: true,
    sort: false,
  });
  worksheet.commit();
  return n;
}

/**
 * exceljs' streaming worksheet writes its closing parts out of the order the OOXML schema requires
 * (autoFilter, mergeCells, hyperlinks, conditionalFormatting, dataValidations, sheetProtection):
 * Excel then refuses a protected sheet with an auto-filter as damaged (exceljs PR #2685, open).
 * The writer's own part writers are called in the schema's order instead: sheetProtection before
 * autoFilter, hyperlinks after dataValidations. `workbooks.test.ts` checks the order in the file.
 */
function schemaOrder(worksheet: ExcelJS.Worksheet): void {
  const w = worksheet as unknown as Record<
    '_writeAutoFilter' | '_writeSheetProtection' | '_writeHyperlinks' | '_writeDataValidations',
    () => void
  >;
  const {
    _writeAutoFilter: autoFilter,
    _writeSheetProtection: protection,
    _writeHyperlinks: hyperlinks,
    _writeDataValidations: validations,
  } = w;
  if (![autoFilter, protection, hyperlinks, validations].every((f) => typeof f === 'function')) {
    throw new Error('exceljs worksheet writer changed: check the order of its sheet parts');
  }
  w._writeAutoFilter = function (this: unknown) {
    protection.call(this);
    autoFilter.call(this);
  };
  w._writeSheetProtection = () => {};
  w._writeHyperlinks = () => {};
  w._writeDataValidations = function (this: unknown) {
    validations.call(this);
    hyperlinks.call(this);
  };
}

/** The rows of a chunk of one-column JSON arrays (strings, numbers and nulls). */
function rowsOf(chunk: DuckDBDataChunk): (string | number | null)[][] {
  const vector = chunk.getColumnVector(0);
  const parts: string[] = new Array(chunk.rowCount);
  for (let i = 0; i < chunk.rowCount; i++) parts[i] = vector.getItem(i) as string;
  return JSON.parse(`[${parts.join(',')}]`) as (string | number | null)[][];
}

/** 'YYYY-MM-DD' as a date at midnight UTC (Excel's dates have no time zone); else null. */
function asDate(text: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  const d = new Date(`${text}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Points per line of 11-point text. */
const ROW_HEIGHT = 15;

/** Lines a text wraps to in a column of `width` characters (a rough count: Calibri is narrower). */
function wrapped(value: unknown, width: number): number {
  if (typeof value !== 'string' || value === '') return 1;
  return value.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil((line.length * 0.9) / width)), 0);
}

/** 1 → A, 27 → AA. */
export function columnLetter(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

function writeSummary(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  ctx: ReportContext,
  kab: string,
  kabNama: string | null,
  counts: { sheet: string; alasan: string; n: string }[],
): void {
  const ws = workbook.addWorksheet('Ringkasan');
  ws.columns = [
    { key: 'a', width: 34 },
    { key: 'b', width: 90 },
  ];
  const bold = { font: { bold: true } };
  // An empty second cell stays empty (null): a '' would stop a long title from showing across it.
  const add = (a: string, b: string | number = '', style: Partial<ExcelJS.Style> = {}, indent = 0) => {
    const row = ws.addRow([a, b === '' ? null : b]);
    row.height = ROW_HEIGHT * Math.max(wrapped(a, 34), wrapped(b, 90));
    row.getCell(1).style = { ...style, alignment: { vertical: 'top', wrapText: true, indent } };
    row.getCell(2).style = {
      // Counts sit at the left, beside their label, not at the far edge of the wide text column.
      alignment: { vertical: 'top', wrapText: true, horizontal: 'left' },
      numFmt: typeof b === 'number' ? '#,##0' : TEXT,
    };
    if (style.font?.size) row.height = Math.max(row.height ?? ROW_HEIGHT, style.font.size * 1.6);
    row.commit();
  };
  const wilayah =
    kab === NO_REGION ? 'Baris tanpa kabupaten/kota yang dikenali' : `${kabNama ?? ''} (${kab})`;
  add('Hasil pemadanan DTKS dengan Dukcapil', '', { font: { bold: true, size: 14 } });
  add('Kabupaten/kota', wilayah, bold);
  add('Nomor proses (run id)', ctx.run.runId, bold);
  add('Tanggal acuan', ctx.run.referenceDate, bold);
  add('');
  add('Isi berkas ini', '', { font: { bold: true, size: 12 } });
  const sheets: [SheetName, string][] = [
    [
      'Nonaktif',
      'Anggota yang akan dinonaktifkan: meninggal dunia, terdaftar ganda, atau pindah domisili menurut Dukcapil.',
    ],
    [
      'Perbaikan',
      'Isian yang diperbaiki sesuai Dukcapil: NIK, nama, tanggal lahir, jenis kelamin, Nomor KK, wilayah, nama ibu kandung.',
    ],
    [
      'Verifikasi',
      'Temuan yang perlu diperiksa petugas: NIK kosong atau salah, calon di Dukcapil yang belum pasti, susunan keluarga atau isian yang janggal.',
    ],
  ];
  for (const [sheet, what] of sheets) {
    const total = counts.filter((c) => c.sheet === sheet).reduce((a, c) => a + Number(c.n), 0);
    add(`Lembar ${sheet}`, `${total.toLocaleString('id-ID')} baris. ${what}`, bold);
    for (const c of counts.filter((x) => x.sheet === sheet)) add(c.alasan, Number(c.n), {}, 1);
  }
  add('');
  add('Yang perlu dilakukan', '', { font: { bold: true, size: 12 } });
  const steps = [
    'Periksa setiap baris di lembar Nonaktif, Perbaikan dan Verifikasi. Baris diurutkan per kecamatan, desa dan keluarga, sehingga satu kunjungan mencakup satu keluarga.',
    'Isi kolom KEPUTUSAN (pilihan dari daftar): SETUJU bila temuan benar; TOLAK bila temuan keliru (penonaktifan atau perbaikan tidak dijalankan dan tidak dimunculkan lagi selama datanya sama); PERBAIKI bila Anda tahu nilai yang benar.',
    'Untuk PERBAIKI, tulis nilai yang benar di NILAI PERBAIKAN untuk kolom yang disebut di KOLOM DIPERBAIKI: NIK dan Nomor KK 16 angka, tanggal lahir HH-BB-TTTT, jenis kelamin L atau P, kode desa 10 angka (boleh bertitik, mis. 33.28.01.2001).',
    'Tulis keterangan di CATATAN bila perlu (misalnya dasar keputusan: KTP, KK, surat kematian). Kolom KEPUTUSAN yang kosong berarti belum diputuskan.',
    'Jangan mengubah kolom lain, menambah atau menghapus baris: kolom temuan dikunci, dan berkas yang kolom temuannya diubah ditolak seluruhnya saat dikembalikan.',
    'Simpan berkas dalam format .xlsx dan kirim kembali ke Pusdatin. Keputusan dipakai pada pemadanan bulan berikutnya.',
  ];
  for (const [i, step] of steps.entries()) add(`${i + 1}.`, step);
  ws.commit();
}
