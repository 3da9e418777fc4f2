import { type Db, sqlIdent, sqlString } from '../db.js';
import { buildCandidates } from './blocking.js';
import { aggregatePatterns, buildParams, estimateM, estimatePrior, estimateU } from './estimate.js';
import type { LinkModel, LinkResult, LinkSettings, ResolvedSettings } from './settings.js';
import { resolveSettings } from './settings.js';
import {
  gammaSelect,
  priorWeight,
  sampleHash,
  scoreSelect,
  sqlDouble,
  tableName,
  tfPlan,
  tfTableSql,
} from './sql.js';

/**
 * Probabilistic record linkage of two tables (or deduplication of one) in DuckDB.
 *
 * Blocking → comparison vectors → u from random pairs → m from a rule and/or EM over gamma patterns →
 * term-frequency tables → scores. Everything proportional to the data runs in SQL; JavaScript only holds
 * the aggregated patterns and the parameters, so memory is bounded by DuckDB's memory limit.
 */
export async function link(
  db: Db,
  settings: LinkSettings,
  progress?: (step: string, done: number, total: number) => void,
): Promise<LinkResult> {
  const s = resolveSettings(settings);
  const warnings: string[] = [];
  const clock = timer();
  if (s.checkIds) await checkIds(db, s);
  const leftRows = s.left.rows ?? (await db.count(`SELECT count(*) FROM ${s.left.table}`));
  // Which left rows are compared: those trained on (a sample when there are more rows than
  // trainingRows, else all; none with a stored model) and those scored (scoreLeft's, else all).
  // Both go through one blocking and one comparison pass; the roles then pick their pairs.
  const sampled = !s.model && s.trainingRows !== undefined && s.trainingRows < leftRows;
  const roles = sampled || s.scoreLeft !== undefined ? await comparedLeft(db, s, sampled) : null;
  const cs = roles ? withLeft(s, roles.table) : s;
  // A step per blocking rule, then the comparisons, training (unless a model is given) and scoring.
  const total = s.blocking.length + (s.model ? 2 : 3);
  let done = 0;
  const step = (name: string) => progress?.(name, done++, total);

  // Term frequencies and u describe the whole population, whichever rows are trained on or scored.
  const { specs } = tfPlan(s);
  for (const spec of specs) await db.exec(tfTableSql(s, spec));
  const tTf = clock.lap();

  const blocking = await buildCandidates(db, cs, (rule) => step(`blocking rule ${rule}`));
  const tBlocking = clock.lap();
  step('comparisons of every candidate pair');
  const gamma = tableName(s.prefix, 'gamma');
  // Temporary: scoring reads it once, and `explain` computes a pair's levels again.
  await db.exec(
    `CREATE OR REPLACE TEMP TABLE ${gamma} AS ${gammaSelect(cs, tableName(s.prefix, 'candidates'))}`,
  );
  // EM trains on the training rows' pairs; with a stored model the prior is estimated on the
  // scored rows' pairs.
  const role = (flag: '__padan_train' | '__padan_score') =>
    roles ? `l_id IN (SELECT ${sqlIdent(s.left.id)} FROM ${roles.table} WHERE ${flag})` : 'true';
  await aggregatePatterns(db, s, role(s.model ? '__padan_score' : '__padan_train'));
  const scoredLeftRows = roles ? roles.scored : leftRows;
  const training = s.model
    ? { leftRows: 0, candidates: 0 }
    : {
        leftRows: roles ? roles.trained : leftRows,
        candidates: await db.count(`SELECT coalesce(sum(n), 0) FROM ${tableName(s.prefix, 'patterns')}`),
      };
  const tGamma = clock.lap();

  let model: LinkModel;
  let tU = 0;
  let tM = 0;
  if (s.model) {
    // A fixed prior in the settings wins over the stored one (e.g. a new month with more expected matches).
    model = {
      ...checkModel(s, s.model),
      ...(s.prior === undefined ? {} : { prior: s.prior, priorSource: 'fixed' as const }),
    };
    if (s.estimatePrior && s.prior === undefined) {
      const { m, u } = modelArrays(s, model);
      const estimated = await estimatePrior(db, s, m, u, scoredLeftRows, blocking.rightRows);
      model = {
        ...model,
        prior: estimated.prior,
        priorSource: 'estimated',
        candidateMatchShare: estimated.share,
      };
    }
  } else {
    step('training (u from random pairs, m by EM)');
    const u = await estimateU(db, s, warnings);
    tU = clock.lap();
    const m = await estimateM(db, s, u.u, warnings);
    // The prior is for a random pair of the rows trained on: a uniform sample has the population's.
    const estimated =
      s.prior === undefined
        ? await estimatePrior(db, s, m.m, u.u, training.leftRows, blocking.rightRows)
        : { prior: s.prior, share: null };
    tM = clock.lap();
    model = {
      prior: estimated.prior,
      priorSource: s.prior === undefined ? 'estimated' : 'fixed',
      candidateMatchShare: estimated.share,
      comparisons: buildParams(s, m.m, u.u, u.counts, m.source),
      em: m.em,
      uSample: { pairs: u.pairs, nonNull: u.nonNull },
    };
  }
  await writeModel(db, s, model, blocking.candidates, scoredLeftRows, blocking.rightRows, training);

  step('scoring');
  const scores = tableName(s.prefix, 'scores');
  const keep = s.minMatchWeight === undefined ? '' : `WHERE match_weight >= ${sqlDouble(s.minMatchWeight)}`;
  // Ordered so that the table (and anything written from it) is identical from run to run.
  await db.exec(`CREATE OR REPLACE TABLE ${scores} AS
    SELECT * FROM (${scoreSelect(s, model, `SELECT * FROM ${gamma} WHERE ${role('__padan_score')}`)}) ${keep} ORDER BY l_id, r_id`);
  if (roles) await db.exec(`DROP TABLE IF EXISTS ${roles.table}`);
  const scored = await db.count(`SELECT count(*) FROM ${scores}`);
  const tScore = clock.lap();

  return {
    ...blocking,
    leftRows,
    scoredLeftRows,
    training,
    scored,
    model,
    warnings,
    seconds: {
      blocking: tBlocking,
      tf: tTf,
      gamma: tGamma,
      u: tU,
      m: tM,
      score: tScore,
      total: clock.total(),
    },
  };
}

