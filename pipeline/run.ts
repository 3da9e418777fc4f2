import { createHash } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { loadRegionReference } from '../connectors/regions.js';
import { buildSummary } from '../reports/summary.js';
import { CATALOGUE, rulesForStage } from '../rules/catalogue.js';
import { FINDINGS_DDL, type RuleContext, type Stage } from '../rules/rule.js';
import type { Config } from './config.js';
import { Db } from './db.js';
import { decide } from './decide.js';
import { InputError } from './errors.js';
import { createRejectedTable, type InputReport, ingestInput } from './ingest.js';
import { matchProbabilistic, type ProbabilisticResult } from './link-nik.js';
import type { Logger } from './logger.js';
import { MATCHED_VIEW, matchExact } from './match.js';
import { NAME_KEY_VERSION } from './names.js';
import { normalise } from './normalise.js';
import { PARSE_VERSION } from './parse.js';
import { PADAN_VERSION } from './version.js';
import {
  buildCorrectedTable,
  CORRECTIONS_COLUMNS,
  DEACTIVATE_COLUMNS,
  OutputDir,
  REJECTED_COLUMNS,
  REVIEW_COLUMNS,
  sha256Of,
} from './write.js';

export interface RunOptions {
  dtks: string;
  dukcapil: string;
  out: string;
  config: Config;
  configPath?: string;
  db?: string;
  threads?: number;
  memoryLimit?: string;
  tempDir?: string;
  regions?: string;
  /** Stop after the plan (findings and decisions in the database); write no output file. */
  planOnly?: boolean;
  logger: Logger;
  /** Called at the start and end of every stage, for a progress line on a terminal. */
  onStage?: (stage: string, state: 'start' | 'done', seconds?: number) => void;
}

export interface RunResult {
  runId: string;
  outDir: string;
  dbPath: string;
  inputs: InputReport[];
  summary: Awaited<ReturnType<typeof buildSummary>>;
  timings: Record<string, number>;
  files: string[];
}

/** The stages in order; everything up to `decide` is the plan, `write` is the apply. */
export const STAGES = ['ingest', 'normalise', 'validate', 'match', 'detect', 'decide', 'write'] as const;

/**
 * One monthly run: load both inputs into DuckDB, normalise, validate, match, detect, decide, then
 * write the files of SPEC §2 (each through a temporary name) and `manifest.json` last.
 */
