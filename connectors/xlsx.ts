import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, pipeline, Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import ExcelJS from 'exceljs';
import { type Connector, UnreadableFile } from './connector.js';
import { type CanonicalCopy, loadCanonicalCopy } from './csv.js';
import { BlockWriter, csvField, sha256File } from './scan.js';

/**
 * XLSX, the format dinas sosial work in: padan writes the district workbooks in it
 * (`reports/workbooks.ts`) and reads DTKS extracts kept as Excel files.
 */

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * Stamp every entry of a zip file (an .xlsx is one) with the same date, in place. exceljs' zip
 * writer dates each entry with the moment it was written, so two runs of the same inputs would
 * give different bytes; with the run's reference date they give the same. Only the DOS time and
 * date fields of the local and central headers change (the writer puts no extended timestamps),
 * read and written a header at a time, so memory does not grow with the workbook.
 */
export async function pinZipTimestamps(path: string, date: Date): Promise<void> {
  const { time, day } = dosDateTime(date);
  const stamp = Buffer.alloc(4);
  stamp.writeUInt16LE(time, 0);
  stamp.writeUInt16LE(day, 2);
  const handle = await open(path, 'r+');
  try {
    const { central, entries, centralOffset } = await centralDirectory(handle, path);
    const centralSize = central.length;
    const header = Buffer.alloc(4);
    let p = 0;
    for (let n = 0; n < entries; n++) {
      if (central.readUInt32LE(p) !== CENTRAL) throw new Error(`${path}: broken central directory`);
      stamp.copy(central, p + 12);
      const localOffset = central.readUInt32LE(p + 42);
      await handle.read(header, 0, 4, localOffset);
      if (header.readUInt32LE(0) !== LOCAL) throw new Error(`${path}: broken local header`);
      await handle.write(stamp, 0, 4, localOffset + 10);
      p += 46 + central.readUInt16LE(p + 28) + central.readUInt16LE(p + 30) + central.readUInt16LE(p + 32);
    }
    await handle.write(central, 0, centralSize, centralOffset);
  } finally {
    await handle.close();
  }
}

/** MS-DOS time and date of a day at midnight (the date's UTC calendar day). */
function dosDateTime(date: Date): { time: number; day: number } {
  const year = Math.max(1980, date.getUTCFullYear());
  return { time: 0, day: ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate() };
}

/** One row of a sheet: its 1-based number and its cells as values (index 0 is column A). */
export interface XlsxRow {
  number: number;
  cells: XlsxCell[];
  /** Each cell's number format ('General', '@', 'dd/mm/yyyy', ...), where it has one. */
  formats: (string | undefined)[];
}

/** A cell as exceljs reads it. */
export type XlsxCell =
  | string
  | number
  | boolean
  | Date
  | null
  | { formula?: string; result?: unknown; richText?: { text: string }[]; text?: string; error?: string };

/**
 * Read a workbook sheet by sheet, a row at a time, with exceljs' streaming reader: the rows of a
 * sheet are handed to `onRow` as they are parsed, so a workbook of a whole kab/kota is never held
 * in memory. Styles are read so that a date cell arrives as a date.
 *
 * The zip is read through its central directory, the parts exceljs needs before any sheet
 * (relationships, workbook, shared strings, styles) first, then each sheet in the workbook's
 * order, inflated as it streams. exceljs' own reader makes one pass over the zip in stored order;
 * exceljs writes `xl/workbook.xml` last, and that single pass does not reliably deliver the last
 * entries before the sheets are parsed (exceljs issue #3064): under load a good workbook failed
 * with "Cannot read properties of undefined (reading 'model')".
 *
 * `first` names a sheet read before the others (padan's workbooks say in their last sheet how to
 * check the rows of the others); the names returned are in the workbook's order all the same.
 */
