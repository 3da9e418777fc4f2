import type { InputReport } from '../pipeline/ingest.js';
import { NAME_KEY_VERSION } from '../pipeline/names.js';
import { PARSE_VERSION } from '../pipeline/parse.js';
import { PADAN_VERSION } from '../pipeline/version.js';
import { CATALOGUE } from '../rules/catalogue.js';
import type { OutputDir, Report, ReportContext } from './report.js';

/**
 * `manifest.json`, written last: its presence means the run is complete. It records the inputs
 * with their hashes and row accounting, the config, rule versions, timings and every output with
 * its size, SHA-256 and rows. The accounting is checked, not asserted: the rows of
 * `dtks_corrected` are counted in the files as written, and the run fails if they differ from the
 * rows loaded.
 */
export const manifest: Report = {
  name: 'manifest.json',
  audience: 'engineers',
  async write(ctx) {
    const { db, out, run, config } = ctx;
    const accounting = await checkAccounting(ctx);
    const files: Record<string, { bytes: number; sha256: string; rows?: number }> = {};
    for (const [name, info] of [...out.written.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const { bytes, sha256 } = await out.digest(name);
      files[name] = { bytes, sha256, ...info };
    }
    await db.exec('CHECKPOINT');
    const trace = run.details.trace as { finished_at: string | null } | undefined;
    if (trace) trace.finished_at = new Date().toISOString();
    const document = {
      run_id: run.runId,
      padan_version: PADAN_VERSION,
      reference_date: run.referenceDate,
      reference_date_source: run.referenceDateSource,
      config,
      config_file: run.configFile,
      inputs: run.inputs.map((i) => ({
        role: i.role,
        file: i.file,
        format: i.format,
        bytes: i.bytes,
        sha256: i.sha256,
        encoding: i.encoding ?? null,
        delimiter: i.delimiter ?? null,
        physical_lines: i.physicalLines ?? null,
        blank_lines: i.blankLines ?? null,
        multiline_records: i.multilineRecords ?? null,
        extra_columns: i.extraColumns,
        rows_read: i.rowsRead,
        rows_loaded: i.rowsLoaded,
        rows_rejected: i.rowsRejected,
      })),
      row_accounting: accounting,
      rules: CATALOGUE.map((r) => ({
        id: r.id,
        version: r.version,
        reasons: r.reasons,
        action: r.action,
        enabled: !config.rules.disabled.includes(r.id),
      })),
      versions: { parse: PARSE_VERSION, names: NAME_KEY_VERSION },
      ...run.details,
      outputs: files,
      database: run.database,
    };
    await out.writeText('manifest.json', `${JSON.stringify(document, null, 2)}\n`);
  },
};

function accountingOf(i: InputReport) {
  return {
    read: i.rowsRead,
    loaded: i.rowsLoaded,
    rejected: i.rowsRejected,
    adds_up: i.rowsRead === i.rowsLoaded + i.rowsRejected,
  };
}

/** Every loaded DTKS row appears exactly once in dtks_corrected (SPEC §2), counted in the files. */
async function checkAccounting({ db, out, run }: ReportContext) {
  const [dtks, dukcapil] = run.inputs as [InputReport, InputReport];
  const corrected = await countWritten(db, out);
  const accounting = {
    dtks: accountingOf(dtks),
    dukcapil: accountingOf(dukcapil),
    dtks_corrected_rows: corrected,
    dtks_corrected_complete: corrected.parquet === dtks.rowsLoaded && corrected.csv === dtks.rowsLoaded,
  };
  if (!accounting.dtks.adds_up || !accounting.dukcapil.adds_up || !accounting.dtks_corrected_complete) {
    throw new Error(
      `row accounting failed: ${dtks.rowsLoaded} DTKS rows loaded, ${corrected.parquet} in dtks_corrected.parquet, ${corrected.csv} in dtks_corrected.csv`,
    );
  }
  return accounting;
}

/** Rows of dtks_corrected in the two files as written. */
async function countWritten(
  db: ReportContext['db'],
  out: OutputDir,
): Promise<{ parquet: number; csv: number }> {
  const path = (name: string) => out.path(name).replaceAll("'", "''");
  const parquet = await db.count(`SELECT count(*) FROM read_parquet('${path('dtks_corrected.parquet')}')`);
  const csv = await db.count(
    `SELECT count(*) FROM read_csv('${path('dtks_corrected.csv')}',
       header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', new_line = '\\n')`,
  );
  return { parquet, csv };
}
