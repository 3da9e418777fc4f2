import { type Db, sqlIdent, sqlString } from '../pipeline/db.js';
import type { LoadResult } from './csv.js';

/** Column names of a Parquet file, in file order. */
export async function parquetColumns(db: Db, path: string): Promise<string[]> {
  const rows = await db.all<{ name: string }>(
    `SELECT name FROM parquet_schema(${sqlString(path)}) WHERE num_children IS NULL OR num_children = 0`,
  );
  return rows.map((r) => r.name);
}

/**
 * Load a Parquet file into `table` with every column cast to VARCHAR, as the CSV connector does, so
 * that both formats reach the parsers in the same shape. `_baris` is the row's 1-based position.
 */
export async function loadParquet(
  db: Db,
  path: string,
  options: { table: string; columns: string[]; sourceName: string },
): Promise<LoadResult> {
  const fileColumns = await parquetColumns(db, path);
  const select = fileColumns
    .map((name, i) => `CAST(${sqlIdent(name)} AS VARCHAR) AS ${sqlIdent(options.columns[i] ?? name)}`)
    .join(', ');
  await db.exec(`
    CREATE OR REPLACE TABLE ${sqlIdent(options.table)} AS
    SELECT ${sqlString(options.sourceName)} AS _sumber, (file_row_number + 1)::BIGINT AS _baris, ${select}
    FROM read_parquet(${sqlString(path)}, file_row_number = true)
    ORDER BY file_row_number`);
  const loaded = await db.count(`SELECT count(*) FROM ${sqlIdent(options.table)}`);
  return { table: options.table, columns: options.columns, loaded, rejected: 0 };
}
