import { open, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { loadCsv } from '../connectors/csv.js';
import { loadParquet, parquetColumns } from '../connectors/parquet.js';
import { DUKCAPIL } from '../connectors/profiles/dukcapil.js';
import { mapHeader, type Profile } from '../connectors/profiles/profile.js';
import { SIKS_NG } from '../connectors/profiles/siks-ng.js';
import { scanCsv, sha256File } from '../connectors/scan.js';
import { type Db, sqlIdent, sqlString } from './db.js';
import { InputError } from './errors.js';

export type InputRole = 'dtks' | 'dukcapil';

/** What the manifest records of one input file. */
export interface InputReport {
  role: InputRole;
  path: string;
  file: string;
  format: 'csv' | 'parquet';
  bytes: number;
  sha256: string;
  encoding?: string;
  delimiter?: string;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  /** Line numbers in rejected.csv and `_baris` are physical lines (no multi-line records, no blank lines inside). */
  lineNumbersExact: boolean;
  extraColumns: string[];
}

const PROFILES: Record<InputRole, { profile: Profile; table: string }> = {
  dtks: { profile: SIKS_NG, table: 'raw_dtks' },
  dukcapil: { profile: DUKCAPIL, table: 'raw_dukcapil' },
};

export const REJECTED_TABLE = 'rejected';

export async function createRejectedTable(db: Db): Promise<void> {
  await db.exec(
    `CREATE OR REPLACE TABLE ${REJECTED_TABLE} (file VARCHAR, line BIGINT, raw VARCHAR, reason VARCHAR)`,
  );
}

/** Parquet files start and end with the magic bytes PAR1, whatever their name. */
async function isParquet(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4);
    await handle.read(buf, 0, 4, 0);
    return buf.toString('latin1') === 'PAR1';
  } finally {
    await handle.close();
  }
}

async function assertReadable(path: string, role: InputRole): Promise<number> {
  try {
    const s = await stat(path);
    if (!s.isFile())
      throw new InputError(`--${role} ${path}: not a file; pass the path of a CSV or Parquet file`, path);
    return s.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(
      `--${role} ${path}: cannot be opened (${(error as NodeJS.ErrnoException).code ?? 'error'}); check the path`,
      path,
    );
  }
}

/**
 * Load one input into its raw table: all text, columns renamed to canonical keys by the profile,
 * extra columns kept as written, `_sumber` and `_baris` for the audit trail.
 */
export async function ingestInput(
  db: Db,
  role: InputRole,
  path: string,
  options: { tempDir: string; sourceName?: string },
): Promise<InputReport> {
  const { profile, table } = PROFILES[role];
  const size = await assertReadable(path, role);
  if (size === 0) throw new InputError(`--${role} ${path}: the file is empty; export it again`, path);
  // The file's name, not its path, so that outputs do not depend on where the inputs sit.
  const file = options.sourceName ?? basename(path);

  if (await isParquet(path)) {
    let header: string[];
    try {
      header = await parquetColumns(db, path);
    } catch {
      throw new InputError(`--${role} ${path}: not a readable Parquet file; export it again`, path);
    }
    const mapping = mapHeader(profile, header);
    assertColumns(role, path, profile, mapping.missing);
    const { sha256, bytes } = await sha256File(path);
    const result = await loadParquet(db, path, { table, columns: mapping.columns, sourceName: file });
    const report: InputReport = {
      role,
      path,
      file,
      format: 'parquet',
      bytes,
      sha256,
      rowsRead: result.loaded,
      rowsLoaded: result.loaded,
      rowsRejected: 0,
      lineNumbersExact: true,
      extraColumns: mapping.extra,
    };
    await finishInput(db, role, report, mapping.columns, ',');
    return report;
  }

  const scan = await scanCsv(path);
  const mapping = mapHeader(profile, scan.header);
  assertColumns(role, path, profile, mapping.missing);
  const result = await loadCsv(db, scan, {
    table,
    columns: mapping.columns,
    rejectTable: REJECTED_TABLE,
    tempDir: join(options.tempDir, 'padan-ingest'),
    sourceName: file,
  });
  const report: InputReport = {
    role,
    path,
    file,
    format: 'csv',
    bytes: scan.bytes,
    sha256: scan.sha256,
    encoding: scan.encoding,
    delimiter: scan.delimiter === '\t' ? 'tab' : scan.delimiter,
    rowsRead: scan.records,
    rowsLoaded: result.loaded,
    rowsRejected: result.rejected,
    lineNumbersExact: scan.multilineRecords === 0 && scan.interiorBlankLines === 0,
    extraColumns: mapping.extra,
  };
  if (report.rowsRead !== report.rowsLoaded + report.rowsRejected) {
    // Never lose a row silently: our own count of the records and the reader's disagree.
    throw new InputError(
      `--${role} ${path}: ${report.rowsRead} records counted but ${report.rowsLoaded} loaded and ` +
        `${report.rowsRejected} rejected; the quoting of the file is irregular, export it again with standard CSV quoting`,
      path,
    );
  }
  await finishInput(db, role, report, mapping.columns, scan.delimiter);
  return report;
}

function assertColumns(role: InputRole, path: string, profile: Profile, missing: string[]): void {
  if (missing.length > 0) {
    throw new InputError(
      `--${role} ${path}: required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} ` +
        `not found in the header (expected the ${profile.name} layout of SPEC §1); check the header line`,
      path,
    );
  }
}

/**
 * DTKS rows are keyed by ID DTKS in every output: a row without one, or repeating one already seen,
 * cannot be reported on, so it is moved to the rejected lines (the first occurrence stays).
 */
async function finishInput(
  db: Db,
  role: InputRole,
  report: InputReport,
  columns: string[],
  delimiter: string,
): Promise<void> {
  if (role !== 'dtks') return;
  const table = PROFILES.dtks.table;
  const raw = `concat_ws(${sqlString(delimiter)}, ${columns.map((c) => `coalesce(${sqlIdent(c)}, '')`).join(', ')})`;
  await db.exec(`
    CREATE OR REPLACE TEMP TABLE _bad_id AS
    SELECT _baris, reason FROM (
      SELECT _baris, trim(coalesce(id_dtks, '')) AS id,
        row_number() OVER (PARTITION BY trim(coalesce(id_dtks, '')) ORDER BY _baris) AS nth,
        min(_baris) OVER (PARTITION BY trim(coalesce(id_dtks, ''))) AS first_line
      FROM ${table})
    CROSS JOIN LATERAL (SELECT CASE WHEN id = '' THEN 'ID DTKS is empty'
      WHEN nth > 1 THEN 'ID DTKS repeats the row on line ' || first_line END AS reason)
    WHERE reason IS NOT NULL;
    INSERT INTO ${REJECTED_TABLE}
    SELECT _sumber, _baris, ${raw}, b.reason FROM ${table} JOIN _bad_id b USING (_baris) ORDER BY _baris;
    DELETE FROM ${table} WHERE _baris IN (SELECT _baris FROM _bad_id);
    DROP TABLE _bad_id;`);
  const moved = await db.count(
    `SELECT count(*) FROM ${REJECTED_TABLE} WHERE file = ? AND reason LIKE 'ID DTKS%'`,
    [report.file],
  );
  report.rowsLoaded -= moved;
  report.rowsRejected += moved;
}