export async function readXlsx(
  path: string,
  onSheet: (name: string) => ((row: XlsxRow) => void | Promise<void>) | null,
  options: { first?: string } = {},
): Promise<string[]> {
  const entries = await zipEntries(path);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    entries: 'ignore',
  }) as unknown as ReaderParts;
  for (const part of [
    '_parseRels',
    '_parseWorkbook',
    '_parseSharedStrings',
    '_parseStyles',
    '_parseWorksheet',
  ]) {
    if (typeof (reader as unknown as Record<string, unknown>)[part] !== 'function') {
      throw new Error('exceljs workbook reader changed: check how readXlsx feeds it the parts');
    }
  }
  const stream = (name: string) => {
    const entry = entries.get(name);
    return entry ? entryStream(path, entry) : null;
  };
  // The workbook part and its relationships are small: read once, for the sheet names (in the
  // workbook's order) and for exceljs.
  const [book, rels] = await contents(path, entries, ['xl/workbook.xml', 'xl/_rels/workbook.xml.rels']);
  if (!book || !rels) throw new Error('not an .xlsx workbook (no xl/workbook.xml)');
  const sheetNames = sheetNamesOf(book, rels);
  await reader._parseRels(Readable.from([rels]));
  await reader._parseWorkbook(Readable.from([book]));
  // Without a shared-strings part (padan's own workbooks) every string is inline.
  const shared = stream('xl/sharedStrings.xml');
  if (shared) for await (const _ of reader._parseSharedStrings(shared));
  const styles = stream('xl/styles.xml');
  if (styles) await reader._parseStyles(styles);
  const names: string[] = [];
  const inOrder = [...sheetNames].sort(
    ([, a], [, b]) => Number(b === options.first) - Number(a === options.first),
  );
  for (const [part, name] of inOrder) {
    const number = /^xl\/worksheets\/sheet(\d+)\.xml$/.exec(part)?.[1];
    const sheet = number === undefined ? null : stream(part);
    if (!sheet) continue;
    names.push(name);
    const onRow = onSheet(name);
    for (const { value: worksheet } of reader._parseWorksheet(sheet, number as string)) {
      for await (const row of worksheet) {
        if (!onRow) continue;
        const cells: XlsxCell[] = [];
        const formats: (string | undefined)[] = [];
        row.eachCell({ includeEmpty: false }, (cell, column) => {
          cells[column - 1] = cell.value as XlsxCell;
          formats[column - 1] = cell.numFmt;
        });
        await onRow({
          number: row.number,
          cells: Array.from(cells, (v) => (v === undefined ? null : v)),
          formats,
        });
      }
    }
  }
  const order = [...sheetNames.values()];
  return names.sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

/** The parts of exceljs' streaming reader that readXlsx calls itself, in the order it needs them. */
interface ReaderParts {
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(entry: Readable, sheetNo: string): Generator<{ value: AsyncIterable<ExcelJS.Row> }>;
}

/** One entry of a zip's central directory: where its data starts and how it is stored. */
interface ZipEntry {
  method: number;
  compressed: number;
  localOffset: number;
}

/** The entries of a zip, by name, from its central directory. */
async function zipEntries(path: string): Promise<Map<string, ZipEntry>> {
  const handle = await open(path, 'r');
  try {
    const { central, entries } = await centralDirectory(handle, path);
    const found = new Map<string, ZipEntry>();
    let p = 0;
    for (let n = 0; n < entries; n++) {
      const nameLength = central.readUInt16LE(p + 28);
      const name = central.toString('utf8', p + 46, p + 46 + nameLength).replace(/^\//, '');
      found.set(name, {
        method: central.readUInt16LE(p + 10),
        compressed: central.readUInt32LE(p + 20),
        localOffset: central.readUInt32LE(p + 42),
      });
      p += 46 + nameLength + central.readUInt16LE(p + 30) + central.readUInt16LE(p + 32);
    }
    return found;
  } finally {
    await handle.close();
  }
}

/** Where an entry's data starts: after its local header, whose name and extra field may differ from the central one's. */
async function dataStart(path: string, entry: ZipEntry): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const local = Buffer.alloc(30);
    await handle.read(local, 0, 30, entry.localOffset);
    return entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  } finally {
    await handle.close();
  }
}

