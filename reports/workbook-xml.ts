import {
  BUKTI_WRAP,
  type Column,
  columnLetter,
  DECISION_COLUMNS,
  ROW_HEIGHT,
  SARAN_WRAP,
  SHEETS,
  type SheetName,
} from './workbook-file.js';

/**
 * A district workbook's data rows as DuckDB SQL: one query gives each row's `<row>` element, the bytes exceljs' row model writes for it (`workbook-file.ts` keeps that model
 * as the reference the tests hold this to). DuckDB builds the XML on its threads, vectorised; the
 * JavaScript thread only moves the text into the zip. Rendered in JavaScript (a row, a cell and a
 * value per column, then its XML), a 1M run's 460k rows took about 20 s of CPU on worker threads,
 * the largest step of the write stage.
 *
 * What each cell holds, as `SheetWriter.add` gives it:
 * - a text as the workbook gives it back (`asWorkbookText`: CR LF and CR as LF, the control
 *   characters XML cannot hold dropped), then escaped as exceljs' `xmlEncode` does;
 * - a `YYYY-MM-DD` date of the date column as Excel's serial day, any other text as text;
 * - the number column (a confidence, kept to four decimals in `workbook_items`) as its shortest
 *   decimal text, which is what JavaScript's `String` gives for it;
 * - `KODE CEK`, the row's check code (`rowCheck`, format 2): MD5 of the row's locked texts, then
 *   MD5's first byte of each column's;
 * - an empty cell only where its column has a style (the operator's columns, unlocked text).
 * The row's height gives wrapped evidence up to four lines, as `wrapped` counts them (a line's
 * length in UTF-16 units, as JavaScript counts it).
 */

/** The style attributes of a sheet's rows: the row's, and each cell's by column (' s="3"' or ''). */
export interface SheetStyles {
  row: string;
  cells: string[];
}

/** Characters a workbook does not give back as written (NOT_AS_WRITTEN of workbook-file.ts). */
const NOT_AS_WRITTEN = String.raw`[\x00-\x08\x0B-\x1F\x7F\x{FFFE}\x{FFFF}]`;
/** Those it drops once CR LF and CR are LF (the rest of asWorkbookText). */
const DROPPED = String.raw`[\x00-\x08\x0B\x0C\x0E-\x1F\x7F\x{FFFE}\x{FFFF}]`;
/** What exceljs' xmlEncode escapes (it also drops the control characters, gone by then). */
const ESCAPED = `[&<>"']`;

/** A text as the workbook gives it back (asWorkbookText); the regular expression only where needed. */
function workbookText(v: string): string {
  return `CASE WHEN regexp_matches(${v}, '${NOT_AS_WRITTEN}')
    THEN regexp_replace(regexp_replace(${v}, '\\r\\n?', chr(10), 'g'), '${DROPPED}', '', 'g') ELSE ${v} END`;
}

/** exceljs' xmlEncode of a text with no control character left. */
function xmlText(v: string): string {
  return `CASE WHEN regexp_matches(${v}, '${ESCAPED.replaceAll("'", "''")}')
    THEN replace(replace(replace(replace(replace(${v}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&apos;')
    ELSE ${v} END`;
}

/** A text's length in UTF-16 code units, as JavaScript's `length`: a character beyond U+FFFF counts two. */
function utf16Length(v: string): string {
  return `(length(${v}) + CASE WHEN strlen(${v}) = length(${v}) THEN 0
    ELSE length(regexp_replace(${v}, '[^\\x{10000}-\\x{10FFFF}]', '', 'g')) END)`;
}

/** `wrapped` of workbook-file.ts: lines a text wraps to in a column of `width` characters. */
function wrappedLines(v: string, width: number): string {
  const line = (l: string) => `greatest(1, ceil(${utf16Length(l)}::DOUBLE * 0.9 / ${width}))`;
  return `CASE WHEN ${v} IS NULL OR ${v} = '' THEN 1
    WHEN contains(${v}, chr(10)) THEN list_sum(list_transform(string_split(${v}, chr(10)), l -> ${line('l')}))
    ELSE ${line(v)} END`;
}

/** The shortest decimal text of a number with at most four decimals (JavaScript's String of it). */
function numberText(v: string): string {
  return `rtrim(rtrim(printf('%.4f', ${v}), '0'), '.')`;
}

/**
 * The query of every data row of every workbook, from `table` (workbook_items' columns and `_r`,
 * the row's number in its sheet), in the table's order (kab/kota, sheet, row): `kab`, `sheet`,
 * `r`, then `xml`. One query for all: its expressions are many, and DuckDB sets up every one of
 * them each time a query starts (about 25 ms), which a query per workbook and sheet paid 768 times
 * at 1M rows, more than the rows themselves cost. `styles` are the style attributes of each sheet,
 * the same in every workbook (`WorkbookFile.beginSheet` checks).
 */