export async function run(options: RunOptions): Promise<RunResult> {
  const outDir = resolve(options.out);
  const output = new OutputDir(outDir);
  await output.prepare();
  const dbPath = resolve(options.db ?? join(outDir, 'padan.duckdb'));
  // A rerun starts from a fresh working database: stale tables must not leak into this run.
  await rm(dbPath, { force: true });
  await rm(`${dbPath}.wal`, { force: true });
  const tempDir = resolve(options.tempDir ?? join(outDir, '.tmp'));
  await mkdir(tempDir, { recursive: true });
  if (options.regions) await assertDir(options.regions);

  const log = options.logger;
  const timings: Record<string, number> = {};
  const db = await Db.open({
    path: dbPath,
    threads: options.threads,
    memoryLimit: options.memoryLimit,
    tempDir,
  });
  const stage = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    options.onStage?.(name, 'start');
    const started = performance.now();
    const result = await fn();
    timings[name] = Math.round(performance.now() - started) / 1000;
    options.onStage?.(name, 'done', timings[name]);
    log.info({ stage: name, seconds: timings[name] }, `stage ${name} done`);
    return result;
  };

  try {
    const inputs = await stage('ingest', async () => {
      await createRejectedTable(db);
      const names = uniqueSourceNames(options.dtks, options.dukcapil);
      const dtks = await ingestInput(db, 'dtks', options.dtks, { tempDir, sourceName: names[0] });
      const dukcapil = await ingestInput(db, 'dukcapil', options.dukcapil, { tempDir, sourceName: names[1] });
      for (const input of [dtks, dukcapil]) {
        log.info(
          {
            input: input.role,
            file: input.file,
            read: input.rowsRead,
            loaded: input.rowsLoaded,
            rejected: input.rowsRejected,
          },
          'input loaded',
        );
      }
      return [dtks, dukcapil];
    });

    const norm = await stage('normalise', async () => {
      await loadRegionReference(db, options.regions);
      return normalise(db, options.config);
    });
    const ctx: RuleContext = { db, config: options.config, referenceDate: norm.referenceDate };
    const runRules = async (name: Stage) => {
      for (const rule of rulesForStage(name, options.config.rules.disabled)) await rule.run(ctx);
    };

    await stage('validate', async () => {
      await db.exec(FINDINGS_DDL);
      await runRules('validate');
    });
    const match = await stage('match', async () => {
      const exact = await matchExact(db, options.config);
      log.info({ ...exact }, 'exact NIK reconciliation');
      await runRules('match');
      let probabilistic: ProbabilisticResult | null = null;
      if (options.config.matching.enabled) {
        probabilistic = await matchProbabilistic(db, options.config);
        log.info(
          {
            candidates: probabilistic.link.candidates,
            perRow: probabilistic.link.perLeftRow,
            droppedBlocks: probabilistic.link.droppedBlockCount,
            accepted: probabilistic.accepted,
            uncertain: probabilistic.uncertain,
          },
          'probabilistic matching',
        );
        await runRules('link');
      }
      await db.exec(MATCHED_VIEW);
      return { exact, probabilistic };
    });
    await stage('detect', () => runRules('detect'));
    const decisions = await stage('decide', () => decide(db, options.config));
    log.info({ ...decisions }, 'decisions');
    await checkAccounting(db, inputs);

    const summary = await buildSummary(db, norm.referenceDate);
    const runId = runIdOf(inputs, options.config);
    if (options.planOnly) {
      return { runId, outDir, dbPath, inputs, summary, timings, files: [] };
    }

    await stage('write', async () => {
      await buildCorrectedTable(db);
      await output.copy(db, 'dtks_corrected.parquet', 'SELECT * FROM dtks_corrected', 'parquet');
      await output.copy(db, 'dtks_corrected.csv', 'SELECT * FROM dtks_corrected', 'csv');
      await output.copy(
        db,
        'deactivate.csv',
        `SELECT ${DEACTIVATE_COLUMNS.join(', ')} FROM deactivations ORDER BY _baris`,
        'csv',
      );
      await output.copy(
        db,
        'corrections.csv',
        `SELECT ${CORRECTIONS_COLUMNS.join(', ')} FROM corrections ORDER BY _baris, field, rule`,
        'csv',
      );
      await output.copy(
        db,
        'review.csv',
        `SELECT ${REVIEW_COLUMNS.join(', ')} FROM reviews ORDER BY _baris, reason, rule`,
        'csv',
      );
      await output.copy(
        db,
        'findings.parquet',
        `SELECT f.*, d.id_keluarga, d.kode_desa, d.kode_kabupaten FROM findings f JOIN dtks d USING (id_dtks)
         ORDER BY d._baris, f.rule, f.field NULLS FIRST`,
        'parquet',
      );
      await output.copy(
        db,
        'rejected.csv',
        `SELECT ${REJECTED_COLUMNS.join(', ')} FROM rejected ORDER BY file, line`,
        'csv',
      );
      await output.writeText('summary.json', `${JSON.stringify(summary, null, 2)}\n`);
    });

    // The manifest is written last: its presence means every other file is complete.
    const files: Record<string, { bytes: number; sha256: string; rows?: number }> = {};
    for (const [name, info] of [...output.written.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const path = output.path(name);
      files[name] = { bytes: (await stat(path)).size, sha256: await sha256Of(path), ...info };
    }
    await db.exec('CHECKPOINT');
    const manifest = {
      run_id: runId,
      padan_version: PADAN_VERSION,
      reference_date: norm.referenceDate,
      reference_date_source: norm.referenceDateSource,
      config: options.config,
      config_file: options.configPath ? basename(options.configPath) : null,
      inputs: inputs.map((i) => ({
        role: i.role,
        file: i.file,
        format: i.format,
        bytes: i.bytes,
        sha256: i.sha256,
        encoding: i.encoding ?? null,
        delimiter: i.delimiter ?? null,
        line_numbers_exact: i.lineNumbersExact,
        extra_columns: i.extraColumns,
        rows_read: i.rowsRead,
        rows_loaded: i.rowsLoaded,
        rows_rejected: i.rowsRejected,
      })),
      row_accounting: {
        checked: true,
        dtks: accountingOf(inputs[0] as InputReport),
        dukcapil: accountingOf(inputs[1] as InputReport),
        dtks_corrected_rows: summary.rows.dtks_loaded,
      },
      rules: CATALOGUE.map((r) => ({
        id: r.id,
        version: r.version,
        reason: r.reason,
        action: r.action,
        enabled: !options.config.rules.disabled.includes(r.id),
      })),
      versions: { parse: PARSE_VERSION, names: NAME_KEY_VERSION },
      region_resolution: norm.regions,
      matching: match,
      decisions,
      stage_seconds: timings,
      outputs: files,
      database: basename(dbPath),
    };
    await output.writeText('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
    return { runId, outDir, dbPath, inputs, summary, timings, files: Object.keys(files) };
  } finally {
    db.close();
    await rm(join(tempDir, 'padan-ingest'), { recursive: true, force: true });
    // The default spill folder sits in the output folder: leave nothing there but the outputs.
    if (!options.tempDir) await rm(tempDir, { recursive: true, force: true });
  }
}

function accountingOf(i: InputReport) {
  return {
    read: i.rowsRead,
    loaded: i.rowsLoaded,
    rejected: i.rowsRejected,
    adds_up: i.rowsRead === i.rowsLoaded + i.rowsRejected,
  };
}

/** Every loaded DTKS row must reach the corrected file exactly once (SPEC §2). */
async function checkAccounting(db: Db, inputs: InputReport[]): Promise<void> {
  const dtks = inputs[0] as InputReport;
  const rows = await db.count('SELECT count(*) FROM dtks');
  const distinct = await db.count('SELECT count(DISTINCT id_dtks) FROM dtks');
  if (rows !== dtks.rowsLoaded || distinct !== rows) {
    throw new Error(
      `row accounting failed: ${dtks.rowsLoaded} DTKS rows loaded, ${rows} normalised, ${distinct} distinct ids`,
    );
  }
}

/** Same inputs and config, same run id. */
function runIdOf(inputs: InputReport[], config: Config): string {
  const hash = createHash('sha256');
  hash.update(PADAN_VERSION);
  hash.update(JSON.stringify(config));
  for (const i of inputs) hash.update(`${i.role}:${i.sha256}`);
  return hash.digest('hex').slice(0, 16);
}

/** Name the two inputs in rejected.csv by file name; prefix the role when both have the same name. */
function uniqueSourceNames(dtks: string, dukcapil: string): [string, string] {
  const a = basename(dtks);
  const b = basename(dukcapil);
  return a === b ? [`dtks/${a}`, `dukcapil/${b}`] : [a, b];
}

async function assertDir(path: string): Promise<void> {
  try {
    if ((await stat(path)).isDirectory()) return;
  } catch {
    // fall through
  }
  throw new InputError(
    `--regions ${path}: not a directory; pass the folder with provinces.csv, regencies.csv, districts.csv, villages.csv`,
    path,
  );
}
