import {
  type DuckDBConnection,
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBListValue,
  DuckDBStructValue,
  type DuckDBValue,
} from '@duckdb/node-api';

export interface DbOptions {
  /** Database file; ':memory:' for a throwaway database. */
  path: string;
  threads?: number;
  /** DuckDB memory limit, e.g. '4GB'. Everything heavy runs in DuckDB, so this bounds the run. */
  memoryLimit?: string;
  /** Where DuckDB spills when a query outgrows the memory limit. */
  tempDir?: string;
  /** Once aborted, the running query is interrupted and no further query starts. */
  signal?: AbortSignal;
  /**
   * Rows per row group of the database's tables (DuckDB's default 122,880). DuckDB scans a table
   * on several threads one row group per task, so a small value makes a small input run the way a
   * national one does: the determinism tests use it to see thread-order effects on little data.
   */
  rowGroupSize?: number;
  /**
   * Create the tables this connection makes, unqualified, in this schema (the run's working
   * tables), while reads find both it and `main` (where the tables analysts query are made, named
   * `main.x`). Without it, a database that has the schema is opened with reads seeing both.
   */
  workingSchema?: string;
}

/**
 * The schema of a run's working tables, beside `main`, which holds what analysts query. A working
 * table that nothing reads after the run (`padan explain` reads `dtks`, `matches`, the link tables,
 * the candidates, scores and model) and no second connection reads (the names stream, the workbook
 * streams) is made TEMP instead: it lives in memory and spills to the temp dir, and is never
 * compressed and written to the file, which costs three to five times creating it (measured at 1M:
 * 1.3 s against 0.26 s for `names`).
 */
export const WORKING_SCHEMA = 'kerja';

/**
 * How the database stores its tables, for every connection (a global setting, and one that
 * DuckDB's instance options do not take, so it is set once the first connection is open). Text is
 * stored without FSST, DuckDB's string compression: training and applying it as every table is
 * written, and decoding it on every scan, was about 7 % of a 1M run, which is CPU-bound on both
 * cores, for a database file about twice the size (0.45 → 0.85 GB at 1M; bench/RESULTS.md).
 * Dictionary compression, which repeated values (codes, statuses, common names) get, stays.
 */
const STORAGE_SETTINGS = "SET disabled_compression_methods = 'fsst'";

/** One DuckDB database and the connection the pipeline works through. */
export class Db {
  private constructor(
    readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    readonly path: string,
    private readonly signal?: AbortSignal,
    private readonly attached = false,
  ) {
    signal?.addEventListener('abort', () => connection.interrupt(), { once: true });
  }

  /** A second connection to the same database (e.g. to stream from while the first writes). */
  async connectAnother(): Promise<DuckDBConnection> {
    const connection = await this.instance.connect();
    if (this.attached) await connection.run('USE padan');
    await setSchemas(connection, this.workingSchema);
    return connection;
  }

  private workingSchema?: string;

  /**
   * An appender to a table of this connection's schema (the working one during a run), or to a
   * temporary table of this connection.
   */
  async appender(table: string, options: { temporary?: boolean } = {}) {
    if (options.temporary) return this.connection.createAppender(table, 'main', 'temp');
    return this.connection.createAppender(table, this.workingSchema ?? 'main');
  }

  /**
   * A stored table's name, qualified with the schema this connection finds it in (the working
   * schema before `main`), for a view in `main` to name it: a stored view binds the names in its
   * body in its own schema, not in the search path of the connection that made it.
   */
  async qualifiedTable(table: string): Promise<string> {
    const schemas = await this.all<{ schema: string }>(
      `SELECT schema_name AS schema FROM duckdb_tables()
       WHERE database_name = current_database() AND table_name = $table AND NOT temporary`,
      { table },
    );
    const found = schemas.map((r) => r.schema);
    const schema = this.workingSchema && found.includes(this.workingSchema) ? this.workingSchema : 'main';
    return `${sqlIdent(schema)}.${sqlIdent(table)}`;
  }

  private checkSignal(): void {
    if (this.signal?.aborted) throw new Error('query not started: the run was stopped');
  }

