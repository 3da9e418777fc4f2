import { type Db, sqlIdent } from '../db.js';
import { sqlDouble } from './sql.js';

export interface AssignOptions {
  /** A scores table (`<prefix>_scores` or any relation with l_id, r_id, match_weight, match_probability). */
  scores: string;
  /** Output table: l_id, r_id, match_weight, match_probability, round. */
  out: string;
  /** Pairs below this probability are never assigned. Default 0.5. */
  minProbability?: number;
}

/**
 * One-to-one assignment: each left row gets at most one right row and vice versa, greedily by match weight
 * (ties by l_id, then r_id). Done in SQL by rounds of mutual best pairs: a pair that is the best remaining
 * for both its rows is exactly one greedy would take, so the rounds give the greedy result without
 * bringing the pairs to JavaScript. Ranked by weight, not probability, which saturates at 1.
 */
export async function assignOneToOne(
  db: Db,
  options: AssignOptions,
): Promise<{ pairs: number; rounds: number }> {
  const out = sqlIdent(options.out);
  const rest = sqlIdent(`${options.out}__rest`);
  const round = sqlIdent(`${options.out}__round`);
  const acc = sqlIdent(`${options.out}__acc`);
  await db.exec(`CREATE OR REPLACE TEMP TABLE ${rest} AS
      SELECT l_id, r_id, match_weight, match_probability FROM ${options.scores}
      WHERE match_probability >= ${sqlDouble(options.minProbability ?? 0.5)};
    CREATE OR REPLACE TEMP TABLE ${acc} AS
      SELECT l_id, r_id, match_weight, match_probability, 0 AS round FROM ${rest} LIMIT 0`);
  let rounds = 0;
  for (;;) {
    await db.exec(`CREATE OR REPLACE TEMP TABLE ${round} AS
      SELECT l_id, r_id, match_weight, match_probability FROM (
        SELECT *,
          row_number() OVER (PARTITION BY l_id ORDER BY match_weight DESC, r_id) AS l_rank,
          row_number() OVER (PARTITION BY r_id ORDER BY match_weight DESC, l_id) AS r_rank
        FROM ${rest}) WHERE l_rank = 1 AND r_rank = 1`);
    const n = await db.count(`SELECT count(*) FROM ${round}`);
    if (n === 0) break;
    rounds++;
    await db.exec(`INSERT INTO ${acc} SELECT *, ${rounds} FROM ${round};
      DELETE FROM ${rest} WHERE l_id IN (SELECT l_id FROM ${round}) OR r_id IN (SELECT r_id FROM ${round})`);
  }
  await db.exec(`CREATE OR REPLACE TABLE ${out} AS SELECT * FROM ${acc} ORDER BY l_id, r_id;
    DROP TABLE IF EXISTS ${rest}; DROP TABLE IF EXISTS ${round}; DROP TABLE IF EXISTS ${acc}`);
  return { pairs: await db.count(`SELECT count(*) FROM ${out}`), rounds };
}
