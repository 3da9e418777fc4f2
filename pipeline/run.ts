import { createHash } from 'node:crypto';
import { access, mkdir, rm, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { REGION_FILES } from '../connectors/regions.js';
import { OutputDir } from '../reports/report.js';
import { buildSummary } from '../reports/summary.js';
import { FINDINGS_DDL, type Stage } from '../rules/rule.js';
import {
  disabledReads,
  disabledRuleProblems,
  type RunContext,
  rulesForStage,
  runRule,
} from '../rules/runner.js';
import type { Config } from './config.js';
import { Db, WORKING_SCHEMA } from './db.js';
import { decide } from './decide.js';
import {
  InputError,
  InterruptedError,
  OutputError,
  PadanError,
  ResourceError,
  UsageError,
} from './errors.js';
import { checkInput, createRejectedTable, type InputReport, readInput, recordInputs } from './ingest.js';
import { linkDtksOnly } from './link-dtks.js';
import { matchProbabilistic, type ProbabilisticResult } from './link-nik.js';
import type { Logger } from './logger.js';
import { MATCHED_VIEW, matchExact } from './match.js';
import { planMemory } from './memory.js';
import { normalise, referenceDateOf } from './normalise.js';
import { loadRegions } from './regions.js';
import { loadDecisions } from './review.js';
import { RunFolder } from './run-folder.js';
import { notePlace, placeOf, StepClock } from './steps.js';
import { startTrace } from './trace.js';
import { PADAN_VERSION } from './version.js';
import { writeOutputs } from './write.js';

export interface RunOptions {
  dtks: string;
  dukcapil: string;
  out: string;
  config: Config;
  configPath?: string;
  db?: string;
  threads?: number;
  /** The run's memory, DuckDB and Node together ('8GB'); DuckDB gets a share of it (memory.ts). */
  memoryLimit?: string;
  tempDir?: string;
  regions?: string;
  /** Stop after the plan (findings and decisions in the database); write no output file. */
  planOnly?: boolean;
  /** Write into an output folder that holds files padan did not write (they are kept). */
  force?: boolean;
  /** The decisions store of `padan apply-review` (SPEC §5), honoured by the decide stage. */
  decisions?: string;
  logger: Logger;
  /** Stops the run: the stage in progress is interrupted and the staging folder removed. */
  signal?: AbortSignal;
  /** Called at the start and end of every stage, for a progress line on a terminal. */
  onStage?: (stage: string, state: 'start' | 'done', seconds?: number) => void;
  /** Steps inside a stage (rule k of n, blocking rule k of n, workbook k of n), for the same line. */
  onProgress?: (event: ProgressEvent) => void;
  /** Called once the staging folder exists, so a signal handler can remove it synchronously. */
  onFolder?: (folder: RunFolder) => void;
  /** DuckDB row group size of the working database (see `DbOptions.rowGroupSize`); tests only. */
  rowGroupSize?: number;
  /** How padan was called (the manifest records it); the CLI passes its argv. */
  commandLine?: string[];
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

/** One step of a stage done: `done` of `total` (a count, not a share), what is being done now. */
export interface ProgressEvent {
  stage: string;
  step: string;
  done: number;
  total: number;
}

/** The stages in order; everything up to `decide` is the plan, `write` is the apply. */
export const STAGES = ['ingest', 'normalise', 'validate', 'match', 'detect', 'decide', 'write'] as const;

/**
 * One monthly run: load both inputs into DuckDB, normalise, validate, match, detect, decide, then
 * write the files of SPEC §2 and `manifest.json` last.
 *
 * Nothing is touched before every input, option and the config have been checked. The run is
 * built in a staging folder beside the output folder and moved into place only when complete
 * (`RunFolder`): a run that fails, is interrupted or killed leaves the previous run as it was.
 */
export async function run(options: RunOptions): Promise<RunResult> {
  await preflight(options);
  const referenceDate = referenceDateOf(options.config);
  const folder = await RunFolder.open({
    out: options.out,
    db: options.db,
    inputs: [options.dtks, options.dukcapil],
    force: options.force === true,
    planOnly: options.planOnly === true,
  });
  options.onFolder?.(folder);
  try {
    const result = await runInFolder(options, folder, referenceDate);
    await folder.commit();
    return result;
  } catch (error) {
    await folder.abort();
    if (options.signal?.aborted) throw new InterruptedError(abortSignalName(options.signal));
    throw asPadanError(error, options);
  }
}

async function runInFolder(
  options: RunOptions,
  folder: RunFolder,
  referenceDate: string,
): Promise<RunResult> {
  const log = options.logger;
  const tempDir = resolve(options.tempDir ?? folder.path('.tmp'));
  await mkdir(tempDir, { recursive: true });
  const timings: Record<string, number> = {};
  const steps = { normalise: new StepClock(), match: new StepClock(), rules: new StepClock() };
  const startedAt = new Date();
  const memory = planMemory(options.memoryLimit);
  const db = await Db.open({
    path: folder.stagingDbPath,
    threads: options.threads,
    memoryLimit: memory.duckdbLimit,
    tempDir,
    signal: options.signal,
    rowGroupSize: options.rowGroupSize,
    workingSchema: WORKING_SCHEMA,
  });
  const stage = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    if (options.signal?.aborted) throw new InterruptedError(abortSignalName(options.signal));
    options.onStage?.(name, 'start');
    const started = performance.now();
    const result = await fn().catch((error: unknown) => {
      notePlace(error, name);
      throw error;
    });
    timings[name] = Math.round(performance.now() - started) / 1000;
    options.onStage?.(name, 'done', timings[name]);
    log.info({ stage: name, seconds: timings[name] }, `stage ${name} done`);
    return result;
  };
  log.info(
    { budgetMiB: Math.floor(memory.budgetBytes / 2 ** 20), duckdbMemoryLimit: memory.duckdbLimit },
    'memory: DuckDB gets a share of the run budget, the rest is headroom for what its limit does not count',
  );
  log.info(
    { referenceDate, source: options.config.referenceDate ? 'config' : 'run date' },
    'reference date for ages and NIK centuries',
  );

  try {
    const inputs = await stage('ingest', async () => {
      await createRejectedTable(db);
      const names = uniqueSourceNames(options.dtks, options.dukcapil);
      const read = (role: 'dtks' | 'dukcapil', path: string, sourceName: string | undefined) =>
        readInput(role, path, { tempDir, sourceName, signal: options.signal });
      // The region reference is loaded while the DTKS export is scanned in JavaScript, when DuckDB
      // would otherwise wait: about 1 s of a 1M run. A DTKS error is still the one reported first.
      const [dtksReadResult, reference] = await Promise.allSettled([
        read('dtks', options.dtks, names[0]),
        loadRegions(db, options.regions),
      ]);
      if (dtksReadResult.status === 'rejected') throw dtksReadResult.reason;
      const dtksRead = dtksReadResult.value;
      if (reference.status === 'rejected') {
        await dtksRead.discard();
        throw reference.reason;
      }
      // The Dukcapil extract is read (scanned in JavaScript) while DuckDB loads the DTKS export: about
      // 1 s of a 1M run's 10 s ingest. A failure of DTKS is still the one reported, as when the two
      // were read in turn, and the Dukcapil work files go with it.
      const [dtksLoaded, dukcapilRead] = await Promise.allSettled([
        dtksRead.load(db),
        read('dukcapil', options.dukcapil, names[1]),
      ]);
      let dtks: InputReport;
      try {
        if (dtksLoaded.status === 'rejected') throw dtksLoaded.reason;
        dtks = dtksLoaded.value;
        reportInput(log, dtks);
        checkRejectBudget(dtks, options.config);
      } catch (error) {
        if (dukcapilRead.status === 'fulfilled') await dukcapilRead.value.discard();
        throw error;
      }
      if (dukcapilRead.status === 'rejected') throw dukcapilRead.reason;
      const dukcapil = await dukcapilRead.value.load(db);
      reportInput(log, dukcapil);
      checkRejectBudget(dukcapil, options.config);
      if (dukcapil.rowsLoaded * 2 < dtks.rowsLoaded) {
        log.warn(
          { dtks: dtks.rowsLoaded, dukcapil: dukcapil.rowsLoaded },
          'the Dukcapil extract has less than half as many records as DTKS: most members will not be found; is it the whole extract?',
        );
      }
      await recordInputs(db, [dtks, dukcapil]);
      return [dtks, dukcapil];
    });

    const norm = await stage('normalise', async () => {
      const result = await normalise(db, options.config, referenceDate, steps.normalise);
      log.debug({ names: result.distinctNames, workers: result.nameWorkers }, 'names normalised');
      if (options.decisions) {
        const n = await loadDecisions(db, options.decisions);
        log.info({ decisions: n }, 'decisions store loaded');
      }
      return result;
    });
    for (const d of disabledReads(options.config.rules.disabled)) {
      log.warn(d, 'an enabled rule reads the findings of a disabled one: it runs without them');
    }
    const ctx: RunContext = { db, config: options.config, referenceDate };
    const progress = (stage: string) => (step: string, done: number, total: number) =>
      options.onProgress?.({ stage, step, done, total });
    const runRules = async (name: Stage, stageName: string = name) => {
      const rules = rulesForStage(name, options.config.rules.disabled);
      for (const [i, rule] of rules.entries()) {
        progress(stageName)(`rule ${rule.id}`, i, rules.length);
        await steps.rules.step(rule.id, () => runRule(rule, ctx));
      }
    };

    await stage('validate', async () => {
      await db.exec(FINDINGS_DDL);
      await runRules('validate');
    });
    const match = await stage('match', async () => {
      const clock = steps.match;
      const exact = await clock.step('exact', () => matchExact(db, options.config));
      log.info({ ...exact }, 'exact NIK reconciliation');
      if (exact.dukcapilRepeatedNiks > 0) {
        log.warn({ repeatedNiks: exact.dukcapilRepeatedNiks }, 'NIKs repeated in the Dukcapil extract');
      }
      await clock.step('rules', () => runRules('match', 'match'));
      let probabilistic: ProbabilisticResult | null = null;
      let dtksOnly: Awaited<ReturnType<typeof linkDtksOnly>> | null = null;
      if (options.config.matching.enabled) {
        probabilistic = await clock.step('probabilistic', () =>
          matchProbabilistic(db, options.config, progress('match')),
        );
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
        const model = probabilistic.model;
        dtksOnly = await clock.step('dtks_only', () =>
          linkDtksOnly(db, options.config, model, progress('match')),
        );
        log.info({ ...dtksOnly }, 'DTKS rows unknown to Dukcapil linked among themselves');
        await clock.step('rules', () => runRules('link', 'match'));
      } else {
        await clock.step('dtks_only', () => linkDtksOnly(db, options.config, null));
      }
      await db.exec(MATCHED_VIEW);
      return { exact, probabilistic, dtksOnly };
    });
    await stage('detect', () => runRules('detect'));
    const decisions = await stage('decide', () => decide(db, options.config));
    log.info({ ...decisions }, 'decisions');
    if (decisions.decisions.stale > 0) {
      log.warn(
        { stale: decisions.decisions.stale },
        'operator decisions whose KUNCI matches no finding of this run (the data changed): listed in summary.json',
      );
    }
    await checkAccounting(db, inputs);

    const summary = await buildSummary(db, referenceDate, inputs, options.config);
    const runId = runIdOf(inputs, options.config, referenceDate);
    if (options.planOnly) {
      await db.exec('CHECKPOINT');
      return { runId, outDir: folder.outDir, dbPath: folder.dbPath, inputs, summary, timings, files: [] };
    }

    const files = await writeOutputs(
      {
        db,
        out: new OutputDir(folder.stagingDir),
        summary,
        config: options.config,
        logger: log,
        run: {
          runId,
          referenceDate,
          referenceDateSource: norm.referenceDateSource,
          configFile: options.configPath ? basename(options.configPath) : null,
          inputs,
          details: {
            region_resolution: norm.regions,
            matching: {
              exact: match.exact,
              probabilistic: match.probabilistic && {
                link: match.probabilistic.link,
                accepted: match.probabilistic.accepted,
                uncertain: match.probabilistic.uncertain,
              },
              // DTKS rows without a Dukcapil person, linked among themselves (pipeline/link-dtks.ts).
              dtks_only: match.dtksOnly,
            },
            decisions,
            stage_seconds: timings,
            // Steps inside a stage (match's blocking, training, scoring; each output of write), so
            // that the next slow one is visible.
            step_seconds: {
              normalise: steps.normalise.seconds,
              match: { ...steps.match.seconds, link: match.probabilistic?.seconds ?? null },
              // Each rule's own time, validate, match and detect together.
              rules: steps.rules.seconds,
            },
            trace: await startTrace(db, startedAt, options.commandLine, {
              dtks: resolve(options.dtks),
              dukcapil: resolve(options.dukcapil),
              config: options.configPath ? resolve(options.configPath) : null,
              decisions: options.decisions ? resolve(options.decisions) : null,
              regions: options.regions ? resolve(options.regions) : null,
              out: folder.outDir,
              database: folder.dbPath,
            }),
          },
          database: folder.dbPath === join(folder.outDir, 'padan.duckdb') ? 'padan.duckdb' : folder.dbPath,
        },
      },
      stage,
      progress('write'),
    );
    return { runId, outDir: folder.outDir, dbPath: folder.dbPath, inputs, summary, timings, files };
  } finally {
    db.close();
    // A spill folder of the user's: leave it as found (DuckDB removes its own files on close).
    if (options.tempDir === undefined) await rm(tempDir, { recursive: true, force: true });
  }
}

/**
 * What can be checked without writing anything: the inputs exist and are files, the region list
 * is complete, the temp dir can be used. The config was validated when it was parsed.
 */
async function preflight(options: RunOptions): Promise<void> {
  const ruleProblems = disabledRuleProblems(options.config.rules.disabled);
  if (ruleProblems.length > 0) {
    const where = options.configPath ? `--config ${options.configPath}` : 'config';
    throw new UsageError(`${where}: rules.disabled: ${ruleProblems.join('; ')}`);
  }
  await checkInput(options.dtks, 'dtks');
  await checkInput(options.dukcapil, 'dukcapil');
  if (options.regions) await checkRegionDir(options.regions);
  if (options.decisions) {
    const info = await stat(options.decisions).catch(() => null);
    if (!info?.isFile()) {
      throw new InputError(
        `--decisions ${options.decisions}: not found; padan apply-review creates it from returned workbooks`,
        options.decisions,
      );
    }
  }
  if (options.tempDir) {
    const rel = relative(resolve(options.out), resolve(options.tempDir));
    if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) {
      throw new UsageError(
        `--temp-dir ${options.tempDir}: is inside --out ${options.out}, which is replaced as a whole; choose a folder outside it`,
      );
    }
    try {
      await mkdir(options.tempDir, { recursive: true });
      await access(options.tempDir);
    } catch (error) {
      throw new OutputError(
        `--temp-dir ${options.tempDir}: cannot be used (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        options.tempDir,
      );
    }
  }
}

/** Log what was read; warn about anything that means lost or missing rows. */
function reportInput(log: Logger, input: InputReport): void {
  const fields = {
    input: input.role,
    file: input.file,
    read: input.rowsRead,
    loaded: input.rowsLoaded,
    rejected: input.rowsRejected,
  };
  log.info(fields, 'input loaded');
  if (input.rowsRejected > 0)
    log.warn(fields, `${input.rowsRejected} lines of ${input.file} rejected (see rejected.csv)`);
  if (input.rowsLoaded === 0) log.warn(fields, `${input.file} has no rows to load (empty or header only)`);
}

/**
 * More rejected lines than the budget stop the run before anything is decided: Pusdatin would
 * rather rerun than publish decisions from half a file.
 */
function checkRejectBudget(input: InputReport, config: Config): void {
  const { maxRejectedShare, maxRejectedFloor } = config.ingest;
  const allowed = Math.max(maxRejectedFloor, Math.floor(maxRejectedShare * input.rowsRead));
  if (input.rowsRejected <= allowed) return;
  const share = ((100 * input.rowsRejected) / Math.max(input.rowsRead, 1)).toFixed(2);
  throw new InputError(
    `--${input.role} ${input.path}: ${input.rowsRejected} of ${input.rowsRead} records rejected (${share} %), ` +
      `more than the ${allowed} allowed (ingest.maxRejectedShare ${maxRejectedShare}, ingest.maxRejectedFloor ${maxRejectedFloor}); ` +
      `nothing was decided. First rejected lines: ${input.firstRejected ?? '?'}. Fix the file, or raise the budget in the config`,
    input.path,
  );
}

async function checkRegionDir(dir: string): Promise<void> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(dir);
  } catch {
    throw new InputError(`--regions ${dir}: not found; pass the folder with ${regionFileList()}`, dir);
  }
  if (!info.isDirectory())
    throw new InputError(`--regions ${dir}: not a folder; pass the folder with ${regionFileList()}`, dir);
  for (const { file } of Object.values(REGION_FILES)) {
    try {
      await access(join(dir, file));
    } catch {
      throw new InputError(
        `--regions ${dir}: ${file} is missing; the folder must hold ${regionFileList()}`,
        dir,
      );
    }
  }
}

function regionFileList(): string {
  return Object.values(REGION_FILES)
    .map((f) => f.file)
    .join(', ');
}

/** Every loaded DTKS row must reach the corrected table exactly once (SPEC §2). */
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

/** Same inputs, config and reference date, same run id. */
function runIdOf(inputs: InputReport[], config: Config, referenceDate: string): string {
  const hash = createHash('sha256');
  hash.update(PADAN_VERSION);
  hash.update(JSON.stringify(config));
  hash.update(referenceDate);
  for (const i of inputs) hash.update(`${i.role}:${i.sha256}`);
  return hash.digest('hex').slice(0, 16);
}

/** Name the two inputs in rejected.csv by file name; prefix the role when both have the same name. */
function uniqueSourceNames(dtks: string, dukcapil: string): [string, string] {
  const a = basename(dtks);
  const b = basename(dukcapil);
  return a === b ? [`dtks/${a}`, `dukcapil/${b}`] : [a, b];
}

function abortSignalName(signal: AbortSignal): 'SIGINT' | 'SIGTERM' {
  return signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
}

/**
 * Errors of the outside world in the words of the option to change: DuckDB's out-of-memory and
 * full-disk errors, and file system errors writing the run.
 */
function asPadanError(error: unknown, options: RunOptions): unknown {
  if (error instanceof PadanError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const where = placeOf(error);
  if (/Out of Memory Error|failed to allocate|could not allocate/i.test(message)) {
    return new ResourceError(
      `DuckDB ran out of memory${options.memoryLimit ? ` at --memory-limit ${options.memoryLimit}` : ''}` +
        `${where ? ` (${where})` : ''}; ` +
        'raise --memory-limit, or point --temp-dir at a disk with room so that DuckDB can spill to it',
    );
  }
  if (code === 'ENOSPC' || /No space left on device/i.test(message)) {
    return new ResourceError(
      `the disk is full${options.tempDir ? ` (--temp-dir ${options.tempDir} or --out ${options.out})` : ` (--out ${options.out})`}` +
        `${where ? ` in ${where}` : ''}; ` +
        'free space, or point --temp-dir at a disk with room',
    );
  }
  if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
    return new OutputError(`--out ${options.out}: cannot be written (${code})`, options.out);
  }
  return error;
}
