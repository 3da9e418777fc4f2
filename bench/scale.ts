/**
 * Whole-run scale benchmark: generate a population, run padan on it under a DuckDB memory limit,
 * score it, and report time per stage, candidate pairs per row, peak memory and accuracy.
 *
 *   npm run build && node dist/bench/scale.js --households 265000 --memory-limit 6GB [--keep DIR]
 *
 * About 3.8 DTKS members per household: 265,000 households give ~1M DTKS members and, with the
 * default 0.5 non-poor households per DTKS household, ~1.5M Dukcapil records.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { evaluate, headline } from '../fixtures/evaluate.js';
import { defaultConfig } from '../pipeline/config.js';
import { silentLogger } from '../pipeline/logger.js';
import { run } from '../pipeline/run.js';
import { benchPopulation } from './population.js';
import { stageRss } from './rss.js';

const { values } = parseArgs({
  options: {
    households: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '1' },
    'memory-limit': { type: 'string', default: '4GB' },
    threads: { type: 'string', default: '2' },
    profile: { type: 'string', default: 'default' },
    keep: { type: 'string' },
  },
});

const dir = values.keep ? resolve(values.keep) : await mkdtemp(join(tmpdir(), 'padan-scale-'));
try {
  const gen = await benchPopulation(values, dir);
  const rss = stageRss();
  const started = performance.now();
  const result = await run({
    dtks: gen.files.dtks,
    dukcapil: gen.files.dukcapil,
    out: join(dir, 'run'),
    config: defaultConfig(),
    logger: silentLogger(),
    memoryLimit: values['memory-limit'],
    threads: Number(values.threads),
    onStage: rss.onStage,
  });
  const seconds = (performance.now() - started) / 1000;
  const rssByStage = rss.stop();
  // maxRSS covers the whole process: DuckDB runs inside it.
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  const manifest = JSON.parse(await readFile(join(dir, 'run', 'manifest.json'), 'utf8'));
  const e = await evaluate({ truth: gen.files.truth, runDir: join(dir, 'run') });
  const report = {
    households: gen.households,
    dtks_rows: gen.dtksRows,
    dukcapil_rows: gen.dukcapilRows,
    memory_limit: values['memory-limit'],
    threads: Number(values.threads),
    run_seconds: Math.round(seconds * 10) / 10,
    stage_seconds: result.timings,
    write_seconds: manifest.step_seconds?.write ?? null,
    // What the district workbooks add to the run (issue 8 allows at most 15 %): their writing time
    // over the run's time without them.
    workbooks_added: workbooksAdded(manifest.step_seconds?.write?.['regions/'], seconds),
    candidate_pairs: manifest.matching.probabilistic?.link.candidates ?? null,
    candidate_pairs_per_row: manifest.matching.probabilistic?.link.perLeftRow ?? null,
    dropped_blocks: manifest.matching.probabilistic?.link.droppedBlockCount ?? null,
    peak_rss_mib: peakRssMiB,
    peak_rss_mib_by_stage: rssByStage,
    peak_js_mib_by_stage: rss.js(),
    ...headline(e),
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  if (!values.keep) await rm(dir, { recursive: true, force: true });
}

function workbooksAdded(workbookSeconds: number | undefined, runSeconds: number): string | null {
  if (workbookSeconds === undefined) return null;
  return `${((100 * workbookSeconds) / (runSeconds - workbookSeconds)).toFixed(1)} %`;
}
