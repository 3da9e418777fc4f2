import { type Db, sqlIdent } from '../db.js';
import { ruleMask } from './blocking.js';
import { type GammaPattern, normalise, runEm } from './em.js';
import type {
  ComparisonParams,
  EmSession,
  EmSessionReport,
  LinkModel,
  ResolvedSettings,
} from './settings.js';
import { gammaExpr, levelGamma, sampleHash, tableName } from './sql.js';

/** Pseudo-count per level (Jeffreys prior): an unseen level gets a small probability, never 0 or ∞ weight. */
const PSEUDO = 0.5;

export interface UEstimate {
  /** u[c][gamma] */
  u: number[][];
  /** counts[c][gamma] among the random pairs */
  counts: number[][];
  pairs: number;
  nonNull: Record<string, number>;
}

/** Number of gamma values of a comparison: its listed levels plus `else`. */
function width(settings: ResolvedSettings, c: number): number {
  return (settings.comparisons[c]?.levels.length ?? 0) + 1;
}

/**
 * Per comparison, fixed m (or u) of single levels, indexed by gamma. When every listed level is fixed, the
 * `else` level is fixed too, at what is left.
 */
function fixedBy(settings: ResolvedSettings, key: 'm' | 'u'): (number | undefined)[][] {
  return settings.comparisons.map((comparison) => {
    const row: (number | undefined)[] = new Array(comparison.levels.length + 1).fill(undefined);
    comparison.levels.forEach((level, i) => {
      row[levelGamma(comparison, i)] = level[key];
    });
    if (comparison.levels.every((level) => level[key] !== undefined)) {
      row[0] = 1 - comparison.levels.reduce((a, level) => a + (level[key] as number), 0);
    }
    return row;
  });
}

/**
 * u from random pairs. Rows are sampled by the rank of a seeded hash of their id (reproducible regardless of
 * threads, unlike reservoir sampling), then `uSampleSize` pairs of sampled rows are drawn by hashing the
 * pair number. Both samples are bounded by `uSampleSize`, so the cost is one scan of each table.
 */