/** An entry's content as a stream, inflated as it is read. */
function entryStream(path: string, entry: ZipEntry): Readable {
  const out = new PassThrough();
  dataStart(path, entry).then(
    (start) => {
      const raw =
        entry.compressed === 0
          ? Readable.from([])
          : createReadStream(path, { start, end: start + entry.compressed - 1 });
      if (entry.method === 8) pipeline(raw, createInflateRaw(), out, () => {});
      else pipeline(raw, out, () => {});
    },
    (error: Error) => out.destroy(error),
  );
  return out;
}

/** The whole contents of some small entries (undefined for an entry the zip lacks). */
function contents(
  path: string,
  entries: Map<string, ZipEntry>,
  wanted: string[],
): Promise<(Buffer | undefined)[]> {
  return Promise.all(
    wanted.map(async (name) => {
      const entry = entries.get(name);
      if (!entry) return undefined;
      const chunks: Buffer[] = [];
      for await (const chunk of entryStream(path, entry)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    }),
  );
}

/** The contents of some entries of a zip (undefined for an entry it lacks), read through the central directory. */
export async function readZipEntries(path: string, wanted: string[]): Promise<(Buffer | undefined)[]> {
  return contents(path, await zipEntries(path), wanted);
}

/**
 * Sheet part (`xl/worksheets/sheet2.xml`) → sheet name, in the workbook's order, from the workbook
 * part and its relationships.
 */
function sheetNamesOf(workbook: Buffer, rels: Buffer): Map<string, string> {
  const attr = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
  const targets = new Map<string, string>();
  for (const tag of rels.toString('utf8').match(/<Relationship\b[^>]*>/g) ?? []) {
    const id = attr(tag, 'Id');
    const target = attr(tag, 'Target');
    if (id && target) targets.set(id, target.replace(/^\/?(xl\/)?/, 'xl/'));
  }
  const names = new Map<string, string>();
  for (const tag of workbook.toString('utf8').match(/<(?:\w+:)?sheet\b[^>]*>/g) ?? []) {
    const name = attr(tag, 'name');
    const id = attr(tag, 'r:id') ?? /\b\w+:id="([^"]*)"/.exec(tag)?.[1];
    const target = id ? targets.get(id) : undefined;
    if (name && target) names.set(target, unescapeXml(name));
  }
  return names;
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

async function centralDirectory(
  handle: Awaited<ReturnType<typeof open>>,
  path: string,
): Promise<{ central: Buffer; entries: number; centralOffset: number }> {
  const { size } = await handle.stat();
  const tailLength = Math.min(size, 22 + 0xffff);
  const tail = Buffer.alloc(tailLength);
  await handle.read(tail, 0, tailLength, size - tailLength);
  for (let i = tailLength - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== EOCD) continue;
    const entries = tail.readUInt16LE(i + 10);
    const centralSize = tail.readUInt32LE(i + 12);
    const centralOffset = tail.readUInt32LE(i + 16);
    const central = Buffer.alloc(centralSize);
    await handle.read(central, 0, centralSize, centralOffset);
    return { central, entries, centralOffset };
  }
  throw new Error(`${path}: not a zip file (no end of central directory)`);
}

/**
 * A cell as the text it holds: strings as they are, numbers in JavaScript's shortest form, dates
 * as YYYY-MM-DD (their UTC day: a date cell has no time zone), rich text joined, a formula's
 * cached result. `kind` tells what it was, for callers that must refuse numbers or formulas.
 */
export function cellText(cell: XlsxCell): {
  text: string | null;
  kind: 'empty' | 'text' | 'number' | 'date' | 'boolean' | 'formula' | 'error';
} {
  if (cell === null || cell === undefined) return { text: null, kind: 'empty' };
  if (typeof cell === 'string') return { text: cell, kind: cell === '' ? 'empty' : 'text' };
  if (typeof cell === 'number') return { text: String(cell), kind: 'number' };
  if (typeof cell === 'boolean') return { text: cell ? 'TRUE' : 'FALSE', kind: 'boolean' };
  if (cell instanceof Date) {
    const iso = cell.toISOString();
    return {
      text: iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' '),
      kind: 'date',
    };
  }
  if (cell.formula !== undefined) {
    const result = cell.result;
    return { text: result === undefined || result === null ? null : String(result), kind: 'formula' };
  }
  if (cell.richText) return { text: cell.richText.map((r) => r.text).join(''), kind: 'text' };
  if (cell.error !== undefined) return { text: null, kind: 'error' };
  if (cell.text !== undefined) return { text: cell.text, kind: 'text' };
  return { text: null, kind: 'empty' };
}