/** The training rows' ids of `table` (alias l): at most trainingRows, in sampleHash's order. */
function trainingSample(s: ResolvedSettings, table: string): string {
  const id = `l.${sqlIdent(s.left.id)}`;
  return `SELECT ${id} FROM ${table} AS l ORDER BY ${sampleHash(id, s.seed + 1)}, ${id} LIMIT ${s.trainingRows}`;
}

/**
 * The ids of the left rows `link` reads, out of `population` (every left row, with the columns
 * scoreLeft names): the rows scored, the training sample and the rows u is estimated on. A caller
 * whose left rows are costly to make may make only these, giving their number in all as
 * `left.rows`: each sample is the first rows of the population in sampleHash's order, so the rows
 * read are the same and so is the result. Every row when link reads them all (no scoreLeft, no
 * training sample, term frequencies counted on both sides, a deduplication).
 */
export function leftRowsRead(settings: LinkSettings, population: string): string {
  const s = resolveSettings(settings);
  const id = `l.${sqlIdent(s.left.id)}`;
  const all = `SELECT ${id} FROM ${population} AS l`;
  if (s.dedupe || s.tfSource === 'both' || s.scoreLeft === undefined) return all;
  if (s.model) return `${all} WHERE coalesce((${s.scoreLeft}), false)`;
  if (s.trainingRows === undefined) return all;
  return [
    `${all} WHERE coalesce((${s.scoreLeft}), false)`,
    `SELECT * FROM (${trainingSample(s, population)})`,
    `SELECT * FROM (${all} ORDER BY ${sampleHash(id, s.seed)}, ${id} LIMIT ${s.uSampleSize})`,
  ].join('\nUNION ');
}

/** The settings with another left relation of the same columns (both sides when deduplicating). */
function withLeft(s: ResolvedSettings, table: string): ResolvedSettings {
  return {
    ...s,
    // `rows` is the whole side's: the relation given here holds the rows it holds.
    left: { table, id: s.left.id },
    right: s.dedupe ? { ...s.right, table } : s.right,
  };
}

/**
 * The left rows to compare, with their roles: `__padan_train` for the training sample (at most
 * trainingRows drawn by a seeded hash of the id: the same rows whatever the threads or the row
 * order, and not the rows u is drawn from, which use another salt) or every row, `__padan_score` for the
 * rows scoreLeft selects or every row.
 */
async function comparedLeft(
  db: Db,
  s: ResolvedSettings,
  sampled: boolean,
): Promise<{ table: string; trained: number; scored: number }> {
  const table = tableName(s.prefix, 'compared_left');
  const id = `l.${sqlIdent(s.left.id)}`;
  const train = sampled ? `${id} IN (${trainingSample(s, s.left.table)})` : s.model ? 'false' : 'true';
  const score = s.scoreLeft === undefined ? 'true' : `coalesce((${s.scoreLeft}), false)`;
  await db.exec(`CREATE OR REPLACE TEMP TABLE ${table} AS
    SELECT * FROM (SELECT l.*, ${train} AS __padan_train, ${score} AS __padan_score FROM ${s.left.table} AS l)
    WHERE __padan_train OR __padan_score`);
  const row = await db.one<{ trained: number; scored: number }>(
    `SELECT count(*) FILTER (WHERE __padan_train) AS trained, count(*) FILTER (WHERE __padan_score) AS scored FROM ${table}`,
  );
  return { table, trained: Number(row?.trained ?? 0), scored: Number(row?.scored ?? 0) };
}