export async function estimateU(db: Db, s: ResolvedSettings, warnings: string[]): Promise<UEstimate> {
  const sample = (side: 'left' | 'right') => {
    const ref = s[side];
    const alias = side === 'left' ? 'l' : 'r';
    const id = sqlIdent(ref.id);
    // The rows are picked and numbered on their hash and id alone, then their columns joined on
    // the (unique) id: sorting whole rows cost three times as much (1.55 s against 0.51 s for
    // 1M of 1.56M Dukcapil records). The table's order does not matter: pairs find rows by number.
    return `CREATE OR REPLACE TEMP TABLE ${tableName(s.prefix, `u_${side}`)} AS
      WITH picked AS (
        SELECT ${sampleHash(id, s.seed)} AS __padan_h, ${id} AS __padan_id FROM ${ref.table}
        ORDER BY __padan_h, __padan_id LIMIT ${s.uSampleSize}
      ),
      numbered AS (SELECT row_number() OVER (ORDER BY __padan_h, __padan_id) - 1 AS __padan_i, * FROM picked)
      SELECT n.*, ${alias}.* FROM numbered n JOIN ${ref.table} AS ${alias} ON ${alias}.${id} = n.__padan_id`;
  };
  const uLeft = tableName(s.prefix, 'u_left');
  const uRight = s.dedupe ? uLeft : tableName(s.prefix, 'u_right');
  await db.exec(sample('left'));
  if (!s.dedupe) await db.exec(sample('right'));
  const nL = await db.count(`SELECT count(*) FROM ${uLeft}`);
  const nR = await db.count(`SELECT count(*) FROM ${uRight}`);
  const uPairs = tableName(s.prefix, 'u_pairs');
  const uGamma = tableName(s.prefix, 'u_gamma');
  // Left and right positions come from re-hashing different inputs: hash(seed, k, 1) and hash(seed, k, 2)
  // would share most of their bits (DuckDB combines argument hashes cheaply) and pair rows non-randomly.
  // The pair list is materialised first: range() is a single-threaded source, a table scan is not.
  const draw = (side: number, n: number) =>
    `(hash(xor(hash(k, ${s.seed}), ${side}::UBIGINT)) % ${Math.max(n, 1)})::BIGINT`;
  await db.exec(`CREATE OR REPLACE TEMP TABLE ${uPairs} AS
    SELECT ${draw(1, nL)} AS li, ${draw(2, nR)} AS ri FROM range(${s.uSampleSize}) AS t(k)`);
  const gammas = s.comparisons.map((c) => `${gammaExpr(c)} AS ${sqlIdent(`gamma_${c.name}`)}`);
  await db.exec(`CREATE OR REPLACE TEMP TABLE ${uGamma} AS
    SELECT ${gammas.join(', ')}
    FROM ${uPairs} AS p
    JOIN ${uLeft} AS l ON l.__padan_i = p.li
    JOIN ${uRight} AS r ON r.__padan_i = p.ri
    ${s.dedupe ? 'WHERE p.li <> p.ri' : ''}`);
  const pairs = await db.count(`SELECT count(*) FROM ${uGamma}`);
  const union = s.comparisons
    .map((c, i) => {
      const col = sqlIdent(`gamma_${c.name}`);
      return `SELECT ${i} AS c, ${col}::INTEGER AS g, count(*) AS n FROM ${uGamma} GROUP BY ${col}`;
    })
    .join(' UNION ALL ');
  const rows = await db.all<{ c: number; g: number; n: number }>(
    `SELECT c, g, n FROM (${union}) ORDER BY c, g`,
  );
  const counts = s.comparisons.map((_, c) => new Array<number>(width(s, c)).fill(0));
  for (const row of rows) if (row.g >= 0) (counts[row.c] as number[])[row.g] = Number(row.n);
  const fixedU = fixedBy(s, 'u');
  const nonNull: Record<string, number> = {};
  const u = s.comparisons.map((comparison, c) => {
    const row = counts[c] as number[];
    const n = row.reduce((a, b) => a + b, 0);
    nonNull[comparison.name] = n;
    if (n === 0) warnings.push(`comparison '${comparison.name}': no random pair had evidence; u is uniform`);
    return normalise(row, PSEUDO, fixedU[c]);
  });
  for (const t of [uLeft, uRight, uPairs, uGamma]) await db.exec(`DROP TABLE IF EXISTS ${t}`);
  return { u, counts, pairs, nonNull };
}

/**
 * Gamma patterns with counts: the only thing EM needs, and small (patterns ≪ pairs). `where` (SQL
 * over the gamma table) picks the pairs, e.g. those of the rows trained on.
 */
export async function aggregatePatterns(db: Db, s: ResolvedSettings, where = 'true'): Promise<void> {
  const cols = s.comparisons.map((c) => sqlIdent(`gamma_${c.name}`));
  if (s.mTrainingRule) cols.push('m_train');
  await db.exec(`CREATE OR REPLACE TABLE ${tableName(s.prefix, 'patterns')} AS
    SELECT ${cols.join(', ')}, rules, count(*) AS n FROM ${tableName(s.prefix, 'gamma')}
    WHERE ${where} GROUP BY ALL ORDER BY ALL`);
}

async function loadPatterns(db: Db, s: ResolvedSettings, where: string): Promise<GammaPattern[]> {
  const cols = s.comparisons.map((c) => sqlIdent(`gamma_${c.name}`));
  const rows = await db.all<Record<string, number>>(
    `SELECT ${cols.join(', ')}, sum(n)::BIGINT AS n FROM ${tableName(s.prefix, 'patterns')}
     WHERE ${where} GROUP BY ALL ORDER BY ALL`,
  );
  return rows.map((row) => ({
    gammas: s.comparisons.map((c) => Number(row[`gamma_${c.name}`])),
    n: Number(row.n),
  }));
}

/** Starting m: most weight on the strongest level, falling by 4× per level. */
function initialM(s: ResolvedSettings, c: number): number[] {
  const w = width(s, c);
  return normalise(
    Array.from({ length: w }, (_, g) => 4 ** g),
    0,
    fixedBy(s, 'm')[c],
  );
}

/**
 * m from, in order of precedence: fixed level values, the m training rule (share of each level among the
 * pairs the rule calls matches), EM sessions (mean over the sessions that estimated the comparison).
 */
