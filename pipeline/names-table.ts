import type { Db } from './db.js';
import { sqlIdent } from './db.js';
import { KEY_SEPARATOR, type NameBatch, normaliseBatch } from './names-batch.js';
import type { NameCall } from './names-worker.js';
import { compiledWorkerScript, envCount, WorkerCalls } from './worker-thread.js';

/** A text column whose values are person names. */
export interface NameSource {
  table: string;
  column: string;
  /**
   * Whether the rows of this column count in `name_token_freq` (default true). A mother's name is
   * repeated on every child's row, so a caller may prefer to count only the people's own names.
   */
  frequency?: boolean;
}

export interface NamesTableOptions {
  /** Table of token frequencies; default `name_token_freq`. */
  frequencyTable?: string;
}

export interface NamesTableResult {
  /** Distinct raw names normalised (rows of the names table). */
  distinct: number;
  /** Distinct canonical tokens in the frequency table. */
  tokens: number;
  /** Time spent normalising and appending, for the stage log. */
  seconds: number;
  /** Worker threads that normalised names (0: all on this thread). */
  workers: number;
}

/**
 * Build `target(nama_asal, nama_norm, nama_gabung, tokens, fonetik, inisial)`: one row per distinct
 * non-null raw name over all `sources`, normalised once (never per row), in `nama_asal` order so
 * that the table is the same from run to run. `nama_asal` is unique (the distinct set) but carries
 * no PRIMARY KEY: the index would cost memory at 30M names and nothing here needs it.
 * `fonetik[i]` is the phonetic key of `tokens[i]`.
 *
 * Then `name_token_freq(token, n, rel_freq)`: for each canonical token, `n` = the number of source
 * rows (of the sources with `frequency` on) whose name contains it, and `rel_freq` = n over the
 * number of such rows with a non-empty normalised name: the chance that a random name carries the
 * token, for term-frequency weighting (MUHAMMAD, SITI and NUR carry less evidence than rare tokens).
 *
 * Memory stays bounded: DuckDB computes the distinct set (spilling if it must) and streams it to
 * JavaScript one chunk at a time; results go back through an appender. The stream runs on a second
 * connection because appending on the connection that is streaming ends the stream silently (the
 * flush runs a statement on that connection, and the pending result then reports no more rows).
 * So this must not run inside an open transaction on `db.connection`: the reading connection would
 * not see uncommitted tables.
 */
