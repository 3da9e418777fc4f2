import { sqlIdent } from '../db.js';
import type { Comparison, LinkModel, LinkSettings, ResolvedSettings } from './settings.js';

/**
 * The order the samples draw rows in (the training rows, u's rows): a seeded hash of the id, then
 * the id. The same rows whatever the threads or the rows' order.
 */
export function sampleHash(id: string, salt: number): string {
  return `hash(hash(${id}, ${salt}))`;
}

/** A quoted output table name `<prefix>_<suffix>`. */
export function tableName(prefix: string, suffix: string): string {
  return sqlIdent(`${prefix}_${suffix}`);
}

/**
 * A double as SQL. Going through text keeps the exact value (JS prints the shortest round-trip form) and
 * avoids DuckDB reading a plain literal as a DECIMAL of limited width.
 */
export function sqlDouble(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`not a finite number: ${x}`);
  return `'${String(x)}'::DOUBLE`;
}

/** Gamma of the i-th listed level (0-based): the first level is the highest, `else` is 0, null is -1. */
export function levelGamma(comparison: Comparison, index: number): number {
  return comparison.levels.length - index;
}

/** The level of one comparison as a SQL CASE over `l` and `r`. */
export function gammaExpr(comparison: Comparison): string {
  const parts = ['CASE'];
  if (comparison.nullWhen) parts.push(`WHEN (${comparison.nullWhen}) THEN -1`);
  comparison.levels.forEach((level, i) => {
    parts.push(`WHEN (${level.when}) THEN ${levelGamma(comparison, i)}`);
  });
  parts.push('ELSE 0 END::TINYINT');
  return parts.join(' ');
}

export interface TfSpec {
  /** Index of the frequency table `<prefix>_tf_<index>`. */
  index: number;
  left: string;
  right: string;
}

/** Per comparison, the frequency tables its levels use and at which gammas. */
export interface TfUse {
  comparison: Comparison;
  uses: { spec: TfSpec; gammas: number[]; weight: Map<number, number> }[];
}

/** Distinct term-frequency value expressions: levels that share one share a frequency table. */
export function tfPlan(settings: LinkSettings): { specs: TfSpec[]; uses: TfUse[] } {
  const specs: TfSpec[] = [];
  const byKey = new Map<string, TfSpec>();
  const uses: TfUse[] = [];
  for (const comparison of settings.comparisons) {
    const bySpec = new Map<number, { spec: TfSpec; gammas: number[]; weight: Map<number, number> }>();
    comparison.levels.forEach((level, i) => {
      if (!level.tf) return;
      const key = `${level.tf.left}\u0000${level.tf.right}`;
      let spec = byKey.get(key);
      if (!spec) {
        spec = { index: specs.length, left: level.tf.left, right: level.tf.right };
        specs.push(spec);
        byKey.set(key, spec);
      }
      let use = bySpec.get(spec.index);
      if (!use) {
        use = { spec, gammas: [], weight: new Map() };
        bySpec.set(spec.index, use);
      }
      const gamma = levelGamma(comparison, i);
      use.gammas.push(gamma);
      use.weight.set(gamma, level.tf.weight ?? 1);
    });
    if (bySpec.size > 0) uses.push({ comparison, uses: [...bySpec.values()] });
  }
  return { specs, uses };
}

export function tfTable(prefix: string, spec: TfSpec): string {
  return tableName(prefix, `tf_${spec.index}`);
}

/**
 * SQL creating the frequency table of one term-frequency value: u of a value is its share of the non-null
 * values, i.e. the chance that a random record carries it.
 */
export function tfTableSql(settings: ResolvedSettings, spec: TfSpec): string {
  const right = `SELECT (${spec.right}) AS v FROM ${settings.right.table} AS r`;
  const source =
    settings.tfSource === 'both'
      ? `${right} UNION ALL SELECT (${spec.left}) AS v FROM ${settings.left.table} AS l`
      : right;
  return `CREATE OR REPLACE TABLE ${tfTable(settings.prefix, spec)} AS
    SELECT v AS value, count(*) AS n, count(*) / sum(count(*)) OVER () AS u
    FROM (${source}) WHERE v IS NOT NULL GROUP BY v ORDER BY v`;
}

/**
 * A SELECT giving, for each pair of `pairs` (a relation with l_id, r_id, rules), the gamma of every
 * comparison, the term-frequency u where a level uses one (`tf_<comparison>`), and `m_train` when an m
 * training rule is set. All comparisons are evaluated in one vectorised pass over the joined rows.
 */