  static async open(options: DbOptions): Promise<Db> {
    const config: Record<string, string> = {};
    if (options.threads !== undefined) config.threads = String(options.threads);
    if (options.memoryLimit !== undefined) config.memory_limit = options.memoryLimit;
    if (options.tempDir !== undefined) config.temp_directory = options.tempDir;
    // Insertion order is kept so that outputs are byte-identical from run to run.
    config.preserve_insertion_order = 'true';
    if (options.rowGroupSize === undefined || options.path === ':memory:') {
      const instance = await DuckDBInstance.create(options.path, config);
      const connection = await instance.connect();
      await connection.run(STORAGE_SETTINGS);
      return Db.withSchemas(new Db(instance, connection, options.path, options.signal), options);
    }
    // The row group size is a property of an attached database, not of the instance.
    const instance = await DuckDBInstance.create(':memory:', config);
    const connection = await instance.connect();
    await connection.run(STORAGE_SETTINGS);
    await connection.run(
      `ATTACH ${sqlString(options.path)} AS padan (ROW_GROUP_SIZE ${Math.trunc(options.rowGroupSize)}); USE padan`,
    );
    return Db.withSchemas(new Db(instance, connection, options.path, options.signal, true), options);
  }

  private static async withSchemas(db: Db, options: DbOptions): Promise<Db> {
    if (options.workingSchema) {
      await db.connection.run(`CREATE SCHEMA IF NOT EXISTS ${sqlIdent(options.workingSchema)}`);
      db.workingSchema = options.workingSchema;
    } else if (options.path !== ':memory:') {
      // A run's database opened to read: its working tables are found as well as its public ones.
      const has = await db.count(
        `SELECT count(*) FROM duckdb_schemas() WHERE database_name = current_database() AND schema_name = '${WORKING_SCHEMA}'`,
      );
      if (has > 0) await db.connection.run(`SET search_path = 'main,${WORKING_SCHEMA}'`);
      return db;
    }
    await setSchemas(db.connection, db.workingSchema);
    return db;
  }

  /**
   * `fn`'s statements with DuckDB free to store rows in the order its threads make them
   * (`preserve_insertion_order` off): for a table whose every reader joins or sorts on a key, such
   * as the raw tables and their `_baris`. Kept in order, DuckDB gathers the threads' pieces and
   * writes them again in sequence.
   */
  async inAnyOrder<T>(fn: () => Promise<T>): Promise<T> {
    await this.exec('SET preserve_insertion_order = false');
    try {
      return await fn();
    } finally {
      await this.exec('SET preserve_insertion_order = true');
    }
  }

  /** Run one or more statements, discarding results. */
  async exec(sql: string, params?: DuckDBValue[] | Record<string, DuckDBValue>): Promise<void> {
    this.checkSignal();
    await this.connection.run(sql, params);
  }

  /**
   * Run a query and return its rows as plain objects: integers as numbers (as strings beyond 2^53),
   * decimals as numbers, dates and timestamps as ISO text, lists as arrays. Only for small results:
   * bulk data stays in DuckDB.
   */
  async all<T = Record<string, unknown>>(
    sql: string,
    params?: DuckDBValue[] | Record<string, DuckDBValue>,
  ): Promise<T[]> {
    this.checkSignal();
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjects().map((row) => {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(row)) out[key] = toPlain(value);
      return out as T;
    });
  }

  /** The first row of a query, or undefined. */
  async one<T = Record<string, unknown>>(
    sql: string,
    params?: DuckDBValue[] | Record<string, DuckDBValue>,
  ): Promise<T | undefined> {
    const rows = await this.all<T>(sql, params);
    return rows[0];
  }

  /** A single number from a query such as `SELECT count(*) AS n ...`. */
  async count(sql: string, params?: DuckDBValue[] | Record<string, DuckDBValue>): Promise<number> {
    const row = await this.one<Record<string, unknown>>(sql, params);
    if (!row) return 0;
    const value = Object.values(row)[0];
    return value === null || value === undefined ? 0 : Number(value);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** A SQL string literal: quotes doubled. Use for file paths and identifiers built from config. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A quoted SQL identifier. */
export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A DuckDB value as a plain JavaScript value. */
export function toPlain(value: DuckDBValue): unknown {
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  ) {
    return value;
  }
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (value instanceof DuckDBDecimalValue) return value.toDouble();
  if (value instanceof DuckDBListValue) return value.items.map(toPlain);
  if (value instanceof DuckDBStructValue) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value.entries)) out[k] = toPlain(v);
    return out;
  }
  return String(value);
}

/** New tables into the working schema; reads through it and main. */
async function setSchemas(connection: DuckDBConnection, workingSchema: string | undefined): Promise<void> {
  if (!workingSchema) return;
  await connection.run(`SET schema = '${workingSchema}'; SET search_path = '${workingSchema},main'`);
}
