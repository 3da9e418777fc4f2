/**
 * The district workbooks alone (`regions/`, the largest part of the write stage), written again
 * from a kept run's database: for measuring a change to the rendering without a whole run.
 *
 *   node dist/bench/ratio.js --pop DIR --repeat 1 --keep KEEP      # leaves KEEP/run0/padan.duckdb
 *   cp KEEP/run0/padan.duckdb /tmp/wb.duckdb                        # a copy: the run keeps its own
 *   node dist/bench/workbooks.js --db /tmp/wb.duckdb --out /tmp/wb --threads 2
 *
 * Prints the seconds. With the run's `--run-id` and `--reference-date` (its manifest.json), `cmp`
 * the files with the run's own to see that the bytes did not change.
 */
import { mkdir, rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Db } from '../pipeline/db.js';
import { silentLogger } from '../pipeline/logger.js';
import { OutputDir, type ReportContext } from '../reports/report.js';
import { workbooks } from '../reports/workbooks.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    out: { type: 'string' },
    threads: { type: 'string', default: '2' },
    'memory-limit': { type: 'string', default: '4GB' },
    // The kept run's, from its manifest.json, for the files to compare byte for byte with its own.
    'run-id': { type: 'string', default: 'bench' },
    'reference-date': { type: 'string', default: '2026-12-01' },
  },
});
if (!values.db || !values.out)
  throw new Error('usage: workbooks.js --db RUN_DB_COPY --out DIR [--threads N]');

await rm(values.out, { recursive: true, force: true });
await mkdir(values.out, { recursive: true });
const db = await Db.open({
  path: values.db,
  threads: Number(values.threads),
  memoryLimit: values['memory-limit'],
});
const ctx = {
  db,
  out: new OutputDir(values.out),
  run: {
    runId: values['run-id'],
    referenceDate: values['reference-date'],
    referenceDateSource: 'config',
    configFile: null,
    inputs: [],
    details: {},
    database: values.db,
  },
  logger: silentLogger(),
} as unknown as ReportContext;
const started = performance.now();
await workbooks.write(ctx);
console.log(
  JSON.stringify({ workbooks_seconds: (performance.now() - started) / 1000, threads: values.threads }),
);
db.close();
