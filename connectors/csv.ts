import { rm } from 'node:fs/promises';
import { type Db, sqlIdent, sqlString } from '../pipeline/db.js';
import type { CsvScan } from './scan.js';

/** What a connector loaded: the table it wrote and the lines it could not read. */
export interface LoadResult {
  table: string;
  /** Columns of the table in file order, named as in the header (trimmed). */
  columns: string[];
  loaded: number;
  rejected: number;
}

/**
 * Load a scanned delimited text file into `table`, every column as VARCHAR (a CSV reader that
 * guesses types drops the leading zeros and last digits of NIKs), with `_sumber` (file) and
 * `_baris` (the record's line in the input). DuckDB reads the scan's canonical copy, in which every
 * record was already checked (scan.ts); the lines the scan set aside go to `rejectTable` with
 * their line number, raw text and reason.
 */
export async function loadCsv(
  db: Db,
  scan: CsvScan,
  options: { table: string; columns: string[]; rejectTable: string; sourceName: string },
): Promise<LoadResult> {
  const columnSpec = ["'_baris': 'BIGINT'", ...options.columns.map((_, i) => `'c${i}': 'VARCHAR'`)].join(
    ', ',
  );
  const select = options.columns.map((name, i) => `c${i} AS ${sqlIdent(name)}`).join(', ');
  const source = sqlString(options.sourceName);
  // Strict reading with rejects kept, as a safety net only: the copy holds records the scan found
  // well formed, so DuckDB should set nothing aside. If it does, the line number is the copy's
  // prefix and the line is reported with DuckDB's reason rather than lost.
  await db.exec(`
    CREATE OR REPLACE TABLE ${sqlIdent(options.table)} AS
    SELECT ${source} AS _sumber, _baris, ${select}
    FROM read_csv(${sqlString(scan.copyPath)},
      header = false, auto_detect = false, all_varchar = false, new_line = '\\n',
      delim = ${sqlString(scan.delimiter)}, quote = '"', escape = '"', encoding = 'utf-8',
      columns = {${columnSpec}}, store_rejects = true, strict_mode = true, null_padding = false)`);
  const loaded = await db.count(`SELECT count(*) FROM ${sqlIdent(options.table)}`);
  const headerNames = scan.header.map((h, i) => `(${sqlString(`c${i}`)}, ${sqlString(h)})`).join(', ');
  const delim = sqlString(scan.delimiter);
  await db.exec(`
    INSERT INTO ${sqlIdent(options.rejectTable)}
    SELECT ${source}, line, raw, reason FROM (
      SELECT TRY_CAST(split_part(any_value(e.csv_line), ${delim}, 1) AS BIGINT) AS line,
        substr(any_value(e.csv_line), strpos(any_value(e.csv_line), ${delim}) + 1) AS raw,
        string_agg(DISTINCT e.error_type || coalesce(' in column "' || h.header || '"', '') || ': ' || e.error_message, '; '
          ORDER BY e.error_type || coalesce(' in column "' || h.header || '"', '') || ': ' || e.error_message) AS reason
      FROM reject_errors e LEFT JOIN (VALUES ${headerNames}) h(col, header) ON h.col = e.column_name
      GROUP BY e.scan_id, e.line);
    INSERT INTO ${sqlIdent(options.rejectTable)}
    SELECT ${source}, line, raw, reason FROM read_csv(${sqlString(scan.rejectsPath)},
      header = true, auto_detect = false, new_line = '\\n', delim = ',', quote = '"', escape = '"',
      columns = {'line': 'BIGINT', 'raw': 'VARCHAR', 'reason': 'VARCHAR'}, strict_mode = true);
    DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans;`);
  const rejected = await db.count(
    `SELECT count(*) FROM ${sqlIdent(options.rejectTable)} WHERE file = ${source}`,
  );
  const unnumbered = await db.count(
    `SELECT count(*) FROM ${sqlIdent(options.rejectTable)} WHERE file = ${source} AND line IS NULL`,
  );
  if (unnumbered > 0)
    throw new Error(`${unnumbered} lines rejected by DuckDB without the scan's line number`);
  await rm(scan.copyPath, { force: true });
  await rm(scan.rejectsPath, { force: true });
  return { table: options.table, columns: options.columns, loaded, rejected };
}
