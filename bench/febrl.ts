/**
 * FEBRL4 benchmark of the record-linkage core: 5,000 original records (dataset4a) against 5,000 corrupted
 * duplicates (dataset4b), one true match each. Unsupervised: the truth is only used to score the result.
 *
 *   npm run build && node dist/bench/febrl.js [--threads N]
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Db, sqlString } from '../pipeline/db.js';
import { assignOneToOne } from '../pipeline/matcher/assign.js';
import { link } from '../pipeline/matcher/link.js';
import type { Comparison, LinkResult, LinkSettings } from '../pipeline/matcher/settings.js';

/** The data folder, found from this module whether it runs from bench/ or dist/bench/. */
export function febrlDataDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'bench', 'data', 'febrl');
    if (existsSync(join(candidate, 'dataset4a.csv'))) return candidate;
    if (existsSync(join(dir, 'data', 'febrl', 'dataset4a.csv'))) return join(dir, 'data', 'febrl');
    const parent = dirname(dir);
    if (parent === dir) throw new Error('bench/data/febrl/dataset4a.csv not found');
    dir = parent;
  }
}

/** Both files as tables `febrl_a`, `febrl_b`: text, trimmed, empty as NULL, plus the true entity number. */
export async function loadFebrl(db: Db, dir = febrlDataDir()): Promise<void> {
  const columns = [
    'given_name',
    'surname',
    'street_number',
    'address_1',
    'address_2',
    'suburb',
    'postcode',
    'state',
    'date_of_birth',
    'soc_sec_id',
  ];
  for (const [table, file] of [
    ['febrl_a', 'dataset4a.csv'],
    ['febrl_b', 'dataset4b.csv'],
  ] as const) {
    const cols = columns.map((c) => `nullif(trim(${c}), '') AS ${c}`).join(', ');
    await db.exec(`CREATE OR REPLACE TABLE ${table} AS
      SELECT trim(rec_id) AS rec_id, regexp_extract(rec_id, 'rec-([0-9]+)-', 1)::INTEGER AS entity, ${cols}
      FROM read_csv(${sqlString(join(dir, file))}, all_varchar = true, delim = ', ', header = true, quote = '')
      ORDER BY rec_id`);
  }
}

/** Name comparison: exact (weighted by how common the name is), then Jaro–Winkler bands, then a swap. */
function name(col: 'given_name' | 'surname', other: 'given_name' | 'surname'): Comparison {
  const jw = `jaro_winkler_similarity(l.${col}, r.${col})`;
  return {
    name: col,
    nullWhen: `l.${col} IS NULL OR r.${col} IS NULL`,
    levels: [
      { label: 'exact', when: `l.${col} = r.${col}`, tf: { left: `l.${col}`, right: `r.${col}` } },
      { label: 'jaro-winkler ≥ 0.92', when: `${jw} >= 0.92` },
      { label: 'jaro-winkler ≥ 0.8', when: `${jw} >= 0.8` },
      { label: 'swapped with the other name', when: `l.${col} = r.${other} OR l.${other} = r.${col}` },
    ],
  };
}

/** Codes typed by hand (dates, ids, postcodes): exact, one edit (or two swapped characters), two edits. */
function code(col: string, twoEdits = true): Comparison {
  const dl = `levenshtein(l.${col}, r.${col})`;
  return {
    name: col,
    nullWhen: `l.${col} IS NULL OR r.${col} IS NULL`,
    levels: [
      { label: 'exact', when: `l.${col} = r.${col}` },
      { label: 'one edit', when: `${dl} <= 1` },
      ...(twoEdits ? [{ label: 'two edits', when: `${dl} <= 2` }] : []),
    ],
  };
}

function text(col: string): Comparison {
  const jw = `jaro_winkler_similarity(l.${col}, r.${col})`;
  return {
    name: col,
    nullWhen: `l.${col} IS NULL OR r.${col} IS NULL`,
    levels: [
      { label: 'exact', when: `l.${col} = r.${col}`, tf: { left: `l.${col}`, right: `r.${col}` } },
      { label: 'jaro-winkler ≥ 0.9', when: `${jw} >= 0.9` },
      { label: 'jaro-winkler ≥ 0.75', when: `${jw} >= 0.75` },
    ],
  };
}

/** Every position of a code replaced by `_` in turn: codes one typo apart share one of these keys. */
function masked(col: string): string {
  return `list_transform(range(1, length(${col}) + 1), i -> left(${col}, i - 1) || '_' || substr(${col}, i + 1))`;
}

