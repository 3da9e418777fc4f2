import { hash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { pinZipTimestamps } from '../connectors/xlsx.js';
import { PADAN_VERSION } from '../pipeline/version.js';
import { KEPUTUSAN } from './labels.js';
import type { SheetStyles } from './workbook-xml.js';

/**
 * One district workbook's file, rendered with exceljs' streaming writer from rows given a chunk at
 * a time: the layout of `regions/<kode_kab>.xlsx` (SPEC §5) and everything that writes it, without
 * the database. It is apart from `workbooks.ts` (which queries the rows) so that it can run on a
 * worker thread: exceljs' rendering is single-threaded JavaScript, the largest part of the write
 * stage, and several workbooks rendered on several threads at once share the machine's cores.
 * The bytes do not depend on the thread that renders them.
 */

/** Rows without a resolved kab/kota go to a workbook of their own, for Pusdatin to route. */
export const NO_REGION = 'tanpa-wilayah';
/**
 * Version of the workbook layout, in the hidden `_padan` sheet; apply-review checks it. Format 2
 * (from 2026-12) makes the rows' check codes with MD5, which DuckDB computes (see `rowCheck`);
 * apply-review still reads workbooks of format 1.
 */
export const WORKBOOK_FORMAT = 2;
/** The formats apply-review reads. */
export const WORKBOOK_FORMATS = [1, 2] as const;
export type WorkbookFormat = (typeof WORKBOOK_FORMATS)[number];

export type SheetName = 'Nonaktif' | 'Perbaikan' | 'Verifikasi';

export interface Column {
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
 * The check code of a row's locked cells: a hash of the whole row (any edit shows), then one byte
 * per column (so that apply-review can name the column that was edited). Not a secret: it guards
 * against accidental edits, which the sheet protection already makes unlikely. Format 2 hashes
 * with MD5, row and columns, which DuckDB computes for the rows it renders (workbook-xml.ts; its
 * SHA-256 was a fifth of the rendering); format 1 hashed the row with SHA-256 and each column
 * with FNV-1a, and is kept for the workbooks of earlier runs still coming back.
 */
export function rowCheck(
  sheet: string,
  values: readonly (string | number | null)[],
  format: WorkbookFormat = WORKBOOK_FORMAT,
): string {
  const texts = values.map((v) => (v === null || v === undefined ? '' : String(v)));
  // One-shot hashes: a Hash object per row was a tenth of the workbooks' rendering (profiled).
  const row = hash(format === 1 ? 'sha256' : 'md5', [sheet, ...texts].join('\u001f'), 'hex').slice(0, 16);
  let columns = '';
  for (const [i, t] of texts.entries()) {
    columns +=
      format === 1
        ? HEX_BYTE[fnv1a(t, fnv1a(`${i}\u001f`)) & 0xff]
        : hash('md5', `${i}\u001f${t}`, 'hex').slice(0, 2);
  }
  return `${row}.${columns}`;
}

/** 00 … ff. */
const HEX_BYTE = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/**
 * 32-bit FNV-1a of a string's UTF-16 code units, continued from `h` (a prefix's hash): format 1's
 * column byte.
 */
function fnv1a(text: string, h = 0x811c9dc5): number {
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

/** What a workbook's file needs besides its rows: where it goes, its kab and the run's facts. */
export interface WorkbookSpec {
  /** The temporary path the file is written to (the caller renames it when it is complete). */
  file: string;
  kab: string;
  kabNama: string | null;
  runId: string;
  referenceDate: string;
  /** Items per sheet and reason label, for the Ringkasan sheet. */
  counts: { sheet: string; alasan: string; n: string }[];
}

/** A row of a data sheet: its finding columns, without the check code, in SHEETS' order. */
export type SheetRow = (string | number | null)[];

/**
 * A workbook being written: `beginSheet`, rows added a chunk at a time, `endSheet`, for each data
 * sheet in SHEETS' order, then `finish`. Sheet 0 is Ringkasan, written on creation.
 *
 * A run's rows come as the XML DuckDB renders for them (`addXml`, `workbook-xml.ts`). `addRows`
 * renders rows through exceljs' own row model instead: the reference the tests hold that XML to,
 * not for runs.
 */
export class WorkbookFile {
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  private readonly date: Date;
  private readonly perSheet: [string, string][] = [];
  private readonly filters: { name: string; ranges: string[]; localSheetId: number }[] = [];
  private sheet: SheetWriter | null = null;
  private rows = 0;

  constructor(readonly spec: WorkbookSpec) {
    this.date = fixedDate(spec.referenceDate);
    this.workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: spec.file,
      useStyles: true,
      useSharedStrings: false,
    });
    this.workbook.creator = 'padan';
    this.workbook.lastModifiedBy = 'padan';
    this.workbook.created = this.date;
    this.workbook.modified = this.date;
    writeSummary(this.workbook, spec);
  }

  /**
   * Begin a data sheet that will get `rows` rows; the style attributes of its rows' XML (null
   * without rows). exceljs gives a style its id when a cell first uses it, so a sheet's styles are
   * looked up here in the order its first row would (the row's, then each cell's) and only when it
   * has rows: the style table is then the one the row model writes.
   */
  beginSheet(name: SheetName, rows = 0): SheetStyles | null {
    if (this.sheet) throw new Error(`workbook ${this.spec.kab}: sheet ${this.sheet.name} is not ended`);
    this.sheet = new SheetWriter(this.workbook, name);
    return rows > 0 ? this.sheet.styles() : null;
  }

  /**
   * The next `rows` rows of the sheet as their XML in UTF-8 (`workbook-xml.ts`), written straight
   * into the sheet's part of the zip; resolves once the zip has compressed them, so that the
   * caller can keep what waits for compression bounded.
   */
  addXml(xml: Uint8Array, rows: number): Promise<void> {
    if (!this.sheet) throw new Error(`workbook ${this.spec.kab}: rows before a sheet`);
    return this.sheet.addXml(xml, rows);
  }

  /** Rows through exceljs' row model, as one JSON array of rows: the tests' reference rendering. */
  addRows(json: string): void {
    if (!this.sheet) throw new Error(`workbook ${this.spec.kab}: rows before a sheet`);
    for (const row of JSON.parse(json) as SheetRow[]) this.sheet.add(row);
  }

  /** Close the sheet; its number of rows. */
  async endSheet(): Promise<number> {
    const sheet = this.sheet;
    if (!sheet) throw new Error(`workbook ${this.spec.kab}: no sheet to end`);
    this.sheet = null;
    const n = await sheet.end();
    this.perSheet.push([`rows ${sheet.name}`, String(n)]);
    this.rows += n;
    const last = columnLetter(SHEETS[sheet.name].length + DECISION_COLUMNS.length);
    // Sheet 0 is Ringkasan: the data sheets follow it.
    this.filters.push({
      name: '_xlnm._FilterDatabase',
      ranges: [`'${sheet.name}'!$A$1:$${last}$${n + 1}`],
      localSheetId: this.perSheet.length,
    });
    return n;
  }

  /** Write the closing parts and the zip's directory; the rows of all sheets. */
  async finish(): Promise<number> {
    const filters = this.filters;
    // The auto-filter's range as a defined name, as Excel writes it: LibreOffice shows the filter
    // buttons only with it, and exceljs' streaming writer does not write it.
    Object.defineProperty(this.workbook.definedNames, 'model', { get: () => filters });
    // What apply-review checks a returned workbook against: its layout, run and row counts.
    const meta = this.workbook.addWorksheet('_padan', { state: 'veryHidden' });
    for (const [k, v] of [
      ['format', String(WORKBOOK_FORMAT)],
      ['run_id', this.spec.runId],
      ['kode_kabupaten', this.spec.kab],
      ['tanggal_acuan', this.spec.referenceDate],
      ['padan_version', PADAN_VERSION],
      ...this.perSheet,
    ] as [string, string][]) {
      meta.addRow([k, v]).commit();
    }
    meta.commit();
    await this.workbook.commit();
    await pinZipTimestamps(this.spec.file, this.date);
    return this.rows;
  }
}

/**
 * The style attributes of each data sheet's rows, as a workbook of `spec` gives them, written to
 * `spec.file` and removed: the rows of every workbook are rendered by one query, before any of them
 * is open. The ids depend only on the order in which the layout uses its styles, which is the same
 * in every workbook (`writeWorkbooks` checks each against these).
 */
export async function probeStyles(spec: WorkbookSpec): Promise<Record<SheetName, SheetStyles>> {
  const file = new WorkbookFile(spec);
  const styles: Partial<Record<SheetName, SheetStyles>> = {};
  try {
    for (const sheet of Object.keys(SHEETS) as SheetName[]) {
      styles[sheet] = file.beginSheet(sheet, 1) as SheetStyles;
      await file.endSheet();
    }
    await file.finish();
  } finally {
    await rm(spec.file, { force: true });
  }
  return styles as Record<SheetName, SheetStyles>;
}

/** One data sheet being written: its header, its rows, then its drop-down, filter and protection. */
class SheetWriter {
  private readonly worksheet: ExcelJS.Worksheet;
  private readonly columns: Column[];
  private readonly cellStyles: Partial<ExcelJS.Style>[];
  private readonly bukti: number;
  private readonly saran: number;
  private readonly internals: StreamingSheetInternals;
  private n = 0;

  constructor(
    workbook: ExcelJS.stream.xlsx.WorkbookWriter,
    readonly name: SheetName,
  ) {
    const columns = SHEETS[name];
    this.columns = columns;
    const worksheet = workbook.addWorksheet(name, {
      views: [{ state: 'frozen', ySplit: 1, xSplit: 3 }],
      properties: { defaultRowHeight: 15 },
    });
    this.worksheet = worksheet;
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
    this.cellStyles = [...columns.map((c) => styleOf(c) ?? {}), ...DECISION_COLUMNS.map(() => decisionStyle)];
    worksheet.columns = [
      ...columns.map((c, i) => ({
        header: c.header,
        key: c.key,
        width: c.width,
        hidden: c.hidden === true,
        ...(styleOf(c) ? { style: this.cellStyles[i] } : {}),
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
    this.bukti = columns.findIndex((c) => c.key === 'bukti');
    this.saran = columns.findIndex((c) => c.key === 'saran');
    this.internals = streamingInternals(worksheet);
  }

  /** The style attributes of the rows' XML, looked up in exceljs' order (see `beginSheet`). */
  styles(): SheetStyles {
    if (this.n > 0) throw new Error(`sheet ${this.name}: styles are looked up before its first row`);
    const table = this.internals._workbook.styles;
    // exceljs gives each row a style of its own ({}), looked up before the row's cells. A cell's
    // type only matters for a style without a number format (a date's gets one): none of these.
    const row = styleAttribute(table.addStyleModel({}), ' customFormat="1"');
    const cells = this.cellStyles.map((style) => styleAttribute(table.addStyleModel(style, V.String), ''));
    return { row, cells };
  }

  /** Rows as XML (UTF-8), after the rows before them (see `WorkbookFile.addXml`). */
  async addXml(xml: Uint8Array, rows: number): Promise<void> {
    const sheet = this.internals;
    sheet._rowZero += rows;
    this.n += rows;
    const stream = sheet.stream;
    const chunk = Buffer.from(xml.buffer, xml.byteOffset, xml.length);
    if (stream.pipes.length === 0) {
      // Not piped into the zip yet (archiver pipes a part's stream when it is added): buffered.
      stream.write(chunk);
      return;
    }
    // What the stream holds goes first, then this chunk. Its write is done once the zip's entry
    // has taken it on, behind what it is compressing: the caller is paced as by back-pressure.
    stream._flush();
    await Promise.all(
      stream.pipes.map((pipe) => new Promise<void>((resolve) => pipe.write(chunk, () => resolve()))),
    );
  }

  add(values: SheetRow): void {
    const locked = values.map(asWorkbookText);
    const cells: (string | number | Date | null)[] = this.columns.map((c, i) => {
      if (c.key === 'cek') return rowCheck(this.name, locked);
      const v = locked[i] ?? null;
      if (v === null) return null;
      if (c.kind === 'date') return asDate(v as string) ?? v;
      return v;
    });
    // The operator's cells are written empty with their style (unlocked, text): a column's style
    // alone stands for absent cells in Excel and LibreOffice, not in every reader (openpyxl).
    cells.push(null, null, null);
    // The streaming writer cannot fit row heights, and spreadsheets do not fit them on opening:
    // give wrapped evidence the lines it needs (up to four).
    const lines = Math.min(
      4,
      Math.max(wrapped(cells[this.bukti], BUKTI_WRAP), wrapped(cells[this.saran], SARAN_WRAP)),
    );
    const row = this.worksheet.addRow(cells);
    for (const [i, style] of this.cellStyles.entries()) row.getCell(i + 1).style = style;
    if (lines > 1) row.height = ROW_HEIGHT * lines;
    row.commit();
    this.n++;
  }

  async end(): Promise<number> {
    const { worksheet, columns, n } = this;
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
      prompt:
        'SETUJU: temuan benar. TOLAK: temuan keliru. PERBAIKI: isi nilai yang benar di NILAI PERBAIKAN.',
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
}

/** What exceljs' streaming worksheet writer has inside that rows written as XML go through. */
interface StreamingSheetInternals {
  startedData: boolean;
  _rowZero: number;
  _rows: unknown[];
  /** exceljs' StreamBuf of the sheet's part: buffers, then writes to the zip entry it is piped to. */
  stream: {
    write(xml: string | Buffer): void;
    pipes: { write(chunk: Buffer, done: () => void): void }[];
    _flush(): void;
  };
  _workbook: { styles: { addStyleModel(style: object, cellType?: number): number } };
}

/**
 * The streaming worksheet's insides, once its header row is committed (which starts its data),
 * checked: rows written as XML go straight into its stream, and exceljs must not have changed how.
 */
function streamingInternals(worksheet: ExcelJS.Worksheet): StreamingSheetInternals {
  const sheet = worksheet as unknown as StreamingSheetInternals;
  if (
    sheet.startedData !== true ||
    typeof sheet._rowZero !== 'number' ||
    !Array.isArray(sheet._rows) ||
    sheet._rows.length !== 0 ||
    typeof sheet.stream?.write !== 'function' ||
    typeof sheet.stream?._flush !== 'function' ||
    !Array.isArray(sheet.stream?.pipes) ||
    typeof sheet._workbook?.styles?.addStyleModel !== 'function'
  ) {
    throw new Error('exceljs worksheet writer changed: check how rows are written straight into it');
  }
  return sheet;
}

const V = ExcelJS.ValueType;

/** ` s="id"` and what follows it, or nothing for the default style 0. */
function styleAttribute(id: number, after: string): string {
  return id ? ` s="${id}"${after}` : '';
}

/**
 * exceljs' streaming worksheet writes its closing parts out of the order the OOXML schema requires
 * (autoFilter, mergeCells, hyperlinks, conditionalFormatting, dataValidations, sheetProtection):
 * Excel then refuses a protected sheet with an auto-filter as damaged (exceljs PR #2685, open).
 * The writer's own part writers are called in the schema's order instead: sheetProtection before
 * autoFilter, hyperlinks after dataValidations. `pipeline/review.test.ts` checks the order in the file.
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

/** What a workbook cannot give back as it was given: XML's line ends, and what XML cannot hold. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds.
const NOT_AS_WRITTEN = /[\u0000-\u0008\u000b-\u001f\u007f\ud800-\udfff\ufffe\uffff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A text as a workbook gives it back: a reader of the XML turns CR LF and a lone CR into LF,
 * exceljs drops the control characters XML 1.0 cannot hold, and a lone surrogate is written as
 * U+FFFD. A locked cell and its check code are written from this text, so that apply-review,
 * which checks what it reads, finds the row it was sent: a name with a stray control character
 * made an untouched workbook count as edited and be refused whole.
 */
export function asWorkbookText<T>(value: T): T | string {
  if (typeof value !== 'string' || !NOT_AS_WRITTEN.test(value)) return value;
  return (
    value
      .replace(/\r\n?/g, '\n')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it drops.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/g, '')
      .replace(LONE_SURROGATE, '\ufffd')
  );
}

/**
 * 'YYYY-MM-DD' as a date at midnight UTC (Excel's dates have no time zone); else null. A day the
 * month does not have (2023-02-30) is not a date: JavaScript would roll it over into the next month.
 */
function asDate(text: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  const d = new Date(`${text}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text ? null : d;
}

/** Points per line of 11-point text. */
export const ROW_HEIGHT = 15;
/** The widths, in characters, the evidence and the suggestion wrap at for a row's height. */
export const BUKTI_WRAP = 60;
export const SARAN_WRAP = 45;

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

function writeSummary(workbook: ExcelJS.stream.xlsx.WorkbookWriter, spec: WorkbookSpec): void {
  const { kab, kabNama, counts } = spec;
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
  add('Nomor proses (run id)', spec.runId, bold);
  add('Tanggal acuan', spec.referenceDate, bold);
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
