import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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
 * Load a delimited text file into `table`, every column as VARCHAR (a CSV reader that guesses types
 * drops the leading zeros and last digits of NIKs), with `_sumber` (file) and `_baris` (line number)
 * columns. Lines DuckDB cannot read go to `rejectTable` with their line number, raw text and
 * reason; the run goes on.
 */
export async function loadCsv(
  db: Db,
  scan: CsvScan,
  options: { table: string; columns: string[]; rejectTable: string; tempDir: string; sourceName: string },
): Promise<LoadResult> {
  let path = scan.path;
  if (scan.encoding === 'windows-1252') {
    // DuckDB's latin-1 decoder refuses the C1 range that Windows-1252 uses for ’ “ ” – … and the
    // like, so such files are transcoded to UTF-8 first, streaming, into the temp directory.
    await mkdir(options.tempDir, { recursive: true });
    path = join(options.tempDir, `${options.table}.utf8.csv`);
    await transcodeToUtf8(scan.path, path);
  }
  const columnSpec = options.columns.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  const select = options.columns.map((name, i) => `c${i} AS ${sqlIdent(name)}`).join(', ');
  // Strict RFC 4180 reading with rejects kept: a line with the wrong number of fields, a broken
  // quote or bytes that are not UTF-8 is set aside with its line number instead of stopping the run.
  await db.exec(`
    CREATE OR REPLACE TABLE ${sqlIdent(options.table)} AS
    SELECT ${sqlString(options.sourceName)} AS _sumber, CAST(NULL AS BIGINT) AS _baris, ${select}
    FROM read_csv(${sqlString(path)},
      header = false, skip = 1, auto_detect = false, all_varchar = true,
      delim = ${sqlString(scan.delimiter)}, quote = '"', escape = '"',
      columns = {${columnSpec}}, store_rejects = true, strict_mode = true, null_padding = false)`);
  const loaded = await db.count(`SELECT count(*) FROM ${sqlIdent(options.table)}`);
  // The reason names the column as the file's header writes it (DuckDB only knows c0, c1, ...).
  const headerNames = scan.header.map((h, i) => `(${sqlString(`c${i}`)}, ${sqlString(h)})`).join(', ');
  await db.exec(`
    INSERT INTO ${sqlIdent(options.rejectTable)}
    SELECT ${sqlString(options.sourceName)}, line, raw, reason FROM (
      SELECT min(e.line)::BIGINT AS line, any_value(e.csv_line) AS raw,
        string_agg(DISTINCT e.error_type || coalesce(' in column "' || h.header || '"', '') || ': ' || e.error_message, '; '
          ORDER BY e.error_type || coalesce(' in column "' || h.header || '"', '') || ': ' || e.error_message) AS reason
      FROM reject_errors e LEFT JOIN (VALUES ${headerNames}) h(col, header) ON h.col = e.column_name
      GROUP BY e.scan_id, e.line)
    ORDER BY line`);
  const rejected = await db.count(
    `SELECT count(*) FROM ${sqlIdent(options.rejectTable)} WHERE file = ${sqlString(options.sourceName)}`,
  );
  await numberLines(db, options.table, options.rejectTable, options.sourceName, scan);
  await db.exec('DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans;');
  return { table: options.table, columns: options.columns, loaded, rejected };
}

/**
 * Give each loaded row its line number. DuckDB keeps file order but not line numbers; the rejected
 * lines have theirs, so the k-th loaded record sits on the k-th line that was not rejected. This is
 * exact when no record spans lines and there are no blank lines inside the file (the scan tells);
 * otherwise `_baris` is the record's position and the manifest says line numbers are approximate.
 */
async function numberLines(db: Db, table: string, rejectTable: string, source: string, scan: CsvScan) {
  const t = sqlIdent(table);
  await db.exec(`
    CREATE OR REPLACE TEMP TABLE _lines AS
    WITH candidates AS (
      SELECT g.line FROM range(2, ${scan.dataLines + 2}) g(line)
      ANTI JOIN (SELECT line FROM ${sqlIdent(rejectTable)} WHERE file = ${sqlString(source)}) r USING (line)
    )
    SELECT row_number() OVER (ORDER BY line) AS k, line FROM candidates;
    CREATE OR REPLACE TABLE ${t} AS
    SELECT x._sumber, l.line AS _baris, x.* EXCLUDE (_k, _sumber, _baris)
    FROM (SELECT rowid + 1 AS _k, * FROM ${t}) x LEFT JOIN _lines l ON l.k = x._k
    ORDER BY x._k;
    DROP TABLE _lines;`);
}

/** Stream a Windows-1252 file into a UTF-8 copy. */
async function transcodeToUtf8(from: string, to: string): Promise<void> {
  const decoder = new TextDecoder('windows-1252');
  const transcode = new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8'));
    },
    flush(done) {
      done(null, Buffer.from(decoder.decode(), 'utf8'));
    },
  });
  await pipeline(createReadStream(from), transcode, createWriteStream(to));
}
