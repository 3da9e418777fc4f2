import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sha256File } from '../connectors/scan.js';
import type { Config } from '../pipeline/config.js';
import { type Db, sqlString } from '../pipeline/db.js';
import type { InputReport } from '../pipeline/ingest.js';
import type { Logger } from '../pipeline/logger.js';
import type { Summary } from './summary.js';

/**
 * One output of a run (SPEC §2), on the model of vitest's reporters: a small value with the name
 * of what it writes and a function that writes it from the working database. The write stage loops
 * over the list in `reports/index.ts`; a new output is a new file and one line there.
 */
export interface Report {
  /** The file (or folder, ending in `/`) it writes in the run folder, as SPEC §2 names it. */
  name: string;
  /** Who opens it (SPEC §2). */
  audience: 'engineers' | 'Pusdatin' | 'dinas sosial' | 'analysts';
  write(ctx: ReportContext): Promise<void>;
}

/**
 * An output that is one query's rows copied to a file, CSV or Parquet as its name says: most of
 * SPEC §2's files are one of these, and only their name, audience and query differ.
 */
export function tableReport(spec: { name: string; audience: Report['audience']; query: string }): Report {
  const format = spec.name.endsWith('.parquet') ? 'parquet' : spec.name.endsWith('.csv') ? 'csv' : null;
  if (!format) throw new Error(`${spec.name}: a table report writes .csv or .parquet`);
  return {
    name: spec.name,
    audience: spec.audience,
    async write({ db, out }) {
      await out.copy(db, spec.name, spec.query, format);
    },
  };
}

/** What a report may read: the database, the run's facts, and the folder it writes to. */
export interface ReportContext {
  db: Db;
  out: OutputDir;
  run: RunFacts;
  summary: Summary;
  config: Config;
  logger: Logger;
  /** Steps of a long output (workbook k of n), for a progress display. */
  progress?: (step: string, done: number, total: number) => void;
}

/** Facts of the run known before the write stage, for the manifest and the workbooks' summaries. */
export interface RunFacts {
  runId: string;
  referenceDate: string;
  referenceDateSource: string;
  configFile: string | null;
  inputs: InputReport[];
  /** Everything else the manifest records (region resolution, matching, decisions, timings). */
  details: Record<string, unknown>;
  /** The database's name in the manifest: `padan.duckdb`, or its path when it lives elsewhere. */
  database: string;
}

/** What was written: a file of the run folder, with its row count when it is a table. */
export interface WrittenFile {
  rows?: number;
}

/**
 * The run folder being built (the staging folder): every file goes through a temporary name and is
 * renamed when complete, so a reader never sees half a file, and each is recorded for the manifest.
 */
export class OutputDir {
  readonly written = new Map<string, WrittenFile>();
  /** Each complete file's size and SHA-256, worked out in turn as files complete (see `digest`). */
  private readonly digests = new Map<string, Promise<{ bytes: number; sha256: string }>>();
  private lastDigest: Promise<unknown> = Promise.resolve();
  constructor(readonly dir: string) {}

  /**
   * A written file's size and SHA-256, for the manifest. Hashed as soon as the file is complete,
   * one file after another, while DuckDB writes the next outputs: hashed at the end, the 1M run's
   * 430 MB of outputs kept the run waiting about a second.
   */
  digest(name: string): Promise<{ bytes: number; sha256: string }> {
    return this.digests.get(name) ?? sha256File(this.path(name));
  }

  /** Record a complete file and queue its hash (or hash the bytes it was written from). */
  private complete(name: string, file: WrittenFile, bytes?: Buffer): void {
    this.written.set(name, file);
    if (bytes !== undefined) {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      this.digests.set(name, Promise.resolve({ bytes: bytes.length, sha256 }));
      return;
    }
    const digest = this.lastDigest.then(() => sha256File(this.path(name)));
    // A run that fails before its manifest never asks for the hash: its failure is not an error.
    digest.catch(() => undefined);
    this.lastDigest = digest.catch(() => undefined);
    this.digests.set(name, digest);
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /** COPY a query to `name` through a temporary file; the number of rows written. */
  async copy(db: Db, name: string, query: string, format: 'csv' | 'parquet'): Promise<number> {
    const tmp = this.temporary(name);
    await mkdir(dirname(tmp), { recursive: true });
    const options =
      format === 'csv'
        ? "FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"'"
        : 'FORMAT parquet, COMPRESSION zstd';
    // COPY answers with the number of rows it wrote.
    const rows = await db.count(`COPY (${query}) TO ${sqlString(tmp)} (${options})`);
    await rename(tmp, this.path(name));
    this.complete(name, { rows });
    return rows;
  }

  async writeText(name: string, text: string): Promise<void> {
    const tmp = this.temporary(name);
    await mkdir(dirname(tmp), { recursive: true });
    // Encoded once: the bytes written are the bytes hashed.
    const bytes = Buffer.from(text, 'utf8');
    await writeFile(tmp, bytes);
    await rename(tmp, this.path(name));
    this.complete(name, {}, bytes);
  }

  /** A temporary name beside `name` (`dir/.file.tmp`), for writers that stream (workbooks). */
  temporary(name: string): string {
    return join(this.dir, dirname(name), `.${name.split('/').at(-1)}.tmp`);
  }

  /** Record a file a writer of its own put in place (through `temporary`). */
  async recorded(name: string, file: WrittenFile = {}): Promise<void> {
    this.complete(name, file);
  }
}
