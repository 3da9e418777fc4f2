#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { evaluate, formatEvaluation } from '../fixtures/evaluate.js';
import { generate } from '../fixtures/generator/index.js';
import { defaultConfig, describeConfig, loadConfig } from '../pipeline/config.js';
import { diffRuns, formatDiff } from '../pipeline/diff.js';
import { ExitCode, InputError, PadanError } from '../pipeline/errors.js';
import { explainRow } from '../pipeline/explain.js';
import { createLogger } from '../pipeline/logger.js';
import { parseSize } from '../pipeline/memory.js';
import { applyReview, formatProblem } from '../pipeline/review.js';
import { run } from '../pipeline/run.js';
import type { RunFolder } from '../pipeline/run-folder.js';
import { PADAN_VERSION } from '../pipeline/version.js';
import { type CatalogueFormat, formatCatalogue } from '../rules/describe.js';
import { formatReviewOutcomes, formatRunSummary } from './output.js';
import { TerminalProgress } from './progress.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

function catalogueFormat(value: string): CatalogueFormat {
  if (value !== 'text' && value !== 'md' && value !== 'json')
    throw new InvalidArgumentError('expected text, md or json');
  return value;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
function logLevel(value: string): string {
  if (!LOG_LEVELS.includes(value)) throw new InvalidArgumentError(`expected one of ${LOG_LEVELS.join(', ')}`);
  return value;
}

function memorySize(value: string): string {
  let bytes = 0;
  try {
    bytes = parseSize(value);
  } catch {
    throw new InvalidArgumentError('expected a size such as 4GB or 512MiB');
  }
  if (bytes === 0) throw new InvalidArgumentError('expected a size above zero, such as 4GB');
  return value.trim();
}

const program = new Command()
  .name('padan')
  .description('Reconcile the DTKS social-welfare register with the Dukcapil civil registry')
  .version(PADAN_VERSION)
  .showHelpAfterError()
  .exitOverride();

program
  .command('run')
  .description('Load a DTKS export and a Dukcapil extract, reconcile them and write the decision files')
  .requiredOption('--dtks <file>', 'DTKS export (SIKS-NG layout), CSV, Parquet or XLSX')
  .requiredOption('--dukcapil <file>', 'Dukcapil extract, CSV or Parquet')
  .requiredOption('--out <dir>', 'output folder (padan writes only there)')
  .option('--config <file>', 'JSON config with policies and thresholds (see `padan config`)')
  .option('--db <file>', 'working DuckDB database (default: OUT/padan.duckdb)')
  .option('--threads <n>', 'DuckDB threads (default: all cores)', positiveInt)
  .option(
    '--memory-limit <size>',
    'memory for the whole run, e.g. 8GB (default: 80% of RAM); DuckDB gets 70% and spills beyond it',
    memorySize,
  )
  .option(
    '--temp-dir <dir>',
    'where DuckDB spills when memory is short (default: inside the run being built, removed after)',
  )
  .option('--regions <dir>', 'a newer Kemendagri region list in the same CSV layout')
  .option('--plan', 'plan only: compute findings and decisions into the database, write no file')
  .option('--force', 'write into an output folder that holds files padan did not write (they are kept)')
  .option('--decisions <file>', 'the decisions store written by `padan apply-review`: honour its decisions')
  .option('--quiet', 'no progress display and only warnings and errors in the log')
  .option(
    '--log-level <level>',
    'log level: fatal, error, warn, info, debug (default: info, or PADAN_LOG_LEVEL)',
    logLevel,
  )
  .action(async (opts) => {
    const config = await loadConfig(opts.config);
    const display = TerminalProgress.forTerminal(process.stderr, opts.quiet === true);
    let stop: ReturnType<typeof stopOnSignals> | undefined;
    try {
      const logger = createLogger({
        level: opts.logLevel ?? (opts.quiet ? 'warn' : undefined),
        ...(display ? { sink: display.sink } : {}),
      });
      stop = stopOnSignals(logger);
      const result = await run({
        dtks: opts.dtks,
        dukcapil: opts.dukcapil,
        out: opts.out,
        config,
        configPath: opts.config,
        db: opts.db,
        threads: opts.threads,
        memoryLimit: opts.memoryLimit,
        tempDir: opts.tempDir,
        regions: opts.regions,
        planOnly: opts.plan === true,
        force: opts.force === true,
        decisions: opts.decisions,
        commandLine: process.argv.slice(1),
        logger,
        signal: stop.signal,
        onFolder: stop.watch,
        ...(display ? { onStage: display.onStage, onProgress: display.onProgress } : {}),
      });
      display?.stop();
      process.stdout.write(formatRunSummary(result));
    } finally {
      // The display's redraw timer would keep the process alive after an error.
      display?.stop();
      stop?.release();
    }
  });

program
  .command('apply-review')
  .description('Merge the decisions of returned district workbooks into the decisions store (SPEC §5)')
  .requiredOption('--from <paths...>', 'returned workbooks, or folders holding them')
  .requiredOption('--decisions <file>', 'the decisions store (CSV; created when absent)')
  .option('--regions <dir>', 'the region list the run used, when it was not the shipped one')
  .action(async (opts) => {
    const outcomes = await applyReview({
      from: opts.from,
      decisions: opts.decisions,
      regions: opts.regions,
      logger: createLogger(),
    });
    process.stdout.write(formatReviewOutcomes(outcomes));
    for (const o of outcomes) for (const p of o.problems) process.stderr.write(`${formatProblem(p)}\n`);
    const rejected = outcomes.filter((o) => o.status === 'rejected').length;
    if (rejected > 0) {
      throw new InputError(
        `${rejected} workbook${rejected > 1 ? 's' : ''} rejected whole (one line per problem above); nothing of ${rejected > 1 ? 'them' : 'it'} was stored, the others were`,
      );
    }
  });

program
  .command('diff')
  .description(
    'Compare two complete runs (SPEC §6): new, resolved and persisting findings, members active again',
  )
  .argument('<previous>', "last month's run folder")
  .argument('<current>', "this month's run folder")
  .option('--out <dir>', 'where diff.csv and diff.json go (default: the current run folder)')
  .action(async (previous: string, current: string, opts) => {
    process.stdout.write(formatDiff(await diffRuns({ previous, current, out: opts.out })));
  });

program
  .command('generate')
  .description('Write a synthetic DTKS export, Dukcapil extract and truth.csv (deterministic for a seed)')
  .requiredOption('--households <n>', 'DTKS households to generate', positiveInt)
  .requiredOption('--out <dir>', 'output folder for dtks.csv, dukcapil.csv, truth.csv')
  .option('--seed <n>', 'random seed', (v) => Number.parseInt(v, 10), 1)
  .option(
    '--profile <name>',
    'error rates: clean, default, harsh or hard (call names, twins, households moving together, repeated Dukcapil NIKs)',
    'default',
  )
  .option(
    '--dukcapil-extra <x>',
    'non-poor Dukcapil households per DTKS household (distractors)',
    Number,
    0.5,
  )
  .option(
    '--anomalies',
    "also inject household and field anomalies, an outlier kecamatan and DTKS-only duplicates (truth.csv's anomaly column)",
  )
  .action(async (opts) => {
    const result = await generate({
      households: opts.households,
      seed: opts.seed,
      out: opts.out,
      profile: opts.profile,
      dukcapilExtra: opts.dukcapilExtra,
      anomalies: opts.anomalies === true,
      logger: createLogger(),
    });
    process.stdout.write(
      `generated ${result.households} households, ${result.members} members: ${result.dtksRows} DTKS rows, ` +
        `${result.dukcapilRows} Dukcapil rows in ${result.seconds.toFixed(1)} s (${Math.round(result.rowsPerSecond)} rows/s)\n` +
        `  ${result.files.dtks}\n  ${result.files.dukcapil}\n  ${result.files.truth}\n`,
    );
  });

program
  .command('evaluate')
  .description(
    "Score a run against a generated population's truth.csv; writes evaluation.json into the run folder",
  )
  .requiredOption('--truth <file>', 'truth.csv from padan generate')
  .requiredOption('--out <dir>', 'the run folder to score')
  .action(async (opts) => {
    const evaluation = await evaluate({ truth: opts.truth, runDir: opts.out });
    process.stdout.write(formatEvaluation(evaluation));
  });

program
  .command('explain')
  .description("Explain a row's matching: the match-weight waterfall of its best Dukcapil candidates")
  .argument('<id_dtks>', 'the ID DTKS of the row')
  .option('--out <dir>', 'the run folder (reads padan.duckdb and manifest.json there)')
  .option('--db <file>', 'the run database, when it is not in the run folder')
  .option('--top <n>', 'how many candidates to show', positiveInt, 3)
  .action(async (id: string, opts) => {
    process.stdout.write(await explainRow({ idDtks: id, out: opts.out, db: opts.db, top: opts.top }));
  });

program
  .command('config')
  .description(
    'Print the default config (JSON); save it, edit it and pass it with --config. --describe lists every key with its default and what it does',
  )
  .option('--describe', 'list the keys, their defaults and descriptions instead of the JSON')
  .action((opts: { describe?: boolean }) => {
    if (!opts.describe) {
      process.stdout.write(`${JSON.stringify(defaultConfig(), null, 2)}\n`);
      return;
    }
    for (const k of describeConfig()) {
      process.stdout.write(`${k.key} = ${JSON.stringify(k.default)}\n    ${k.description}\n`);
    }
  });

program
  .command('rules')
  .description('List the detection rules: id, reason codes, action, description (text, md or json)')
  .option('--format <format>', 'text, md (the page docs/rules.md) or json', catalogueFormat, 'text')
  .action((opts: { format: CatalogueFormat }) => {
    process.stdout.write(formatCatalogue(opts.format));
  });

/**
 * SIGINT and SIGTERM stop a run: the running DuckDB query is interrupted, the staging folder
 * removed and the previous run left as it was. A second signal exits at once, removing the staging
 * folder synchronously.
 */
function stopOnSignals(logger: ReturnType<typeof createLogger>) {
  const controller = new AbortController();
  let folder: RunFolder | undefined;
  const handler = (signal: 'SIGINT' | 'SIGTERM') => {
    if (controller.signal.aborted) {
      folder?.abortSync();
      process.exit(signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated);
    }
    logger.warn({ signal }, 'stopping: removing this run, the output folder stays as it was');
    controller.abort(signal);
  };
  const onInt = () => handler('SIGINT');
  const onTerm = () => handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    watch: (f: RunFolder) => {
      folder = f;
    },
    release: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}

/** One line on stderr for a failed command; never a NIK, name or date (they may sit in a DuckDB message). */
function scrub(message: string): string {
  return message
    .split('\n')[0]
    ?.replace(/'[^']*'/g, "'…'")
    .replace(/"[^"]*"/g, (m) => (m.length > 40 ? '"…"' : m))
    .replace(/\d{8,}/g, '…') as string;
}

async function main(): Promise<number> {
  try {
    await program.parseAsync(process.argv);
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.exitCode === 0
      ) {
        return ExitCode.ok;
      }
      return ExitCode.usage;
    }
    if (error instanceof PadanError) {
      process.stderr.write(`padan: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `padan: internal error: ${scrub(message)}; nothing was replaced (an output folder is as it was). ` +
        'Rerun with PADAN_LOG_LEVEL=debug and report the log.\n',
    );
    return ExitCode.internal;
  }
}

process.exitCode = await main();
