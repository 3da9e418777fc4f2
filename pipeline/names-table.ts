import type { Db } from './db.js';
import { sqlIdent, sqlString } from './db.js';
import { LEADING_ABBREVIATIONS, wordInfo } from './names.js';
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
 * non-null raw name over all `sources`, with the keys `nameKeys` gives it, each name normalised once
 * (never per row). `nama_asal` is unique (the distinct set) but carries no PRIMARY KEY: the index
 * would cost memory at 30M names and nothing here needs it. `fonetik[i]` is the phonetic key of
 * `tokens[i]`. The table is only joined on `nama_asal`, so its row order is not kept.
 *
 * Most names (98 % of the distinct names of a 1M run) are plain words whose keys are each word's
 * own: those are put together in SQL from a table of their distinct words (77,000 at 1M), each
 * word read once in JavaScript (`wordInfo`). The rest (titles, degrees, dots and commas, an
 * abbreviated first name, many words) go through `nameKeys` whole, on worker threads when they
 * are many. Before, every distinct name went through JavaScript: 1.1M names, 7 CPU-s on the
 * workers and 2 on this thread appending them (a 1M run).
 *
 * Then `name_token_freq(token, n, rel_freq)`: for each canonical token, `n` = the number of source
 * rows (of the sources with `frequency` on) whose name contains it, and `rel_freq` = n over the
 * number of such rows with a non-empty normalised name: the chance that a random name carries the
 * token, for term-frequency weighting (MUHAMMAD, SITI and NUR carry less evidence than rare tokens).
 *
 * Memory stays bounded: DuckDB computes the distinct sets (spilling if it must) and streams what
 * JavaScript reads to it one chunk at a time; results go back through an appender. A stream runs on
 * a second connection because appending on the connection that is streaming ends the stream
 * silently (the flush runs a statement on that connection, and the pending result then reports no
 * more rows), so what it reads is a stored table. So this must not run inside an open transaction
 * on `db.connection`: the reading connection would not see uncommitted tables.
 */