export function gammaSelect(settings: ResolvedSettings, pairs: string): string {
  const { specs, uses } = tfPlan(settings);
  const id = (ref: { id: string }) => sqlIdent(ref.id);
  const inner = ['c.l_id', 'c.r_id', 'c.rules'];
  for (const comparison of settings.comparisons) {
    inner.push(`${gammaExpr(comparison)} AS ${sqlIdent(`gamma_${comparison.name}`)}`);
  }
  for (const spec of specs) {
    inner.push(`(${spec.left}) AS _tfl_${spec.index}`, `(${spec.right}) AS _tfr_${spec.index}`);
  }
  if (settings.mTrainingRule) inner.push(`coalesce((${settings.mTrainingRule.when}), false) AS m_train`);

  const outer = ['g.l_id', 'g.r_id', 'g.rules'];
  for (const comparison of settings.comparisons) outer.push(`g.${sqlIdent(`gamma_${comparison.name}`)}`);
  const joins: string[] = [];
  for (const use of uses) {
    const gammaCol = `g.${sqlIdent(`gamma_${use.comparison.name}`)}`;
    const whens: string[] = [];
    use.uses.forEach((u, k) => {
      const alias = `tf_${use.comparison.name}_${k}`;
      const inList = u.gammas.join(', ');
      // Only pairs at a term-frequency level look a value up; NULL keys probe nothing.
      joins.push(
        `LEFT JOIN ${tfTable(settings.prefix, u.spec)} AS ${alias}_l ON ${alias}_l.value = CASE WHEN ${gammaCol} IN (${inList}) THEN g._tfl_${u.spec.index} END`,
        `LEFT JOIN ${tfTable(settings.prefix, u.spec)} AS ${alias}_r ON ${alias}_r.value = CASE WHEN ${gammaCol} IN (${inList}) THEN g._tfr_${u.spec.index} END`,
      );
      // Exact agreement makes both lookups equal; on fuzzy levels the commoner of the two values decides,
      // which errs towards less evidence.
      const value = `nullif(greatest(coalesce(${alias}_l.u, 0), coalesce(${alias}_r.u, 0)), 0)`;
      for (const gamma of u.gammas) whens.push(`WHEN ${gamma} THEN ${value}`);
    });
    outer.push(`CASE ${gammaCol} ${whens.join(' ')} END::DOUBLE AS ${sqlIdent(`tf_${use.comparison.name}`)}`);
  }
  if (settings.mTrainingRule) outer.push('g.m_train');

  return `SELECT ${outer.join(',\n  ')}
FROM (
  SELECT ${inner.join(',\n    ')}
  FROM ${pairs} AS c
  JOIN ${settings.left.table} AS l ON l.${id(settings.left)} = c.l_id
  JOIN ${settings.right.table} AS r ON r.${id(settings.right)} = c.r_id
) AS g
${joins.join('\n')}`;
}

/** Names of the tf columns present in the gamma relation. */
export function tfColumns(settings: LinkSettings): string[] {
  return tfPlan(settings).uses.map((u) => `tf_${u.comparison.name}`);
}

export function priorWeight(prior: number): number {
  return Math.log2(prior / (1 - prior));
}

/** The bayes-factor weight of one comparison as SQL over a gamma relation. */
export function weightExpr(settings: ResolvedSettings, model: LinkModel, comparison: Comparison): string {
  const params = model.comparisons.find((c) => c.name === comparison.name);
  if (!params) throw new Error(`model has no parameters for comparison '${comparison.name}'`);
  const tfUse = tfPlan(settings).uses.find((u) => u.comparison.name === comparison.name);
  const gammaCol = sqlIdent(`gamma_${comparison.name}`);
  const whens = params.levels.map((level) => {
    let w = sqlDouble(level.weight);
    const tfWeight = tfUse?.uses.find((u) => u.gammas.includes(level.gamma))?.weight.get(level.gamma);
    if (tfWeight !== undefined && tfWeight > 0) {
      // Splink's adjustment: the level's u is replaced by the value's frequency, in part when weight < 1.
      const tfCol = sqlIdent(`tf_${comparison.name}`);
      // The bound never goes above the level's own u, so that it can only limit a gain, never cause a loss.
      const bounded = `greatest(${tfCol}, ${sqlDouble(Math.min(settings.tfMinimumU, level.u))})`;
      w = `${w} + coalesce(${sqlDouble(tfWeight)} * log2(${sqlDouble(level.u)} / ${bounded}), 0)`;
    }
    return `WHEN ${level.gamma} THEN ${w}`;
  });
  return `CASE ${gammaCol} ${whens.join(' ')} ELSE 0 END::DOUBLE`;
}

/**
 * A SELECT scoring a gamma relation: per comparison its level and weight, then the total match weight
 * (prior + weights) and probability. `extra` columns of the gamma relation are passed through.
 */
export function scoreSelect(
  settings: ResolvedSettings,
  model: LinkModel,
  gamma: string,
  extra: string[] = [],
): string {
  const cols = ['l_id', 'r_id', 'rules'];
  const sum = [sqlDouble(priorWeight(model.prior))];
  for (const comparison of settings.comparisons) {
    const level = sqlIdent(`${comparison.name}_level`);
    const weight = sqlIdent(`${comparison.name}_weight`);
    cols.push(
      `${sqlIdent(`gamma_${comparison.name}`)} AS ${level}`,
      `${weightExpr(settings, model, comparison)} AS ${weight}`,
    );
    sum.push(weight);
  }
  const passed = extra.map((e) => sqlIdent(e));
  const levelCols = settings.comparisons.flatMap((c) => [
    sqlIdent(`${c.name}_level`),
    sqlIdent(`${c.name}_weight`),
  ]);
  // Summed in a fixed order so that the same inputs give bit-identical weights.
  return `SELECT l_id, r_id, rules, mw AS match_weight, 1 / (1 + pow(2, -mw)) AS match_probability,
  ${[...levelCols, ...passed].join(', ')}
FROM (
  SELECT *, ${sum.join(' + ')} AS mw
  FROM (SELECT ${[...cols, ...passed].join(', ')} FROM (${gamma}))
)`;
}
