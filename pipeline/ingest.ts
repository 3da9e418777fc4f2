import { mkdir, mkdtemp, open, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type Connector, type InputFormat, type ReadFile, UnreadableFile } from '../connectors/connector.js';
import { csv } from '../connectors/csv.js';
import { parquet } from '../connectors/parquet.js';
import { DUKCAPIL } from '../connectors/profiles/dukcapil.js';
import { duplicateColumn, loadedColumns, mapHeader, type Profile } from '../connectors/profiles/profile.js';
import { SIKS_NG } from '../connectors/profiles/siks-ng.js';
import { xlsx } from '../connectors/xlsx.js';
import { type Db, sqlIdent, sqlString } from './db.js';
import { InputError } from './errors.js';

export type InputRole = 'dtks' | 'dukcapil';

/** What the manifest records of one input file. */
export interface InputReport {
  role: InputRole;
  path: string;
  file: string;
  format: InputFormat;
  bytes: number;
  sha256: string;
  encoding?: string;
  delimiter?: string;
  /** XLSX: the sheet read. */
  sheet?: string;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  /** Physical lines (rows of a sheet) header included, blank lines skipped, records spanning lines. */
  physicalLines?: number;
  blankLines?: number;
  multilineRecords?: number;
  extraColumns: string[];
  /** The first rejected lines with the kind of fault, for an error message (no values). */
  firstRejected?: string;
}

/** The profile and raw table of each input, and the formats SPEC §1 accepts for it. */
const PROFILES: Record<InputRole, { profile: Profile; table: string; connectors: readonly Connector[] }> = {
  // Sniffed in this order: CSV, which takes anything, comes last.
  dtks: { profile: SIKS_NG, table: 'raw_dtks', connectors: [parquet, xlsx, csv] },
  dukcapil: { profile: DUKCAPIL, table: 'raw_dukcapil', connectors: [parquet, csv] },
};

export const REJECTED_TABLE = 'rejected';

export async function createRejectedTable(db: Db): Promise<void> {
  await db.exec(
    `CREATE OR REPLACE TABLE main.${REJECTED_TABLE} (file VARCHAR, line BIGINT, raw VARCHAR, reason VARCHAR)`,
  );
}

