/**
 * The link configuration: a declarative, SQL-first description of how two tables are compared.
 * Nothing here knows what the tables hold; padan's Indonesian comparisons are plugged in by the caller.
 *
 * SQL fragments are DuckDB expressions over the aliases `l` (a left row) and `r` (a right row),
 * e.g. `jaro_winkler_similarity(l.nama, r.nama) >= 0.92`.
 */

/** Term-frequency adjustment of one comparison level. */
export interface TermFrequency {
  /** SQL over `l`: the value whose frequency weakens agreement, e.g. `l.surname`. */
  left: string;
  /** SQL over `r`: the same value on the right, e.g. `r.surname`. */
  right: string;
  /**
   * Share of the adjustment applied, in [0, 1] (Splink's `tf_adjustment_weight`). 1 for exact levels; lower
   * for fuzzy levels, where the two values differ and the frequency of either says less. Default 1.
   */
  weight?: number;
}

export interface ComparisonLevel {
  label: string;
  /** SQL boolean over `l` and `r`. Levels are tried in order; the first true one wins. */
  when: string;
  /** Replace this level's u by the frequency of the agreed value, so that common values count for less. */
  tf?: TermFrequency;
  /** A fixed m probability: not estimated. */
  m?: number;
  /** A fixed u probability: not estimated from random pairs. */
  u?: number;
}

export interface Comparison {
  /** Column-name safe (`[a-z][a-z0-9_]*`); output columns are `gamma_<name>`, `<name>_level`, `<name>_weight`. */
  name: string;
  /** SQL boolean over `l` and `r`: no evidence either way (level -1, weight 0), e.g. a missing value. */
  nullWhen?: string;
  /** Strongest first. A final `else` level (gamma 0) is added automatically. */
  levels: ComparisonLevel[];
  /** Label of the automatic last level. Default `else`. */
  elseLabel?: string;
}

export interface BlockingRule {
  /** Unique name; reported with the pairs it produced. */
  name: string;
  /**
   * SQL over `l` giving the blocking key; pairs are the equi-join of left and right keys. A LIST is unnested
   * (one key per element, e.g. a NIK with each digit masked in turn); NULL keys and elements never join.
   * For a composite key use a struct (`{a: l.a, b: l.b}`) or a concatenation.
   */
  leftKey: string;
  /** SQL over `r`, of a type comparable with `leftKey`. */
  rightKey: string;
  /**
   * Keys shared by more right rows than this are dropped and reported, so that one rule adds at most this
   * many candidates per left row (keeps comparisons linear in the input). Default: no cap.
   */
  maxBlockSize?: number;
  /**
   * Comparisons whose fields the key is made of. When given, EM trains on this rule's pairs with these
   * comparisons left out (a session per rule, as Splink does): its pairs agree on them whether they match or
   * not, and against u from random pairs that agreement would pass for evidence of a match.
   */
  comparisons?: string[];
  /**
   * SQL boolean over \`l\` and \`r\`: a pair of this rule is kept only when it holds. For a key that
   * many unrelated pairs share and that proves little by itself (NIKs sharing 12 of 16 digits, most
   * of them people born the same day in one kecamatan): the pairs it was meant for pass, the rest
   * are never compared. A pair another rule also finds is kept through that rule. The filter sees
   * the columns it names as \`l.<column>\` and \`r.<column>\` (plain identifiers), carried with the keys.
   */
  filter?: string;
}

/** One EM training run over a subset of candidate pairs (Splink's training sessions). */
export interface EmSession {
  name: string;
  /** Train on pairs produced by any of these blocking rules. Default: all candidate pairs. */
  rules?: string[];
  /** SQL boolean over the gamma columns (`gamma_<comparison>`) further restricting the training pairs. */
  where?: string;
  /**
   * Comparisons left out of this session (neither estimated nor used in its likelihood), normally those the
   * selecting rule agrees on: among its pairs they agree for matches and non-matches alike, so they carry no
   * information about m and would bias the other estimates.
   */
  fix?: string[];
}

/** Estimate m from pairs taken to be matches by a deterministic rule (e.g. equal NIK). */
export interface MTrainingRule {
  /** SQL boolean over `l` and `r`, evaluated on the candidate pairs. */
  when: string;
  /** Comparisons the rule itself uses: their m cannot be learned from its pairs (EM or fixed m fills them). */
  exclude: string[];
}

export interface TableRef {
  /** A relation as SQL text: a table or view name (quote it yourself if needed) or a parenthesised query. */
  table: string;
  /** The unique id column. */
  id: string;
  /**
   * The rows the side has in all, when `table` holds only the left rows `link` reads
   * (`leftRowsRead`): counted in `table` when not given.
   */
  rows?: number;
}