export async function buildNamesTable(
  db: Db,
  sources: NameSource[],
  target = 'names',
  options: NamesTableOptions = {},
): Promise<NamesTableResult> {
  if (sources.length === 0) throw new Error('buildNamesTable: no source columns');
  const started = performance.now();
  const stage = `${target}__stage`;
  const rawValues = (list: NameSource[]) =>
    list
      .map((s) => `SELECT CAST(${sqlIdent(s.column)} AS VARCHAR) AS nama_asal FROM ${sqlIdent(s.table)}`)
      .join('\n      UNION ALL ');

  // Lists through the appender cost about six times as much as text (measured), so a name's keys
  // travel as one text (NameBatch) and are split in SQL below. The stage is a temporary table: it
  // is rewritten into the target right after, and appending to a stored table compressed and wrote
  // the rows on this thread (endRow, 1.9 s of a 1M run, 0.6 s into a temporary one), which held up
  // the workers.
  await db.exec(`CREATE OR REPLACE TEMP TABLE ${sqlIdent(stage)} (nama_asal VARCHAR, kunci VARCHAR)`);
  let distinct = 0;
  // JavaScript's share of the names (normalising, phonetic keys: 10 s of a 1M run's 20 s) runs on
  // worker threads once the names are many, while this thread streams and appends; batches are
  // appended in the order they were read, so the table does not depend on the threads.
  const planned = nameWorkers(await db.count("SELECT current_setting('threads')::BIGINT"));
  const minNames = workerMinNames();
  let workers: NameWorkers | null = null;
  const reader = await db.connectAnother();
  try {
    const result = await reader.stream(`
      SELECT nama_asal FROM (${rawValues(sources)})
      WHERE nama_asal IS NOT NULL
      GROUP BY nama_asal
      ORDER BY nama_asal`);
    const appender = await db.appender(stage, { temporary: true });
    const pending: { names: string[]; keys: Promise<NameBatch> }[] = [];
    const appendFirst = async () => {
      const { names, keys } = pending.shift() as (typeof pending)[number];
      const batch = (await keys).keys;
      for (let i = 0; i < names.length; i++) {
        appender.appendVarchar(names[i] as string);
        appender.appendVarchar(batch[i] as string);
        appender.endRow();
      }
    };
    const submit = (names: string[]) => {
      if (!workers && planned > 0 && distinct >= minNames) workers = NameWorkers.start(planned);
      const keys = workers ? workers.normalise(names) : Promise.resolve(normaliseBatch(names));
      // Awaited in turn below; a failure before then must not count as unhandled.
      keys.catch(() => {});
      pending.push({ names, keys });
    };
    try {
      let batch: string[] = [];
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const vector = chunk.getColumnVector(0);
        for (let i = 0; i < chunk.rowCount; i++) batch.push(vector.getItem(i) as string);
        distinct += chunk.rowCount;
        if (batch.length >= NAME_BATCH) {
          submit(batch);
          batch = [];
        }
        // A few batches ahead per worker, so that memory stays bounded however many names.
        while (pending.length > 2 * ((workers as NameWorkers | null)?.size ?? 0)) await appendFirst();
      }
      if (batch.length > 0) submit(batch);
      while (pending.length > 0) await appendFirst();
    } finally {
      appender.closeSync();
    }
  } finally {
    reader.closeSync();
    await (workers as NameWorkers | null)?.close();
  }
  const seconds = (performance.now() - started) / 1000;

  // string_split keeps empty fields, so a token whose phonetic key is '' keeps its place in fonetik.
  // Temporary: only this connection's parse joins read it, and storing it compressed cost 1 s of a
  // 1M run (see WORKING_SCHEMA in db.ts).
  await db.exec(`
    CREATE OR REPLACE TEMP TABLE ${sqlIdent(target)} AS
    SELECT
      nama_asal,
      nama_norm,
      replace(nama_norm, ' ', '') AS nama_gabung,
      CASE WHEN nama_norm = '' THEN []::VARCHAR[] ELSE string_split(nama_norm, ' ') END AS tokens,
      CASE WHEN nama_norm = '' THEN []::VARCHAR[] ELSE string_split(fonetik, ' ') END AS fonetik,
      inisial
    FROM (
      SELECT nama_asal, k[1] AS nama_norm, k[2] AS fonetik, k[3] AS inisial
      FROM (SELECT nama_asal, string_split(kunci, chr(${KEY_SEPARATOR.charCodeAt(0)})) AS k FROM temp.main.${sqlIdent(stage)})
    );
    DROP TABLE temp.main.${sqlIdent(stage)}`);

  const frequencyTable = options.frequencyTable ?? 'name_token_freq';
  const counted = sources.filter((s) => s.frequency !== false);
  if (counted.length === 0) {
    await db.exec(
      `CREATE OR REPLACE TABLE ${sqlIdent(frequencyTable)} (token VARCHAR, n BIGINT, rel_freq DOUBLE)`,
    );
  } else {
    // Counted per distinct raw name first, then spread over its tokens: the unnest runs on the
    // distinct names, not on every row. A token twice in one name (SITI SITI) counts once.
    await db.exec(`
      CREATE OR REPLACE TABLE ${sqlIdent(frequencyTable)} AS
      WITH per_name AS (
        SELECT nama_asal, count(*) AS c FROM (${rawValues(counted)})
        WHERE nama_asal IS NOT NULL
        GROUP BY nama_asal
      ),
      named AS (
        SELECT n.tokens, p.c FROM per_name p JOIN ${sqlIdent(target)} n USING (nama_asal)
        WHERE len(n.tokens) > 0
      ),
      total AS (SELECT sum(c) AS rows FROM named)
      SELECT token, CAST(sum(c) AS BIGINT) AS n, sum(c) / any_value(total.rows) AS rel_freq
      FROM (SELECT unnest(list_distinct(tokens)) AS token, c FROM named), total
      GROUP BY token
      ORDER BY n DESC, token`);
  }
  const tokens = await db.count(`SELECT count(*) FROM ${sqlIdent(frequencyTable)}`);
  return { distinct, tokens, seconds, workers: (workers as NameWorkers | null)?.size ?? 0 };
}

/** Names a batch sent to a worker holds: a few DuckDB chunks, so that messages are few. */
const NAME_BATCH = 8192;
/** Worker threads at most, whatever the threads: each loads the name tables and its own caches. */
const MAX_WORKERS = 4;

/** Worker threads for the names: one per DuckDB thread (up to MAX_WORKERS) when there are two or more. */
export function nameWorkers(threads: number): number {
  return threads >= 2 && WORKER_SCRIPT ? Math.min(threads, MAX_WORKERS) : 0;
}

/**
 * Distinct names after which the rest go to worker threads: a small run is done before the workers
 * would have started. `PADAN_NAME_WORKER_NAMES` overrides it (0: from the first name).
 */
function workerMinNames(): number {
  return envCount('PADAN_NAME_WORKER_NAMES', 100_000);
}

/** The worker script, compiled beside this file (null from source: names normalised on this thread). */
const WORKER_SCRIPT = compiledWorkerScript(import.meta.url, './names-worker.js');

/** Worker threads that normalise batches of names, taken in turn. */
class NameWorkers {
  private next = 0;

  private constructor(private readonly workers: WorkerCalls<Omit<NameCall, 'id'>, NameBatch>[]) {}

  static start(count: number): NameWorkers {
    return new NameWorkers(
      Array.from({ length: count }, () => new WorkerCalls(WORKER_SCRIPT as URL, 'names')),
    );
  }

  get size(): number {
    return this.workers.length;
  }

  normalise(names: string[]): Promise<NameBatch> {
    const worker = this.workers[this.next++ % this.workers.length] as (typeof this.workers)[number];
    return worker.call({ names });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