export async function buildNamesTable(
  db: Db,
  sources: NameSource[],
  target = 'names',
  options: NamesTableOptions = {},
): Promise<NamesTableResult> {
  if (sources.length === 0) throw new Error('buildNamesTable: no source columns');
  const started = performance.now();
  const t = (suffix: string) => sqlIdent(`${target}__${suffix}`);
  const values = sources
    .map(
      (s) =>
        `SELECT CAST(${sqlIdent(s.column)} AS VARCHAR) AS nama_asal, ${s.frequency !== false} AS dihitung FROM ${sqlIdent(s.table)}`,
    )
    .join('\n      UNION ALL ');

  // The distinct names, with the rows that count for the token frequencies, and the words of a
  // plain name not too long to be put together word by word.
  await db.exec(`
    CREATE OR REPLACE TEMP TABLE ${t('asal')} AS
    SELECT nama_asal, count(*) FILTER (WHERE dihitung) AS baris,
      CASE WHEN regexp_full_match(nama_asal, '${PLAIN_NAME_SQL}') AND len(string_split(nama_asal, ' ')) <= ${SQL_MAX_WORDS}
        THEN string_split(upper(nama_asal), ' ') END AS kata
    FROM (${values})
    WHERE nama_asal IS NOT NULL
    GROUP BY nama_asal`);
  const distinct = await db.count(`SELECT count(*) FROM temp.main.${t('asal')}`);

  // Each distinct word once: what it is, its canonical token and that token's phonetic key.
  await db.exec(`
    CREATE OR REPLACE TABLE ${t('kata_asal')} AS
    SELECT DISTINCT unnest(kata) AS kata FROM temp.main.${t('asal')} WHERE kata IS NOT NULL;
    CREATE OR REPLACE TEMP TABLE ${t('kata')} (kata VARCHAR, jenis VARCHAR, kanonik VARCHAR, fonetik VARCHAR)`);
  await streamInto(db, `SELECT kata FROM ${t('kata_asal')} ORDER BY kata`, `${target}__kata`, async (words) =>
    words.map((w) => {
      const info = wordInfo(w);
      return [w, info.kind, info.canonical, info.fonetik];
    }),
  );
  await db.exec(`DROP TABLE ${t('kata_asal')}`);

  // A plain name's keys are its words' keys in order (nameKeys' rules) when every word is a name
  // (no title, H or degree to drop: `polos`) and the first is not an abbreviation to expand.
  // One query per number of words, each joining only as many words: six joins over every name
  // cost three times as much, and filtered all at once, DuckDB built its hash tables on the names.
  const abbreviations = Object.keys(LEADING_ABBREVIATIONS).map(sqlString).join(', ');
  const byLength = Array.from({ length: SQL_MAX_WORDS }, (_, n) => {
    const words = Array.from({ length: n + 1 }, (_, i) => i + 1);
    return `
    SELECT nama_asal,
      concat_ws(' ', ${words.map((i) => `k${i}.kanonik`).join(', ')}) AS nama_norm,
      [${words.map((i) => `k${i}.fonetik`).join(', ')}] AS fonetik,
      concat(${words.map((i) => `left(k${i}.kanonik, 1)`).join(', ')}) AS inisial,
      ${words.map((i) => `k${i}.jenis = 'word'`).join(' AND ')}${n > 0 ? ` AND k1.kanonik NOT IN (${abbreviations})` : ''} AS polos
    FROM temp.main.${t('asal')} a
    ${words.map((i) => `LEFT JOIN temp.main.${t('kata')} k${i} ON k${i}.kata = a.kata[${i}]`).join('\n    ')}
    WHERE len(a.kata) = ${n + 1}`;
  });
  await db.exec(`CREATE OR REPLACE TEMP TABLE ${t('sql')} AS ${byLength.join('\n    UNION ALL')}`);

  // The other names whole, in JavaScript. The keys of a name travel as one text (NameBatch) and are
  // split in SQL below: lists through the appender cost about six times as much as text.
  await db.exec(`
    CREATE OR REPLACE TABLE ${t('sisa')} AS
    SELECT nama_asal FROM temp.main.${t('asal')} WHERE kata IS NULL
    UNION ALL SELECT nama_asal FROM temp.main.${t('sql')} WHERE polos IS NOT TRUE;
    CREATE OR REPLACE TEMP TABLE ${t('stage')} (nama_asal VARCHAR, kunci VARCHAR)`);
  // JavaScript's share runs on worker threads once the names are many, while this thread streams
  // and appends; batches are appended in the order they were read, whatever the threads.
  const planned = nameWorkers(await db.count("SELECT current_setting('threads')::BIGINT"));
  const workers =
    planned > 0 && (await db.count(`SELECT count(*) FROM ${t('sisa')}`)) >= workerMinNames()
      ? NameWorkers.start(planned)
      : null;
  try {
    await streamInto(
      db,
      `SELECT nama_asal FROM ${t('sisa')} ORDER BY nama_asal`,
      `${target}__stage`,
      async (names) => {
        const keys = workers ? (await workers.normalise(names)).keys : normaliseBatch(names).keys;
        return names.map((name, i) => [name, keys[i] as string]);
      },
      workers ? 2 * workers.size : 0,
    );
  } finally {
    await workers?.close();
  }
  await db.exec(`DROP TABLE ${t('sisa')}`);
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
      CASE WHEN nama_norm = '' THEN []::VARCHAR[] ELSE fonetik END AS fonetik,
      inisial
    FROM (
      SELECT nama_asal, nama_norm, fonetik, inisial FROM temp.main.${t('sql')} WHERE polos
      UNION ALL
      SELECT nama_asal, k[1], string_split(k[2], ' '), k[3]
      FROM (SELECT nama_asal, string_split(kunci, chr(${KEY_SEPARATOR.charCodeAt(0)})) AS k FROM temp.main.${t('stage')})
    );
    DROP TABLE temp.main.${t('stage')}; DROP TABLE temp.main.${t('sql')}; DROP TABLE temp.main.${t('kata')}`);

  // Counted per distinct raw name, then spread over its tokens: the unnest runs on the distinct
  // names, not on every row. A token twice in one name (SITI SITI) counts once.
  const frequencyTable = options.frequencyTable ?? 'name_token_freq';
  await db.exec(`
    CREATE OR REPLACE TABLE ${sqlIdent(frequencyTable)} AS
    WITH named AS (
      SELECT n.tokens, a.baris AS c FROM temp.main.${t('asal')} a JOIN ${sqlIdent(target)} n USING (nama_asal)
      WHERE len(n.tokens) > 0 AND a.baris > 0
    ),
    total AS (SELECT sum(c) AS rows FROM named)
    SELECT token, CAST(sum(c) AS BIGINT) AS n, sum(c) / any_value(total.rows) AS rel_freq
    FROM (SELECT unnest(list_distinct(tokens)) AS token, c FROM named), total
    GROUP BY token
    ORDER BY n DESC, token;
    DROP TABLE temp.main.${t('asal')}`);
  const tokens = await db.count(`SELECT count(*) FROM ${sqlIdent(frequencyTable)}`);
  return { distinct, tokens, seconds, workers: workers?.size ?? 0 };
}

/** `PLAIN_NAME` of names.ts as a DuckDB regular expression (full match). */
const PLAIN_NAME_SQL = '[A-Za-z]+(?: [A-Za-z]+)*';

/**
 * Words of a plain name put together in SQL at most (one join a word); a longer name goes to
 * `nameKeys`. Names of five words and more are rare (none in a generated 1M run).
 */
const SQL_MAX_WORDS = 6;

/**
 * Stream `query` (one text column, read on a second connection) into the temporary table `table`
 * of `db`'s connection, a batch at a time: `rows` gives each batch's rows, in the batch's order,
 * as texts. Up to `ahead` batches are in flight (on worker threads) before the first is appended.
 */
async function streamInto(
  db: Db,
  query: string,
  table: string,
  rows: (batch: string[]) => Promise<string[][]>,
  ahead = 0,
): Promise<void> {
  const reader = await db.connectAnother();
  try {
    const result = await reader.stream(query);
    const appender = await db.appender(table, { temporary: true });
    const pending: Promise<string[][]>[] = [];
    const appendFirst = async () => {
      for (const row of await (pending.shift() as Promise<string[][]>)) {
        for (const value of row) appender.appendVarchar(value);
        appender.endRow();
      }
    };
    const submit = (batch: string[]) => {
      const done = rows(batch);
      // Awaited in turn below; a failure before then must not count as unhandled.
      done.catch(() => {});
      pending.push(done);
    };
    try {
      let batch: string[] = [];
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const vector = chunk.getColumnVector(0);
        for (let i = 0; i < chunk.rowCount; i++) batch.push(vector.getItem(i) as string);
        if (batch.length >= NAME_BATCH) {
          submit(batch);
          batch = [];
        }
        // A few batches ahead, so that memory stays bounded however many names.
        while (pending.length > ahead) await appendFirst();
      }
      if (batch.length > 0) submit(batch);
      while (pending.length > 0) await appendFirst();
    } finally {
      appender.closeSync();
    }
  } finally {
    reader.closeSync();
  }
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