export interface LinkSettings {
  left: TableRef;
  /** The same table and id as `left` means deduplication: only pairs with l.id < r.id are formed. */
  right: TableRef;
  comparisons: Comparison[];
  blocking: BlockingRule[];
  /** Output tables are `<prefix>_candidates`, `_gamma`, `_params`, `_model`, `_scores`, ... */
  prefix: string;
  /** Random left×right pairs used to estimate u. Default 1,000,000. */
  uSampleSize?: number;
  /** Seed of the random pair sample. Default 42. */
  seed?: number;
  /**
   * EM runs; each comparison's m is the mean over the sessions that estimated it. Default: a session per
   * blocking rule that lists its `comparisons` (those left out), or else one session over all candidates.
   */
  emSessions?: EmSession[];
  /** Maximum EM iterations per session. Default 500 (cheap: EM runs over patterns, not pairs). */
  emIterations?: number;
  /** EM stops when no m probability nor λ moves by more than this. Default 1e-6. */
  emTolerance?: number;
  mTrainingRule?: MTrainingRule;
  /**
   * Probability that two random records match (left×right, or distinct pairs when deduplicating). Default:
   * estimated as the expected number of matches among the candidates divided by the number of possible pairs.
   */
  prior?: number;
  /** Where term frequencies come from: the right table (default: the reference population) or both. */
  tfSource?: 'right' | 'both';
  /** Lower bound of a term-frequency u, so that a value seen once cannot give an unbounded weight. Default 1e-6. */
  tfMinimumU?: number;
  /** Keep only pairs with at least this match weight in `<prefix>_scores`. Default: keep all. */
  minMatchWeight?: number;
  /** Parameters from an earlier run (LinkResult.model): training is skipped, only the data are scored. */
  model?: LinkModel;
  /**
   * With `model`: estimate the prior on these data with the model's m and u instead of taking the
   * model's (another pair of tables, e.g. a deduplication after a linkage, has another match rate).
   */
  estimatePrior?: boolean;
  /** Check that ids are unique (one aggregation per table). Default true. */
  checkIds?: boolean;
  /**
   * Train on at most this many left rows, drawn by a seeded hash of their id (Splink trains on a
   * sample and scores everything): EM and the m training rule see the sample's candidate pairs, and
   * the prior is estimated for the sample's possible pairs. Not for deduplication. Default: every
   * left row.
   */
  trainingRows?: number;
  /**
   * SQL boolean over \`l\`: only left rows for which it holds are scored (e.g. rows another method has
   * already linked need no candidates). Training and u still see every left row. Not for
   * deduplication, where a pair is formed from both sides. Default: every left row.
   */
  scoreLeft?: string;
}

/** Parameters of one comparison level, as estimated. */
export interface LevelParams {
  /** 0 for `else`, up to the number of listed levels for the first one. */
  gamma: number;
  label: string;
  m: number;
  u: number;
  /** log2(m / u) before any term-frequency adjustment. */
  weight: number;
  mSource: 'fixed' | 'rule' | 'em' | 'default';
  uSource: 'fixed' | 'random';
  /** Random pairs observed at this level. */
  uCount: number;
  tf: boolean;
}

export interface ComparisonParams {
  name: string;
  /** Strongest first (gamma descending), `else` last. */
  levels: LevelParams[];
}

export interface EmSessionReport {
  name: string;
  pairs: number;
  patterns: number;
  iterations: number;
  converged: boolean;
  /** Estimated share of matches among the session's pairs. */
  lambda: number;
  estimated: string[];
  /** This session's m of each estimated comparison, strongest level first (the model keeps the mean). */
  m: Record<string, number[]>;
}

/** Everything learned: JSON-serialisable, can be stored and given back as `settings.model`. */
export interface LinkModel {
  prior: number;
  priorSource: 'fixed' | 'estimated';
  /** Estimated share of matches among all candidate pairs (used for the prior estimate). */
  candidateMatchShare: number | null;
  comparisons: ComparisonParams[];
  em: EmSessionReport[];
  /** Random pairs drawn, and per comparison how many were not null. */
  uSample: { pairs: number; nonNull: Record<string, number> };
}

export interface DroppedBlock {
  rule: string;
  key: string | null;
  /** Right rows sharing the key. */
  size: number;
  /** Left rows with the key, which lost this rule's candidates. */
  leftRows: number;
}

export interface LinkResult {
  leftRows: number;
  rightRows: number;
  candidates: number;
  /** Candidate pairs per left row: stays flat as the input grows when blocking is sound. */
  perLeftRow: number;
  maxPerLeftRow: number;
  /** Pairs produced by each rule, and those produced by it alone. */
  rulePairs: { rule: string; pairs: number; only: number }[];
  /** The largest dropped blocks (at most 1000); all are in `<prefix>_dropped_blocks`. */
  droppedBlocks: DroppedBlock[];
  droppedBlockCount: number;
  /** Rows of `<prefix>_scores`. */
  scored: number;
  /** Left rows scored (all of them unless `scoreLeft` is set). */
  scoredLeftRows: number;
  /** What the model was trained on: left rows (the sample) and their candidate pairs; 0 with a stored model. */
  training: { leftRows: number; candidates: number };
  model: LinkModel;
  warnings: string[];
  /** Wall-clock seconds per step. */
  seconds: {
    blocking: number;
    gamma: number;
    tf: number;
    u: number;
    m: number;
    score: number;
    total: number;
  };
}