export async function estimateM(
  db: Db,
  s: ResolvedSettings,
  u: number[][],
  warnings: string[],
): Promise<{
  m: number[][];
  source: ComparisonParams['levels'][number]['mSource'][][];
  em: EmSessionReport[];
}> {
  const k = s.comparisons.length;
  const fixedM = fixedBy(s, 'm');
  const m = s.comparisons.map((_, c) => initialM(s, c));
  const source = s.comparisons.map((comparison, c) =>
    Array.from({ length: comparison.levels.length + 1 }, (_, g) =>
      fixedM[c]?.[g] !== undefined ? ('fixed' as const) : ('default' as const),
    ),
  );
  const allFixed = s.comparisons.map((_, c) =>
    (fixedM[c] as (number | undefined)[]).every((v) => v !== undefined),
  );
  // Already known before EM: fully fixed, or learned from the rule.
  const known = [...allFixed];

  if (s.mTrainingRule) {
    const excluded = new Set(s.mTrainingRule.exclude);
    const patterns = await loadPatterns(db, s, 'm_train');
    const total = patterns.reduce((a, p) => a + p.n, 0);
    if (total === 0) warnings.push('mTrainingRule: no candidate pair satisfies the rule');
    s.comparisons.forEach((comparison, c) => {
      if (excluded.has(comparison.name) || allFixed[c] || total === 0) return;
      const counts = new Array<number>(width(s, c)).fill(0);
      for (const p of patterns) {
        const g = p.gammas[c] as number;
        if (g >= 0) counts[g] = (counts[g] as number) + p.n;
      }
      if (counts.every((n) => n === 0)) return;
      m[c] = normalise(counts, PSEUDO, fixedM[c]);
      (source[c] as string[]).fill('rule');
      fixedM[c]?.forEach((f, g) => {
        if (f !== undefined) (source[c] as string[])[g] = 'fixed';
      });
      known[c] = true;
    });
  }

  const sessions = s.emSessions ?? (known.every(Boolean) ? [] : defaultSessions(s));
  const reports: EmSessionReport[] = [];
  const sums: (number[] | undefined)[] = new Array(k).fill(undefined);
  const runs = new Array<number>(k).fill(0);
  for (const session of sessions) {
    const fix = new Set(session.fix ?? []);
    const conditions = ['true'];
    if (session.rules && session.rules.length > 0)
      conditions.push(`rules & ${ruleMask(s, session.rules)}::UBIGINT <> 0`);
    if (session.where) conditions.push(`(${session.where})`);
    const patterns = await loadPatterns(db, s, conditions.join(' AND '));
    const active = s.comparisons.map((c) => !fix.has(c.name));
    const update = active.map((a, c) => a && !known[c]);
    const out = runEm({
      patterns,
      u,
      m,
      active,
      update,
      fixedM,
      lambda: 0.1,
      maxIterations: s.emIterations,
      tolerance: s.emTolerance,
      pseudoCount: PSEUDO,
    });
    const pairs = patterns.reduce((a, p) => a + p.n, 0);
    if (!out.converged)
      warnings.push(`EM session '${session.name}' did not converge in ${out.iterations} iterations`);
    reports.push({
      name: session.name,
      pairs,
      patterns: patterns.length,
      iterations: out.iterations,
      converged: out.converged,
      lambda: out.lambda,
      estimated: s.comparisons.filter((_, c) => update[c]).map((c) => c.name),
      m: Object.fromEntries(
        s.comparisons.flatMap((c, i) => (update[i] ? [[c.name, [...(out.m[i] as number[])].reverse()]] : [])),
      ),
    });
    if (pairs === 0) {
      warnings.push(`EM session '${session.name}' has no pairs`);
      continue;
    }
    update.forEach((u_, c) => {
      if (!u_) return;
      const row = out.m[c] as number[];
      sums[c] = sums[c] ? (sums[c] as number[]).map((v, g) => v + (row[g] as number)) : [...row];
      runs[c] = (runs[c] as number) + 1;
    });
  }
  s.comparisons.forEach((comparison, c) => {
    const sum = sums[c];
    if (sum) {
      m[c] = sum.map((v) => v / (runs[c] as number));
      (source[c] as string[]).forEach((src, g) => {
        if (src === 'default') (source[c] as string[])[g] = 'em';
      });
    } else if (!known[c]) {
      warnings.push(`comparison '${comparison.name}': m not estimated by any session; starting values used`);
    }
  });
  return { m, source, em: reports };
}

