import { Db, sqlIdent, sqlString } from '../pipeline/db.js';
import { type Connector, type LoadedInput, type LoadOptions, UnreadableFile } from './connector.js';
import { sha256File } from './scan.js';

/** Parquet, for both inputs with the same column names: every column cast to text, as from CSV. */
export const parquet: Connector = {
  format: 'parquet',
  // Parquet files start (and end) with the magic bytes PAR1, whatever their name.
  sniff: (head) => head.subarray(0, 4).toString('latin1') === 'PAR1',
  async read(path, options) {
    // The layout is checked first, as a CSV's header is: a file that is not readable Parquet, or has
    // the wrong columns, is refused before it is hashed whole (gigabytes at the national scale).
    const header = await parquetHeader(path);
    const columns = options.mapHeader(header);
    const { sha256, bytes } = await sha256File(path, options.signal);
    return { load: (db) => loadParquet(db, path, options, { sha256, bytes, header, columns }) };
  },
};

/** The column names of a Parquet file, read from its footer by a DuckDB of its own (no run's yet). */
async function parquetHeader(path: string): Promise<string[]> {
  const db = await Db.open({ path: ':memory:', threads: 1 });
  try {
    return await parquetColumns(db, path);
  } catch {
    throw new UnreadableFile('not a readable Parquet file; export it again');
  } finally {
    db.close();
  }
}

async function loadParquet(
  db: Db,
  path: string,
  options: LoadOptions,
  file: { sha256: string; bytes: number; header: string[]; columns: (string | null)[] },
): Promise<LoadedInput> {
  const { sha256, bytes, header, columns } = file;
  // A column named null is not loaded.
  const select = header
    .flatMap((name, i) => {
      const as = columns[i];
      return as == null ? [] : [`CAST(${sqlIdent(name)} AS VARCHAR) AS ${sqlIdent(as)}`];
    })
    .join(', ');
  // `_baris` is the row's 1-based position. The rows are stored in any order, as a CSV's are
  // (loadCanonicalCopy): sorted on their position, a national extract was sorted whole.
  await db.inAnyOrder(() =>
    db.exec(`
      CREATE OR REPLACE TABLE ${sqlIdent(options.table)} AS
      SELECT ${sqlString(options.sourceName)} AS _sumber, (file_row_number + 1)::BIGINT AS _baris, ${select}
      FROM read_parquet(${sqlString(path)}, file_row_number = true)`),
  );
  const loaded = await db.count(`SELECT count(*) FROM ${sqlIdent(options.table)}`);
  return {
    format: 'parquet',
    bytes,
    sha256,
    header,
    rowsRead: loaded,
    rowsLoaded: loaded,
    rowsRejected: 0,
    details: {},
  };
}

/** Column names of a Parquet file, in file order. */
export async function parquetColumns(db: Db, path: string): Promise<string[]> {
  const rows = await db.all<{ name: string }>(
    `SELECT name FROM parquet_schema(${sqlString(path)}) WHERE num_children IS NULL OR num_children = 0`,
  );
  return rows.map((r) => r.name);
}