export interface ResolvedSettings extends LinkSettings {
  uSampleSize: number;
  seed: number;
  emIterations: number;
  emTolerance: number;
  tfSource: 'right' | 'both';
  tfMinimumU: number;
  checkIds: boolean;
  dedupe: boolean;
}

const NAME = /^[a-z][a-z0-9_]*$/;

/** Defaults applied and the configuration checked, so that errors name the setting rather than a SQL line. */
export function resolveSettings(settings: LinkSettings): ResolvedSettings {
  const problems: string[] = [];
  if (!/^[a-z_][a-z0-9_]*$/i.test(settings.prefix))
    problems.push(`prefix '${settings.prefix}' is not a plain name`);
  if (settings.comparisons.length === 0) problems.push('no comparisons');
  if (settings.blocking.length === 0) problems.push('no blocking rules');
  // Rules are remembered as bits of a UBIGINT.
  if (settings.blocking.length > 63) problems.push('at most 63 blocking rules');
  const names = new Set<string>();
  for (const c of settings.comparisons) {
    if (!NAME.test(c.name)) problems.push(`comparison name '${c.name}' must match ${NAME}`);
    // `match` would make `<name>_weight` collide with `match_weight`.
    if (c.name === 'match') problems.push("comparison name 'match' is reserved");
    if (names.has(c.name)) problems.push(`comparison '${c.name}' defined twice`);
    names.add(c.name);
    if (c.levels.length === 0) problems.push(`comparison '${c.name}' has no levels`);
    if (c.levels.length > 100) problems.push(`comparison '${c.name}' has too many levels`);
    for (const level of c.levels) {
      for (const key of ['m', 'u'] as const) {
        const v = level[key];
        if (v !== undefined && !(v > 0 && v <= 1))
          problems.push(`${c.name}/${level.label}: ${key} must be in (0, 1]`);
      }
      const w = level.tf?.weight;
      if (w !== undefined && !(w >= 0 && w <= 1))
        problems.push(`${c.name}/${level.label}: tf.weight in [0, 1]`);
    }
  }
  for (const c of settings.comparisons) {
    for (const key of ['m', 'u'] as const) {
      // All listed levels fixed: `else` gets the rest, which must stay a probability.
      if (c.levels.length > 0 && c.levels.every((l) => l[key] !== undefined)) {
        const sum = c.levels.reduce((a, l) => a + (l[key] as number), 0);
        if (!(sum < 1))
          problems.push(`${c.name}: fixed ${key} of all levels sum to ${sum}, leaving nothing for else`);
      }
    }
  }
  const rules = new Set<string>();
  for (const b of settings.blocking) {
    if (rules.has(b.name)) problems.push(`blocking rule '${b.name}' defined twice`);
    rules.add(b.name);
    if (b.maxBlockSize !== undefined && !(Number.isInteger(b.maxBlockSize) && b.maxBlockSize > 0)) {
      problems.push(`blocking rule '${b.name}': maxBlockSize must be a positive integer`);
    }
  }
  for (const b of settings.blocking) {
    for (const c of b.comparisons ?? [])
      if (!names.has(c)) problems.push(`blocking rule '${b.name}': no comparison '${c}'`);
  }
  for (const s of settings.emSessions ?? []) {
    for (const r of s.rules ?? []) if (!rules.has(r)) problems.push(`EM session '${s.name}': no rule '${r}'`);
    for (const f of s.fix ?? [])
      if (!names.has(f)) problems.push(`EM session '${s.name}': no comparison '${f}'`);
  }
  for (const e of settings.mTrainingRule?.exclude ?? []) {
    if (!names.has(e)) problems.push(`mTrainingRule: no comparison '${e}'`);
  }
  if (settings.prior !== undefined && !(settings.prior > 0 && settings.prior < 1)) {
    problems.push('prior must be in (0, 1)');
  }
  const dedupe = settings.left.table === settings.right.table && settings.left.id === settings.right.id;
  // A deduplication's pair is formed from both sides: a sample or a subset of one side is not one.
  if (settings.scoreLeft !== undefined && dedupe) problems.push('scoreLeft is for linking two tables');
  if (settings.trainingRows !== undefined && dedupe) problems.push('trainingRows is for linking two tables');
  if (
    settings.trainingRows !== undefined &&
    !(Number.isInteger(settings.trainingRows) && settings.trainingRows > 0)
  )
    problems.push('trainingRows must be a positive integer');
  const uSampleSize = settings.uSampleSize ?? 1_000_000;
  if (!(Number.isInteger(uSampleSize) && uSampleSize > 0))
    problems.push('uSampleSize must be a positive integer');
  if (problems.length > 0) throw new Error(`Invalid link settings: ${problems.join('; ')}`);
  return {
    ...settings,
    uSampleSize,
    seed: settings.seed ?? 42,
    emIterations: settings.emIterations ?? 500,
    emTolerance: settings.emTolerance ?? 1e-6,
    tfSource: settings.tfSource ?? 'right',
    tfMinimumU: settings.tfMinimumU ?? 1e-6,
    checkIds: settings.checkIds ?? true,
    dedupe,
  };
}