/** The first bytes of a file, to tell its format. */
async function head(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(8);
    const { bytesRead } = await handle.read(buf, 0, 8, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * An input that exists, is a file and is not empty; its size. Run before the output folder is
 * touched, so that a wrong path never costs the previous run.
 */
export async function checkInput(path: string, role: InputRole): Promise<number> {
  const size = await assertReadable(path, role);
  if (size === 0) throw new InputError(`--${role} ${path}: the file is empty; export it again`, path);
  return size;
}

async function assertReadable(path: string, role: InputRole): Promise<number> {
  try {
    const s = await stat(path);
    if (!s.isFile())
      throw new InputError(`--${role} ${path}: not a file; pass the path of a CSV or Parquet file`, path);
    const handle = await open(path, 'r');
    await handle.close();
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
  options: { tempDir: string; sourceName?: string; signal?: AbortSignal },
): Promise<InputReport> {
  return (await readInput(role, path, options)).load(db);
}

/** An input read without the database, to be loaded once (`load`) or given up (`discard`). */
export interface ReadInput {
  load(db: Db): Promise<InputReport>;
  /** Remove its work files without loading it (the run stopped on the other input). */
  discard(): Promise<void>;
}

/**
 * The first step of `ingestInput`: the file checked, its format told and the connector's `read`
 * done (the CSV scan, a workbook's sheets), which needs no database, so that the run reads one
 * input while DuckDB loads the other. The header is checked here for CSV and XLSX.
 */
export async function readInput(
  role: InputRole,
  path: string,
  options: { tempDir: string; sourceName?: string; signal?: AbortSignal },
): Promise<ReadInput> {
  const { profile, table, connectors } = PROFILES[role];
  await checkInput(path, role);
  // The file's name, not its path, so that outputs do not depend on where the inputs sit.
  const file = options.sourceName ?? basename(path);
  const first = await head(path);
  const connector = connectors.find((c) => c.sniff(first)) as Connector;
  if (role === 'dukcapil' && xlsx.sniff(first)) {
    throw new InputError(
      `--dukcapil ${path}: is an Excel workbook; the Dukcapil extract is read as CSV or Parquet (SPEC §1)`,
      path,
    );
  }
  // A folder of its own for work files: the temp dir may be the folder the inputs sit in.
  await mkdir(options.tempDir, { recursive: true });
  const workDir = await mkdtemp(join(options.tempDir, 'padan-ingest-'));
  const discard = () => rm(workDir, { recursive: true, force: true });
  const asInputError = (error: unknown): never => {
    if (error instanceof UnreadableFile) throw new InputError(`--${role} ${path}: ${error.message}`, path);
    throw error;
  };
  let mapping: ReturnType<typeof mapHeader> | null = null;
  let read: ReadFile;
  try {
    read = await connector
      .read(path, {
        table,
        rejectTable: REJECTED_TABLE,
        sourceName: file,
        workDir,
        // The layout is checked on the header, before the data is read.
        mapHeader: (header) => {
          assertHeader(role, path, profile, header);
          mapping = mapHeader(profile, header);
          return loadedColumns(profile, mapping);
        },
        holdsRequired: (header) => mapHeader(profile, header).missing.length === 0,
        signal: options.signal,
      })
      .catch(asInputError);
  } catch (error) {
    await discard();
    throw error;
  }
  return {
    discard,
    async load(db) {
      try {
        const loaded = await read.load(db).catch(asInputError);
        const columns = (mapping as ReturnType<typeof mapHeader> | null) ?? mapHeader(profile, loaded.header);
        const report: InputReport = {
          role,
          path,
          file,
          format: loaded.format,
          bytes: loaded.bytes,
          sha256: loaded.sha256,
          ...loaded.details,
          rowsRead: loaded.rowsRead,
          rowsLoaded: loaded.rowsLoaded,
          rowsRejected: loaded.rowsRejected,
          extraColumns: columns.extra,
        };
        if (report.rowsRead !== report.rowsLoaded + report.rowsRejected) {
          // Never lose a row silently: the connector's count of the records and the reader's disagree.
          throw new InputError(
            `--${role} ${path}: ${report.rowsRead} records counted but ${report.rowsLoaded} loaded and ` +
              `${report.rowsRejected} rejected; the file could not be read reliably, export it again`,
            path,
          );
        }
        await finishInput(
          db,
          role,
          report,
          columns.columns,
          loaded.details.delimiter === 'tab' ? '\t' : (loaded.details.delimiter ?? ','),
        );
        report.firstRejected = await firstRejected(db, file);
        return report;
      } finally {
        await discard();
      }
    },
  };
}

/** "100 (UNCLOSED QUOTE in column "NAMA"), 2041 (MISSING COLUMNS)": line numbers and fault kinds only. */
async function firstRejected(db: Db, file: string): Promise<string | undefined> {
  const rows = await db.all<{ line: number; kind: string }>(
    `SELECT line, split_part(reason, ':', 1) AS kind FROM ${REJECTED_TABLE} WHERE file = ? ORDER BY line LIMIT 5`,
    [file],
  );
  return rows.length > 0 ? rows.map((r) => `${r.line} (${r.kind})`).join(', ') : undefined;
}

/** A header the profile cannot read: a required column missing, or one column given twice. */
function assertHeader(role: InputRole, path: string, profile: Profile, header: string[]): void {
  const twice = duplicateColumn(profile, header);
  if (twice) {
    const what = twice.column ? `the ${profile.name} column "${twice.column}"` : 'the same column';
    throw new InputError(
      `--${role} ${path}: header columns ${twice.first} ("${twice.firstHeader}") and ${twice.second} ` +
        `("${twice.secondHeader}") are both ${what}; rename or remove one and run again`,
      path,
    );
  }
  assertColumns(role, path, profile, mapHeader(profile, header).missing);
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
 * DTKS rows are keyed by ID DTKS in every output: a row without one, with a control character in it
 * (a NUL or a tab would be written into every output and no operator could type it back), or
 * repeating one already seen, cannot be reported on, so it is moved to the rejected lines (the
 * first occurrence of a repeated id stays).
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
  const d = sqlString(delimiter);
  // The line as CSV again (the raw bytes of loaded lines are not kept): fields that need quotes get them.
  const field = (c: string) =>
    `CASE WHEN contains(coalesce(${sqlIdent(c)}, ''), '"') OR contains(coalesce(${sqlIdent(c)}, ''), ${d})
       OR contains(coalesce(${sqlIdent(c)}, ''), chr(10)) THEN '"' || replace(${sqlIdent(c)}, '"', '""') || '"'
       ELSE coalesce(${sqlIdent(c)}, '') END`;
  const raw = `concat_ws(${d}, ${columns.map(field).join(', ')})`;
  await db.exec(`
    CREATE OR REPLACE TEMP TABLE _bad_id AS
    WITH ids AS (
      SELECT _baris, trim(coalesce(id_dtks, '')) AS id FROM ${table}
    ),
    judged AS (
      SELECT _baris, id, CASE WHEN id = '' THEN 'ID DTKS is empty'
        WHEN regexp_matches(id, '[\\x00-\\x1F\\x7F\\x{80}-\\x{9F}]')
          THEN 'ID DTKS holds a control character (a NUL, tab or other invisible byte); export the file again'
        END AS bad
      FROM ids
    )
    SELECT _baris, coalesce(bad, 'ID DTKS repeats the row on line ' || first_line) AS reason FROM (
      SELECT _baris, bad,
        row_number() OVER (PARTITION BY id, bad IS NULL ORDER BY _baris) AS nth,
        min(_baris) OVER (PARTITION BY id, bad IS NULL) AS first_line
      FROM judged)
    WHERE bad IS NOT NULL OR nth > 1;
    INSERT INTO ${REJECTED_TABLE}
    SELECT _sumber, _baris, ${raw}, b.reason FROM ${table} JOIN _bad_id b USING (_baris) ORDER BY _baris;
    DELETE FROM ${table} WHERE _baris IN (SELECT _baris FROM _bad_id);`);
  const moved = await db.count('SELECT count(*) FROM _bad_id');
  await db.exec('DROP TABLE _bad_id');
  report.rowsLoaded -= moved;
  report.rowsRejected += moved;
}

/** `main.inputs`: each input file with its hash and row accounting, for analysts and audits. */
export async function recordInputs(db: Db, inputs: InputReport[]): Promise<void> {
  await db.exec(`CREATE OR REPLACE TABLE main.inputs (
    role VARCHAR, file VARCHAR, format VARCHAR, bytes BIGINT, sha256 VARCHAR, encoding VARCHAR, delimiter VARCHAR,
    sheet VARCHAR, physical_lines BIGINT, rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT)`);
  for (const i of inputs) {
    await db.exec('INSERT INTO main.inputs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
      i.role,
      i.file,
      i.format,
      i.bytes,
      i.sha256,
      i.encoding ?? null,
      i.delimiter ?? null,
      i.sheet ?? null,
      i.physicalLines ?? null,
      i.rowsRead,
      i.rowsLoaded,
      i.rowsRejected,
    ]);
  }
}