/**
 * The DTKS export as dinas sosial keep it, an Excel workbook (SPEC §1): the first sheet, in the
 * workbook's order, whose header row (one of its first ten rows) holds the required columns. Every
 * cell is read as the text the operator sees: a NIK typed as a number arrives as its digits, or,
 * where Excel already rounded it, as the mangled form ("3.32801E+15") the parsers know and never
 * repair; a date cell as YYYY-MM-DD (its shown form depends on the operator's locale). Rows go to a
 * canonical copy, as a CSV's do, each with its row number, and are loaded from there.
 */
export const xlsx: Connector = {
  format: 'xlsx',
  sniff: (head) => head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04,
  async read(path, options) {
    const { sha256, bytes } = await sha256File(path, options.signal);
    const sheets = new Map<string, SheetCopy>();
    // The sheets in the workbook's order, as readXlsx reads them.
    let order: string[];
    try {
      order = await readXlsx(path, (name) => {
        const sheet = new SheetCopy(name, options.workDir, sheets.size, options.holdsRequired);
        sheets.set(name, sheet);
        return (row) => sheet.row(row);
      });
    } catch (error) {
      if (error instanceof UnreadableFile) throw error;
      throw new UnreadableFile(`not a readable .xlsx workbook (${(error as Error).message.split('\n')[0]})`);
    }
    for (const sheet of sheets.values()) await sheet.close();
    const chosen = order.map((n) => sheets.get(n)).find((s) => s?.header !== null) ?? null;
    if (!chosen) {
      // Say what is missing on the first sheet's first row, as for a CSV header.
      const first = order.map((n) => sheets.get(n)).find((s) => s !== undefined);
      options.mapHeader(first?.firstRow ?? []);
      throw new UnreadableFile('no sheet has a header row with the required columns');
    }
    const columns = options.mapHeader(chosen.header as string[]);
    return {
      async load(db) {
        const result = await loadCanonicalCopy(db, chosen.copy, { ...options, columns });
        return {
          format: 'xlsx',
          bytes,
          sha256,
          header: chosen.header as string[],
          rowsRead: chosen.records,
          rowsLoaded: result.loaded,
          rowsRejected: result.rejected,
          details: { sheet: chosen.name, physicalLines: chosen.lastRow, blankLines: chosen.blank },
        };
      },
    };
  },
};

/** How many rows of a sheet may come before its header row (a title, a date, a blank line). */
const HEADER_SEARCH_ROWS = 10;

/** One sheet of a workbook being read: looking for its header row, then writing its rows out. */
class SheetCopy {
  header: string[] | null = null;
  firstRow: string[] | null = null;
  records = 0;
  blank = 0;
  lastRow = 0;
  readonly copy: CanonicalCopy;
  private copyWriter: BlockWriter | null = null;
  private rejectsWriter: BlockWriter | null = null;

  constructor(
    readonly name: string,
    workDir: string,
    index: number,
    private readonly holdsRequired: (header: string[]) => boolean,
  ) {
    this.copy = {
      copyPath: join(workDir, `sheet-${index}.csv`),
      rejectsPath: join(workDir, `sheet-${index}.rejects.csv`),
      delimiter: ',',
      header: [],
    };
  }