async function checkIds(db: Db, s: ResolvedSettings): Promise<void> {
  for (const side of s.dedupe ? (['left'] as const) : (['left', 'right'] as const)) {
    const ref = s[side];
    const row = await db.one<{ n: number; d: number; nulls: number }>(
      `SELECT count(*) AS n, count(DISTINCT ${sqlIdent(ref.id)}) AS d, count(*) FILTER (${sqlIdent(ref.id)} IS NULL) AS nulls
       FROM ${ref.table}`,
    );
    if (row && (Number(row.nulls) > 0 || Number(row.d) !== Number(row.n))) {
      throw new Error(
        `${side} id ${ref.id} of ${ref.table} is not unique and non-null (${row.n} rows, ${row.d} distinct ids, ${row.nulls} null)`,
      );
    }
  }
}

/** A stored model must describe the same comparisons and levels as the settings. */
/** A model's m and u as the estimators hold them: [comparison][gamma], gamma 0 the else level. */
function modelArrays(s: ResolvedSettings, model: LinkModel): { m: number[][]; u: number[][] } {
  const of = (key: 'm' | 'u') =>
    s.comparisons.map((c) => {
      const levels = model.comparisons.find((p) => p.name === c.name)?.levels ?? [];
      const out: number[] = [];
      for (const l of levels) out[l.gamma] = l[key];
      return out;
    });
  return { m: of('m'), u: of('u') };
}

function checkModel(s: ResolvedSettings, model: LinkModel): LinkModel {
  for (const comparison of s.comparisons) {
    const params = model.comparisons.find((c) => c.name === comparison.name);
    const labels = [...comparison.levels.map((l) => l.label), comparison.elseLabel ?? 'else'];
    if (!params || params.levels.map((l) => l.label).join('\u0000') !== labels.join('\u0000')) {
      throw new Error(`model does not match the settings for comparison '${comparison.name}'`);
    }
  }
  return model;
}

/** `<prefix>_params` (one row per comparison level) and `<prefix>_model` (one row). */
async function writeModel(
  db: Db,
  s: ResolvedSettings,
  model: LinkModel,
  candidates: number,
  leftRows: number,
  rightRows: number,
  training: { leftRows: number; candidates: number },
): Promise<void> {
  const rows = model.comparisons.flatMap((c, ci) =>
    c.levels.map(
      (l) =>
        `(${sqlString(c.name)}, ${ci}, ${l.gamma}, ${sqlString(l.label)}, ${sqlDouble(l.m)}, ${sqlDouble(l.u)},
          ${sqlDouble(l.m / l.u)}, ${sqlDouble(l.weight)}, ${l.tf}, ${sqlString(l.mSource)}, ${sqlString(l.uSource)}, ${l.uCount})`,
    ),
  );
  await db.exec(`CREATE OR REPLACE TABLE ${tableName(s.prefix, 'params')} (
      comparison VARCHAR, comparison_index INTEGER, gamma TINYINT, label VARCHAR, m DOUBLE, u DOUBLE,
      bayes_factor DOUBLE, weight DOUBLE, tf BOOLEAN, m_source VARCHAR, u_source VARCHAR, u_count BIGINT);
    INSERT INTO ${tableName(s.prefix, 'params')} VALUES ${rows.join(',\n')};
    CREATE OR REPLACE TABLE ${tableName(s.prefix, 'model')} AS SELECT
      ${sqlDouble(model.prior)} AS prior, ${sqlDouble(priorWeight(model.prior))} AS prior_weight,
      ${sqlString(model.priorSource)} AS prior_source,
      ${model.candidateMatchShare === null ? 'NULL::DOUBLE' : sqlDouble(model.candidateMatchShare)} AS candidate_match_share,
      ${leftRows}::BIGINT AS left_rows, ${rightRows}::BIGINT AS right_rows, ${candidates}::BIGINT AS candidates,
      ${training.leftRows}::BIGINT AS training_left_rows, ${training.candidates}::BIGINT AS training_candidates,
      ${sqlString(JSON.stringify(model))} AS model_json`);
}

function timer(): { lap(): number; total(): number } {
  const start = performance.now();
  let last = start;
  return {
    lap() {
      const now = performance.now();
      const s = (now - last) / 1000;
      last = now;
      return Math.round(s * 1000) / 1000;
    },
    total: () => Math.round(performance.now() - start) / 1000,
  };
}
