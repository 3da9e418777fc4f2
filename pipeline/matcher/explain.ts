import type { DuckDBValue } from '@duckdb/node-api';
import { type Db, sqlIdent } from '../db.js';
import { ruleNames } from './blocking.js';
import type { LinkModel, LinkSettings } from './settings.js';
import { resolveSettings } from './settings.js';
import { gammaSelect, priorWeight, scoreSelect, tableName, tfColumns } from './sql.js';

export interface WaterfallStep {
  comparison: string;
  /** -1: no evidence. */
  gamma: number;
  label: string;
  m: number | null;
  u: number | null;
  /** The value's frequency when a term-frequency level applied. */
  tfU: number | null;
  bayesFactor: number;
  /** log2 of the bayes factor. */
  weight: number;
  /** Prior weight plus this and all earlier steps. */
  cumulative: number;
}

export interface Waterfall {
  lId: string;
  rId: string;
  /** Blocking rules that made the pair a candidate; empty when it was not one (scored here on demand). */
  rules: string[];
  candidate: boolean;
  prior: number;
  priorWeight: number;
  steps: WaterfallStep[];
  matchWeight: number;
  matchProbability: number;
}

/**
 * Why a pair scored as it did: the prior, then each comparison's level with its bayes factor, summing to the
 * match weight. The pair is re-scored with the same SQL and stored parameters as `<prefix>_scores`, so the
 * numbers are identical to the table's, and pairs that blocking never proposed can be explained as well.
 */
export async function explainPair(
  db: Db,
  settings: LinkSettings,
  lId: string | number | bigint,
  rId: string | number | bigint,
): Promise<Waterfall> {
  const s = resolveSettings(settings);
  const stored = await db.one<{ model_json: string }>(
    `SELECT model_json FROM ${tableName(s.prefix, 'model')}`,
  );
  if (!stored) throw new Error(`no model in ${s.prefix}_model: run link() first`);
  const model = JSON.parse(stored.model_json) as LinkModel;

  const idType = async (table: string, alias: string, id: string) =>
    (
      await db.all<{ column_type: string }>(
        `DESCRIBE SELECT ${alias}.${sqlIdent(id)} FROM ${table} AS ${alias}`,
      )
    )[0]?.column_type ?? 'VARCHAR';
  const lType = await idType(s.left.table, 'l', s.left.id);
  const rType = await idType(s.right.table, 'r', s.right.id);
  const pair = `(SELECT CAST($1 AS ${lType}) AS l_id, CAST($2 AS ${rType}) AS r_id,
    coalesce((SELECT rules FROM ${tableName(s.prefix, 'candidates')} AS c
              WHERE c.l_id = CAST($1 AS ${lType}) AND c.r_id = CAST($2 AS ${rType})), 0::UBIGINT) AS rules)`;
  const sql = scoreSelect(s, model, gammaSelect(s, pair), tfColumns(s));
  const params: DuckDBValue[] = [String(lId), String(rId)];
  const row = await db.one<Record<string, unknown>>(sql, params);
  if (!row) throw new Error(`no pair: left id ${String(lId)} or right id ${String(rId)} not found`);

  const pw = priorWeight(model.prior);
  let cumulative = pw;
  const steps = s.comparisons.map((comparison) => {
    const gamma = Number(row[`${comparison.name}_level`]);
    const weight = Number(row[`${comparison.name}_weight`]);
    const level = model.comparisons
      .find((c) => c.name === comparison.name)
      ?.levels.find((l) => l.gamma === gamma);
    const tf = row[`tf_${comparison.name}`];
    cumulative += weight;
    return {
      comparison: comparison.name,
      gamma,
      label: level?.label ?? 'no evidence',
      m: level?.m ?? null,
      u: level?.u ?? null,
      tfU: tf === null || tf === undefined ? null : Number(tf),
      bayesFactor: 2 ** weight,
      weight,
      cumulative,
    };
  });
  const rules = ruleNames(s, String(row.rules));
  return {
    lId: String(row.l_id),
    rId: String(row.r_id),
    rules,
    candidate: rules.length > 0,
    prior: model.prior,
    priorWeight: pw,
    steps,
    matchWeight: Number(row.match_weight),
    matchProbability: Number(row.match_probability),
  };
}

/** A waterfall as a fixed-width text table, for logs and review notes. */
export function formatWaterfall(w: Waterfall): string {
  const fmt = (x: number | null, digits = 4) => (x === null ? '' : x.toPrecision(digits));
  const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
  const rows: string[][] = [['step', 'level', 'm', 'u', 'tf u', 'weight', 'cumulative']];
  rows.push([
    'prior',
    `λ=${w.prior.toExponential(3)}`,
    '',
    '',
    '',
    signed(w.priorWeight),
    signed(w.priorWeight),
  ]);
  for (const step of w.steps) {
    rows.push([
      step.comparison,
      step.gamma < 0 ? '(no evidence)' : step.label,
      fmt(step.m),
      fmt(step.u),
      fmt(step.tfU),
      signed(step.weight),
      signed(step.cumulative),
    ]);
  }
  rows.push(['total', `p=${w.matchProbability.toFixed(6)}`, '', '', '', '', signed(w.matchWeight)]);
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const numeric = new Set([2, 3, 4, 5, 6]);
  const lines = rows.map((r) =>
    r
      .map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  '),
  );
  const head = `pair ${w.lId} ↔ ${w.rId}: ${w.candidate ? `candidate via ${w.rules.join(', ')}` : 'not a candidate pair'}`;
  return [head, ...lines].join('\n');
}