  async row(row: XlsxRow): Promise<void> {
    this.lastRow = row.number;
    const texts = Array.from(row.cells, (c, i) => displayText(c ?? null, row.formats[i]));
    if (this.header === null) {
      if (this.firstRow === null) this.firstRow = texts.map((t) => t.trim());
      if (row.number <= HEADER_SEARCH_ROWS && this.holdsRequired(texts.map((t) => t.trim()))) {
        this.header = texts.map((t) => t.trim());
        while (this.header.length > 0 && this.header.at(-1) === '') this.header.pop();
        this.copy.header = this.header;
        this.copyWriter = new BlockWriter(this.copy.copyPath);
        this.rejectsWriter = new BlockWriter(this.copy.rejectsPath);
        this.rejectsWriter.ascii('line,raw,reason\n');
      }
      return;
    }
    if (texts.every((t) => t.trim() === '')) {
      this.blank++;
      return;
    }
    this.records++;
    const width = this.header.length;
    const raw = texts.map(csvField).join(',');
    const beyond = texts.slice(width).some((t) => t.trim() !== '');
    const nul = texts.findIndex((t) => t.includes('\u0000'));
    const reason = beyond
      ? `TOO MANY COLUMNS: a value to the right of the last header column (${width} columns)`
      : nul >= 0
        ? `NUL BYTE in column "${this.header[nul] || `KOLOM_${nul + 1}`}": a NUL byte (0x00) in the cell; export the file again`
        : null;
    if (reason) {
      (this.rejectsWriter as BlockWriter).ascii(`${row.number},`);
      (this.rejectsWriter as BlockWriter).text(
        `${csvField(raw.replaceAll('\u0000', '\u2400'))},${csvField(reason)}\n`,
      );
    } else {
      const fields = Array.from({ length: width }, (_, i) => texts[i] ?? '');
      (this.copyWriter as BlockWriter).ascii(`${row.number},`);
      (this.copyWriter as BlockWriter).text(
        `${fields.map((f) => (f === '' ? '' : csvField(f))).join(',')}\n`,
      );
    }
    if ((this.copyWriter?.pending ?? 0) > 0) await this.copyWriter?.flush();
    if ((this.rejectsWriter?.pending ?? 0) > 0) await this.rejectsWriter?.flush();
  }

  async close(): Promise<void> {
    await this.copyWriter?.close();
    await this.rejectsWriter?.close();
  }
}

/**
 * A cell as the text Excel shows, for a DTKS extract: numbers in their format (General shows long
 * numbers in scientific notation, as Excel does: that is how a NIK typed as a number is mangled),
 * dates as YYYY-MM-DD, formulas by their cached result.
 */
export function displayText(cell: XlsxCell, format: string | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  if (cell instanceof Date) return cellText(cell).text ?? '';
  if (typeof cell === 'number') {
    if (isDateFormat(format))
      return new Date(Math.round((cell - 25569) * 86_400_000)).toISOString().slice(0, 10);
    return formatNumber(cell, format);
  }
  if (cell.formula !== undefined) return displayText((cell.result ?? null) as XlsxCell, format);
  if (cell.richText) return cell.richText.map((r) => r.text).join('');
  if (cell.error !== undefined) return String(cell.error);
  if (cell.text !== undefined) return String(cell.text);
  return '';
}

function isDateFormat(format: string | undefined): boolean {
  if (!format || format === 'General' || format === '@') return false;
  const bare = format.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
  return /[dmyhs]/i.test(bare) && !/^[#0.,%E+\- ]*$/.test(bare);
}

/** A number as Excel shows it in a cell of the given format. */
export function formatNumber(n: number, format: string | undefined): string {
  const f = (format ?? 'General').split(';')[0] as string;
  if (/^0+$/.test(f)) return String(Math.round(n)).padStart(f.length, '0');
  const decimals = /^[#,]*0*\.(0+)$/.exec(f);
  if (decimals) return n.toFixed((decimals[1] as string).length);
  if (/^[#,]*0$/.test(f)) return String(Math.round(n));
  return excelGeneral(n);
}

/**
 * Excel's General format in a column of standard width: up to 11 characters, so integers of 12 or
 * more digits show in scientific notation with six significant digits ("3.32801E+15").
 */
export function excelGeneral(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1e11 || (abs !== 0 && abs < 1e-9)) {
    const [mantissa, exponent] = n.toExponential(5).split('e') as [string, string];
    const m = mantissa.replace(/\.?0+$/, '');
    const e = Number(exponent);
    return `${m}E${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toPrecision(10)));
}
