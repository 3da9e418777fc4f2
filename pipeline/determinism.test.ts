/**
 * The same inputs and config give byte-identical outputs whatever the thread count. DuckDB splits
 * a table scan into one task per row group (122,880 rows), so a small population would run on one
 * thread and hide every thread-order effect; these runs use row groups of 2,048 rows, so that a
 * population of a few thousand rows is scanned, joined and aggregated on several threads as a
 * national one is. The input lines are shuffled: one household's rows then meet in different
 * tasks, which is where a tie broken by thread order shows (a `mode()` over a household's family
 * cards changed the candidates of a 1M-row run from one run to the next).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../fixtures/generator/index.js';
import { rngFor } from '../fixtures/generator/random.js';
import { defaultConfig } from './config.js';
import { silentLogger } from './logger.js';
import { run } from './run.js';

let dir: string;

/** The file with its data lines in a seeded random order (the header stays first). */
async function shuffle(from: string, to: string, seed: number): Promise<void> {
  const lines = (await readFile(from, 'utf8')).split('\n');
  if (lines.at(-1) === '') lines.pop();
  const [header, ...body] = lines;
  const rng = rngFor(seed, 0, 0);
  for (let i = body.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [body[i], body[j]] = [body[j] as string, body[i] as string];
  }
  await writeFile(to, `${[header, ...body].join('\n')}\n`);
}

/** Every output file's SHA-256, the district workbooks included; the manifest without its timings. */
function fingerprint(out: string, sub = ''): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name of readdirSync(join(out, sub)).sort()) {
    const rel = sub ? `${sub}/${name}` : name;
    if (rel === 'padan.duckdb') continue;
    if (statSync(join(out, rel)).isDirectory()) {
      Object.assign(result, fingerprint(out, rel));
      continue;
    }
    let bytes: Buffer | string = readFileSync(join(out, rel));
    if (rel === 'manifest.json') {
      const manifest = JSON.parse(bytes.toString('utf8'));
      delete manifest.stage_seconds;
      delete manifest.step_seconds;
      delete manifest.trace;
      bytes = JSON.stringify(manifest);
    }
    result[rel] = createHash('sha256').update(bytes).digest('hex');
  }
  return result;
}

async function runWith(
  name: string,
  threads: number,
  rowGroupSize?: number,
): Promise<Record<string, string>> {
  const out = join(dir, name);
  await run({
    dtks: join(dir, 'dtks.csv'),
    dukcapil: join(dir, 'dukcapil.csv'),
    out,
    config: { ...defaultConfig(), referenceDate: '2026-11-01' },
    logger: silentLogger(),
    threads,
    ...(rowGroupSize ? { rowGroupSize } : {}),
  });
  return fingerprint(out);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'padan-determinism-'));
  await generate({
    households: 1500,
    seed: 11,
    out: join(dir, 'pop'),
    profile: 'default',
    dukcapilExtra: 0.5,
    logger: silentLogger(),
  });
  await shuffle(join(dir, 'pop', 'dtks.csv'), join(dir, 'dtks.csv'), 1);
  await shuffle(join(dir, 'pop', 'dukcapil.csv'), join(dir, 'dukcapil.csv'), 2);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('determinism whatever the thread count', () => {
  it('gives byte-identical files on one thread and, twice, on two threads over small row groups', async () => {
    const one = await runWith('threads-1', 1);
    const two = await runWith('threads-2-a', 2, 2048);
    const again = await runWith('threads-2-b', 2, 2048);
    const files = Object.keys(one);
    expect(files.filter((f) => !f.startsWith('regions/'))).toEqual([
      'corrections.csv',
      'deactivate.csv',
      'dtks_corrected.csv',
      'dtks_corrected.parquet',
      'findings.parquet',
      'manifest.json',
      'rejected.csv',
      'report.html',
      'review.csv',
      'summary.json',
    ]);
    expect(files.filter((f) => f.startsWith('regions/')).length).toBeGreaterThan(5);
    expect(two).toEqual(one);
    expect(again).toEqual(one);
    // Three whole runs of 1,500 households, one on a single thread: 60 s on a quiet 2-core
    // machine, 85 s when the other test files share the cores, too close to the default 120 s.
  }, 360_000);
});
