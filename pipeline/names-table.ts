import type { Db } from './db.js';
import { sqlIdent } from './db.js';
import { initials, nameTokens, normaliseName, phoneticKey } from './names.js';

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

  // Lists through the appender cost about six times as much as text (measured), so tokens and
  // phonetic keys travel as space-separated text and are split in SQL below.
  await db.exec(
    `CREATE OR REPLACE TABLE ${sqlIdent(stage)} (nama_asal VARCHAR, nama_norm VARCHAR, fonetik VARCHAR, inisial VARCHAR)`,
  );
  let distinct = 0;
  const reader = await db.connectAnother();
  try {
    const result = await reader.stream(`
      SELECT nama_asal FROM (${rawValues(sources)})
      WHERE nama_asal IS NOT NULL
      GROUP BY nama_asal
      ORDER BY nama_asal`);
    const appender = await db.appender(stage);
    try {
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const vector = chunk.getColumnVector(0);
        for (let i = 0; i < chunk.rowCount; i++) {
          const raw = vector.getItem(i) as string;
          const norm = normaliseName(raw);
          appender.appendVarchar(raw);
          appender.appendVarchar(norm);
          appender.appendVarchar(nameTokens(norm).map(phoneticKey).join(' '));
          appender.appendVarchar(initials(norm));
          appender.endRow();
        }
        distinct += chunk.rowCount;
      }
    } finally {
      appender.closeSync();
    }
  } finally {
    reader.closeSync();
  }
  const seconds = (performance.now() - started) / 1000;

  // string_split keeps empty fields, so a token whose phonetic key is '' keeps its place in fonetik.
  await db.exec(`
    CREATE OR REPLACE TABLE ${sqlIdent(target)} AS
    SELECT
      nama_asal,
      nama_norm,
      replace(nama_norm, ' ', '') AS nama_gabung,
      CASE WHEN nama_norm = '' THEN []::VARCHAR[] ELSE string_split(nama_norm, ' ') END AS tokens,
      CASE WHEN nama_norm = '' THEN []::VARCHAR[] ELSE string_split(fonetik, ' ') END AS fonetik,
      inisial
    FROM ${sqlIdent(stage)};
    DROP TABLE ${sqlIdent(stage)}`);

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
  return { distinct, tokens, seconds };
}