export function itemsXmlQuery(styles: Record<SheetName, SheetStyles>, table = 'workbook_items'): string {
  const sheets = Object.keys(SHEETS) as SheetName[];
  // Every locked column of any sheet, cleaned once per row: c_<key>, and escaped: e_<key>.
  const keys = new Map<string, Column>();
  for (const sheet of sheets) for (const c of SHEETS[sheet]) if (c.key !== 'cek') keys.set(c.key, c);
  const texts = [...keys.values()].filter((c) => c.kind !== 'number');
  // Guards on the whole row first: almost no row holds a character to drop or to escape, and one
  // regular expression over the row costs a fraction of one per cell (measured: 1 s of 5 at 1M).
  const anyOf = (pattern: string, columns: string[]) =>
    `regexp_matches(concat_ws(chr(10), ${columns.join(', ')}), '${pattern.replaceAll("'", "''")}')`;
  const cleaned = [...keys.values()].map((c) =>
    c.kind === 'number'
      ? `CASE WHEN ${c.key} IS NOT NULL THEN ${numberText(c.key)} END AS c_${c.key}`
      : `CASE WHEN _asis THEN CAST(${c.key} AS VARCHAR) ELSE ${workbookText(`CAST(${c.key} AS VARCHAR)`)} END AS c_${c.key}`,
  );
  const escaped = texts.map(
    (c) => `CASE WHEN _plain THEN c_${c.key} ELSE ${xmlText(`c_${c.key}`)} END AS e_${c.key}`,
  );
  const lines = `least(4, greatest(${wrappedLines('c_bukti', BUKTI_WRAP)}, ${wrappedLines('c_saran', SARAN_WRAP)}))`;
  const bySheet = (part: (sheet: SheetName) => string) =>
    `CASE sheet ${sheets.map((s) => `WHEN '${s}' THEN ${part(s)}`).join(' ')} END`;
  return `
    WITH s AS (
      SELECT *, NOT ${anyOf(
        NOT_AS_WRITTEN,
        texts.map((c) => `CAST(${c.key} AS VARCHAR)`),
      )} AS _asis
      FROM ${table}
    ),
    t AS (
      SELECT kab, sheet, _r, ${cleaned.join(',\n        ')}
      FROM s
    ),
    u AS (
      SELECT *, ${escaped.join(',\n        ')},
        ${bySheet(checkCode)} AS cek, ${lines} AS lines
      FROM (SELECT *, NOT ${anyOf(
        ESCAPED,
        texts.map((c) => `c_${c.key}`),
      )} AS _plain FROM t)
    )
    SELECT kab, sheet, _r AS r, ${bySheet((sheet) => rowXml(sheet, styles[sheet]))} AS xml
    FROM u`;
}

/** `rowCheck` of a sheet's row over its cleaned texts (the locked columns, in order). */
function checkCode(sheet: SheetName): string {
  const texts = SHEETS[sheet].filter((c) => c.key !== 'cek').map((c) => `coalesce(c_${c.key}, '')`);
  return `concat(left(md5(concat_ws(chr(31), '${sheet}', ${texts.join(', ')})), 16), '.', ${texts
    .map((t, k) => `left(md5('${k}' || chr(31) || ${t}), 2)`)
    .join(', ')})`;
}

/** A sheet's `<row>` element over `u`'s columns. */
function rowXml(sheet: SheetName, styles: SheetStyles): string {
  const columns = SHEETS[sheet];
  const all = columns.length + DECISION_COLUMNS.length;
  if (styles.cells.length !== all) {
    throw new Error(`sheet ${sheet}: ${styles.cells.length} cell styles for ${all} columns`);
  }
  const cell = (c: Column | null, i: number) => {
    const ref = `'<c r="${columnLetter(i + 1)}', _r, '"${styles.cells[i]}`;
    const empty = styles.cells[i] ? `concat(${ref}/>')` : `''`;
    const text = (v: string) => `concat(${ref} t="str"><v>', ${v}, '</v></c>')`;
    const number = (v: string) => `concat(${ref}><v>', ${v}, '</v></c>')`;
    if (c === null) return empty;
    if (c.key === 'cek') return text('cek');
    const v = `c_${c.key}`;
    if (c.kind === 'number') return `CASE WHEN ${v} IS NULL THEN ${empty} ELSE ${number(v)} END`;
    if (c.kind === 'date') {
      return `CASE WHEN ${v} IS NULL THEN ${empty}
        WHEN regexp_full_match(${v}, '[0-9]{4}-[0-9]{2}-[0-9]{2}') AND TRY_CAST(${v} AS DATE) IS NOT NULL
          THEN ${number(`date_diff('day', DATE '1899-12-30', TRY_CAST(${v} AS DATE))`)}
        ELSE ${text(`e_${c.key}`)} END`;
    }
    return `CASE WHEN ${v} IS NULL THEN ${empty} ELSE ${text(`e_${c.key}`)} END`;
  };
  const cells = [
    ...columns.map((c, i) => cell(c, i)),
    ...DECISION_COLUMNS.map((_, k) => cell(null, columns.length + k)),
  ];
  return `concat('<row r="', _r, '"',
      CASE WHEN lines > 1 THEN ' ht="' || CAST(${ROW_HEIGHT} * lines AS INTEGER) || '" customHeight="1"' END,
      ' spans="1:${all}"${styles.row} x14ac:dyDescent="0.25">',
      ${cells.join(',\n      ')},
      '</row>')`;
}
