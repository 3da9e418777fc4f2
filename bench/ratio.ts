/**
 * padan's whole run against the DuckDB floor, on the same files in one invocation (issue 11).
 *
 * The floor is what any reconciliation of these files must at least do: read both CSVs as text,
 * write them to Parquet, join them on NIK and count the repeated NIKs. It runs in its own DuckDB
 * with padan's threads and memory limit. The ratio (padan's run over the floor) is what is
 * compared from build to build and machine to machine; a time alone says little on a shared
 * machine. Each repetition times the floor and then padan; the median ratio is reported.
 *
 *   npm run build && node dist/bench/ratio.js --households 265000 --repeat 3 [--keep DIR]
 *   node dist/bench/ratio.js --pop DIR --repeat 3     # an existing dtks.csv, dukcapil.csv (truth.csv)
 */
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { evaluate, headline } from '../fixtures/evaluate.js';
import { defaultConfig } from '../pipeline/config.js';
import { Db, sqlString } from '../pipeline/db.js';
import { silentLogger } from '../pipeline/logger.js';
import { run } from '../pipeline/run.js';
import { benchPopulation } from './population.js';
import { stageRss } from './rss.js';

const { values } = parseArgs({
  options: {
    households: { type: 'string', default: '265000' },
    seed: { type: 'string', default: '1' },
    profile: { type: 'string', default: 'default' },
    pop: { type: 'string' },
    repeat: { type: 'string', default: '3' },
    'memory-limit': { type: 'string', default: '6GB' },
    threads: { type: 'string', default: '2' },
    keep: { type: 'string' },
  },
});

const threads = Number(values.threads);
const memoryLimit = values['memory-limit'] as string;
const dir = values.keep ? resolve(values.keep) : await mkdtemp(join(tmpdir(), 'padan-ratio-'));

/**
 * The floor's four steps, each timed, done the cheapest way DuckDB offers: each CSV read as text
 * and written to Parquet in one streaming COPY, then the join and the count on the Parquet files,
 * in an in-memory database. A slower floor would flatter padan's ratio.
 */
async function floor(dtks: string, dukcapil: string, work: string): Promise<Record<string, number>> {
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const db = await Db.open({ path: ':memory:', threads, memoryLimit, tempDir: join(work, 'tmp') });
  const seconds: Record<string, number> = {};
  const timed = async (name: string, sql: string) => {
    const started = performance.now();
    await db.exec(sql);
    seconds[name] = (performance.now() - started) / 1000;
  };
  const d = sqlString(join(work, 'd.parquet'));
  const c = sqlString(join(work, 'c.parquet'));
  try {
    const read = (path: string) => `read_csv(${sqlString(path)}, all_varchar = true, header = true)`;
    await timed(
      'csv to parquet',
      `COPY (SELECT * FROM ${read(dtks)}) TO ${d} (FORMAT parquet);
       COPY (SELECT * FROM ${read(dukcapil)}) TO ${c} (FORMAT parquet)`,
    );
    // SIKS-NG's and Dukcapil's column names, as padan generate writes them.
    await timed(
      'join on NIK',
      `CREATE TABLE j AS SELECT d."ID DTKS", c.NAMA_LGKP FROM read_parquet(${d}) d JOIN read_parquet(${c}) c ON c.NIK = d."NOMOR NIK"`,
    );
    await timed(
      'repeated NIKs',
      `CREATE TABLE r AS SELECT NIK, count(*) AS n FROM read_parquet(${c}) GROUP BY NIK HAVING count(*) > 1`,
    );
  } finally {
    db.close();
    await rm(work, { recursive: true, force: true });
  }
  return seconds;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

try {
  let files: { dtks: string; dukcapil: string; truth: string | null };
  if (values.pop) {
    const pop = resolve(values.pop);
    const truth = join(pop, 'truth.csv');
    files = {
      dtks: join(pop, 'dtks.csv'),
      dukcapil: join(pop, 'dukcapil.csv'),
      truth: await stat(truth).then(
        () => truth,
        () => null,
      ),
    };
  } else {
    files = (await benchPopulation(values, dir)).files;
  }
  const repetitions = [];
  for (let i = 0; i < Number(values.repeat); i++) {
    const f = await floor(files.dtks, files.dukcapil, join(dir, 'floor'));
    const floorSeconds = Object.values(f).reduce((a, b) => a + b, 0);
    const out = join(dir, `run${i}`);
    const rss = stageRss();
    const started = performance.now();
    const result = await run({
      dtks: files.dtks,
      dukcapil: files.dukcapil,
      out,
      force: true,
      config: defaultConfig(),
      logger: silentLogger(),
      memoryLimit,
      threads,
      onStage: rss.onStage,
    });
    const padanSeconds = (performance.now() - started) / 1000;
    const ratio = padanSeconds / floorSeconds;
    const rssMib = rss.stop();
    const jsMib = rss.js();
    repetitions.push({ floorSeconds, floor: f, padanSeconds, stages: result.timings, ratio, rssMib, jsMib });
    process.stderr.write(
      `repetition ${i + 1}: floor ${round(floorSeconds)} s, padan ${round(padanSeconds)} s, ratio ${round(ratio)}×\n`,
    );
    if (i < Number(values.repeat) - 1) await rm(out, { recursive: true, force: true });
  }
  const last = repetitions[repetitions.length - 1];
  const lastRun = join(dir, `run${repetitions.length - 1}`);
  const manifest = JSON.parse(await readFile(join(lastRun, 'manifest.json'), 'utf8'));
  const e = files.truth ? await evaluate({ truth: files.truth, runDir: lastRun }) : null;
  const stageShare = Object.fromEntries(
    Object.entries(last?.stages ?? {}).map(([k, v]) => [
      k,
      `${round((100 * v) / (last?.padanSeconds ?? 1))} %`,
    ]),
  );
  const report = {
    dtks_rows: manifest.inputs?.[0]?.rows_loaded ?? null,
    dukcapil_rows: manifest.inputs?.[1]?.rows_loaded ?? null,
    threads,
    memory_limit: memoryLimit,
    median_ratio: round(median(repetitions.map((r) => r.ratio))),
    ratios: repetitions.map((r) => round(r.ratio)),
    floor_seconds: repetitions.map((r) => round(r.floorSeconds)),
    padan_seconds: repetitions.map((r) => round(r.padanSeconds)),
    floor_steps: Object.fromEntries(Object.entries(last?.floor ?? {}).map(([k, v]) => [k, round(v)])),
    stage_seconds: last?.stages,
    stage_share: stageShare,
    step_seconds: manifest.step_seconds,
    candidate_pairs: manifest.matching?.probabilistic?.link?.candidates ?? null,
    peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
    // Per stage of the last repetition, so that a memory bound names the stage that broke it.
    peak_rss_mib_by_stage: last?.rssMib,
    peak_js_mib_by_stage: last?.jsMib,
    accuracy: e && headline(e),
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  if (!values.keep) await rm(dir, { recursive: true, force: true });
}