export function febrlSettings(prefix = 'febrl'): LinkSettings {
  return {
    left: { table: 'febrl_a', id: 'rec_id' },
    right: { table: 'febrl_b', id: 'rec_id' },
    prefix,
    comparisons: [
      name('given_name', 'surname'),
      name('surname', 'given_name'),
      code('date_of_birth'),
      code('soc_sec_id'),
      code('street_number', false),
      text('address_1'),
      text('address_2'),
      text('suburb'),
      code('postcode', false),
      {
        name: 'state',
        nullWhen: 'l.state IS NULL OR r.state IS NULL',
        levels: [{ label: 'exact', when: 'l.state = r.state' }],
      },
    ],
    // Each rule names the comparisons its key is made of: EM trains a session per rule without them.
    blocking: [
      {
        name: 'given_name',
        leftKey: 'l.given_name',
        rightKey: 'r.given_name',
        maxBlockSize: 200,
        comparisons: ['given_name'],
      },
      {
        name: 'surname',
        leftKey: 'l.surname',
        rightKey: 'r.surname',
        maxBlockSize: 200,
        comparisons: ['surname'],
      },
      {
        name: 'date_of_birth',
        leftKey: 'l.date_of_birth',
        rightKey: 'r.date_of_birth',
        maxBlockSize: 200,
        comparisons: ['date_of_birth'],
      },
      {
        name: 'soc_sec_id~1',
        leftKey: masked('l.soc_sec_id'),
        rightKey: masked('r.soc_sec_id'),
        maxBlockSize: 200,
        comparisons: ['soc_sec_id'],
      },
      {
        name: 'postcode+street_number',
        leftKey: "l.postcode || '/' || l.street_number",
        rightKey: "r.postcode || '/' || r.street_number",
        maxBlockSize: 200,
        comparisons: ['postcode', 'street_number'],
      },
    ],
  };
}

export interface FebrlResult {
  link: LinkResult;
  truePairs: number;
  /** Blocking recall: true pairs among the candidates. */
  candidateRecall: number;
  assigned: number;
  truePositives: number;
  precision: number;
  recall: number;
  f1: number;
  /** Every pair at or above the threshold, without the 1:1 assignment. */
  thresholdOnly: { pairs: number; precision: number; recall: number; f1: number };
  seconds: number;
}

function prf(tp: number, found: number, truth: number): { precision: number; recall: number; f1: number } {
  const precision = found > 0 ? tp / found : 0;
  const recall = truth > 0 ? tp / truth : 0;
  return {
    precision,
    recall,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
  };
}

export async function runFebrl(
  options: { threads?: number; minProbability?: number } = {},
): Promise<FebrlResult> {
  const start = performance.now();
  const db = await Db.open({ path: ':memory:', threads: options.threads ?? 2 });
  try {
    await loadFebrl(db);
    const settings = febrlSettings();
    const result = await link(db, settings);
    const truth = `SELECT a.rec_id AS l_id, b.rec_id AS r_id FROM febrl_a a JOIN febrl_b b USING (entity)`;
    const truePairs = await db.count(`SELECT count(*) FROM (${truth})`);
    const inCandidates = await db.count(
      `SELECT count(*) FROM (${truth}) SEMI JOIN febrl_candidates USING (l_id, r_id)`,
    );
    const minProbability = options.minProbability ?? 0.5;
    await assignOneToOne(db, { scores: 'febrl_scores', out: 'febrl_links', minProbability });
    const assigned = await db.count('SELECT count(*) FROM febrl_links');
    const tp = await db.count(`SELECT count(*) FROM febrl_links SEMI JOIN (${truth}) USING (l_id, r_id)`);
    const above = `SELECT l_id, r_id FROM febrl_scores WHERE match_probability >= ${minProbability}`;
    const aboveN = await db.count(`SELECT count(*) FROM (${above})`);
    const aboveTp = await db.count(`SELECT count(*) FROM (${above}) SEMI JOIN (${truth}) USING (l_id, r_id)`);
    return {
      link: result,
      truePairs,
      candidateRecall: truePairs > 0 ? inCandidates / truePairs : 0,
      assigned,
      truePositives: tp,
      ...prf(tp, assigned, truePairs),
      thresholdOnly: { pairs: aboveN, ...prf(aboveTp, aboveN, truePairs) },
      seconds: (performance.now() - start) / 1000,
    };
  } finally {
    db.close();
  }
}

export function formatFebrl(r: FebrlResult): string {
  const rows: [string, string][] = [
    ['records', `${r.link.leftRows} × ${r.link.rightRows}`],
    [
      'candidate pairs',
      `${r.link.candidates} (${r.link.perLeftRow.toFixed(1)} per left row, max ${r.link.maxPerLeftRow})`,
    ],
    ['blocking recall', `${(r.candidateRecall * 100).toFixed(2)}%`],
    ['dropped blocks', String(r.link.droppedBlockCount)],
    [
      'prior (estimated)',
      `${r.link.model.prior.toExponential(3)} (true ${(r.truePairs / (r.link.leftRows * r.link.rightRows)).toExponential(3)})`,
    ],
    ['assigned 1:1', String(r.assigned)],
    ['true positives', `${r.truePositives} of ${r.truePairs}`],
    ['precision', r.precision.toFixed(4)],
    ['recall', r.recall.toFixed(4)],
    ['F1', `${r.f1.toFixed(4)}  (Splink publishes 0.9992)`],
    [
      'without 1:1, p ≥ 0.5',
      `${r.thresholdOnly.pairs} pairs, precision ${r.thresholdOnly.precision.toFixed(4)}, recall ${r.thresholdOnly.recall.toFixed(4)}, F1 ${r.thresholdOnly.f1.toFixed(4)}`,
    ],
    ['seconds', `${r.seconds.toFixed(2)} (link ${r.link.seconds.total.toFixed(2)})`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return ['FEBRL4 dataset4a × dataset4b', ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--threads');
  const threads = i > 0 ? Number(process.argv[i + 1]) : undefined;
  const result = await runFebrl({ threads });
  console.log(formatFebrl(result));
  for (const w of result.link.warnings) console.log(`  warning: ${w}`);
}