/** A session per blocking rule that names the comparisons it is built from, or one over all candidates. */
export function defaultSessions(s: ResolvedSettings): EmSession[] {
  const declared = s.blocking.filter((b) => b.comparisons !== undefined);
  if (declared.length === 0) return [{ name: 'all candidates', fix: [] }];
  return declared.map((b) => ({ name: `rule ${b.name}`, rules: [b.name], fix: b.comparisons ?? [] }));
}

/**
 * The prior: the probability that two random records match, found as the fixed point of
 *   prior = Σ over candidate pairs of P(match | γ; prior) / possible pairs,
 * i.e. the prior at which the scores of the candidates add up to the number of matches it implies. This
 * holds when blocking finds nearly all matches and its keys are made of compared fields (then being a
 * candidate says nothing beyond γ). The start is the match share EM sees among the candidates, which
 * over-counts when the blocked fields are also compared (their agreement then looks like evidence).
 */
export async function estimatePrior(
  db: Db,
  s: ResolvedSettings,
  m: number[][],
  u: number[][],
  leftRows: number,
  rightRows: number,
): Promise<{ prior: number; share: number }> {
  const patterns = await loadPatterns(db, s, 'true');
  const candidates = patterns.reduce((a, p) => a + p.n, 0);
  const share = runEm({
    patterns,
    u,
    m,
    active: s.comparisons.map(() => true),
    update: s.comparisons.map(() => false),
    lambda: 0.1,
    maxIterations: 1000,
    tolerance: 1e-9,
  }).lambda;
  const possible = s.dedupe ? (leftRows * (leftRows - 1)) / 2 : leftRows * rightRows;
  if (possible <= 0 || candidates === 0) return { prior: 1e-15, share };
  const logBf = patterns.map((p) =>
    p.gammas.reduce((a, g, c) => (g < 0 ? a : a + Math.log((m[c]?.[g] ?? 1) / (u[c]?.[g] ?? 1))), 0),
  );
  let prior = clamp((share * candidates) / possible);
  for (let i = 0; i < 1000; i++) {
    const logit = Math.log(prior / (1 - prior));
    const expected = patterns.reduce(
      (a, p, k) => a + p.n / (1 + Math.exp(-(logit + (logBf[k] as number)))),
      0,
    );
    const next = clamp(expected / possible);
    const done = Math.abs(next - prior) <= 1e-9 * prior;
    prior = next;
    if (done) break;
  }
  return { prior, share };
}

function clamp(prior: number): number {
  return Math.min(0.5, Math.max(1e-15, prior));
}

/** The model's per-level parameters, strongest level first. */
export function buildParams(
  s: ResolvedSettings,
  m: number[][],
  u: number[][],
  uCounts: number[][],
  mSource: LinkModel['comparisons'][number]['levels'][number]['mSource'][][],
): ComparisonParams[] {
  return s.comparisons.map((comparison, c) => {
    const labels = [comparison.elseLabel ?? 'else', ...[...comparison.levels].reverse().map((l) => l.label)];
    const levels = labels.map((label, g) => {
      const level = g === 0 ? undefined : comparison.levels[comparison.levels.length - g];
      const mg = (m[c] as number[])[g] as number;
      const ug = (u[c] as number[])[g] as number;
      return {
        gamma: g,
        label,
        m: mg,
        u: ug,
        weight: Math.log2(mg / ug),
        mSource:
          (mSource[c] as LinkModel['comparisons'][number]['levels'][number]['mSource'][])[g] ?? 'default',
        uSource: level?.u !== undefined ? ('fixed' as const) : ('random' as const),
        uCount: (uCounts[c] as number[])[g] ?? 0,
        tf: level?.tf !== undefined,
      };
    });
    return { name: comparison.name, levels: levels.reverse() };
  });
}
