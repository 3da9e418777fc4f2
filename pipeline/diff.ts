import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { OutputDir } from '../reports/report.js';
import { Db, sqlString } from './db.js';
import { UsageError } from './errors.js';

/**
 * `padan diff PREVIOUS CURRENT` (SPEC §6): what changed from one month's run to the next. Findings
 * are matched on (id_dtks, rule, reason, field): new ones are BARU, gone ones SELESAI, the others
 * TETAP. Statuses are compared on id_dtks: a row active now that was deactivated last month is
 * AKTIF_KEMBALI (always listed: a deactivated member back in the input is a question), a row
 * deactivated now that was not is NONAKTIF_BARU. Reads only the two folders' files.
 */
export const DIFF_COLUMNS = [
  'id_dtks',
  'kode_desa',
  'change',
  'reason_before',
  'reason_after',
  'rule',
] as const;
export const CHANGES = ['BARU', 'SELESAI', 'TETAP', 'AKTIF_KEMBALI', 'NONAKTIF_BARU'] as const;

export interface DiffResult {
  previous: string;
  current: string;
  outDir: string;
  counts: Record<string, number>;
  byReason: Record<string, Record<string, number>>;
}

async function completeRun(dir: string, which: string): Promise<{ runId: string; referenceDate: string }> {
  const manifest = join(dir, 'manifest.json');
  if (!existsSync(manifest)) {
    throw new UsageError(
      `${which} ${dir}: not a complete run folder (no manifest.json); pass two folders padan run completed`,
    );
  }
  const m = JSON.parse(await readFile(manifest, 'utf8')) as { run_id: string; reference_date: string };
  for (const f of ['findings.parquet', 'dtks_corrected.parquet']) {
    if (!existsSync(join(dir, f)))
      throw new UsageError(`${which} ${dir}: ${f} is missing; not a complete run`);
  }
  return { runId: m.run_id, referenceDate: m.reference_date };
}

export async function diffRuns(options: {
  previous: string;
  current: string;
  out?: string;
}): Promise<DiffResult> {
  const previous = resolve(options.previous);
  const current = resolve(options.current);
  const before = await completeRun(previous, 'PREVIOUS_RUN_DIR');
  const after = await completeRun(current, 'CURRENT_RUN_DIR');
  const outDir = resolve(options.out ?? current);
  const db = await Db.open({ path: ':memory:' });
  try {
    const pq = (dir: string, f: string) => `read_parquet(${sqlString(join(dir, f))})`;
    await db.exec(`
      -- One row per finding key (a rule may say two things about one row). The diff is of members:
      -- a finding about a region (REGION_OUTLIER, no id_dtks) is not one.
      CREATE TABLE f0 AS SELECT id_dtks, rule, reason, coalesce(field, '') AS field, min(kode_desa) AS kode_desa
        FROM ${pq(previous, 'findings.parquet')} WHERE id_dtks IS NOT NULL GROUP BY ALL;
      CREATE TABLE f1 AS SELECT id_dtks, rule, reason, coalesce(field, '') AS field, min(kode_desa) AS kode_desa
        FROM ${pq(current, 'findings.parquet')} WHERE id_dtks IS NOT NULL GROUP BY ALL;
      CREATE TABLE s0 AS SELECT id_dtks, kode_desa, status, status_reason FROM ${pq(previous, 'dtks_corrected.parquet')};
      CREATE TABLE s1 AS SELECT id_dtks, kode_desa, status, status_reason FROM ${pq(current, 'dtks_corrected.parquet')};
      -- The rule that deactivated a row: the finding of its status reason.
      CREATE TABLE r1 AS SELECT s1.id_dtks, min(f1.rule) AS rule FROM s1 JOIN f1 ON f1.id_dtks = s1.id_dtks AND f1.reason = s1.status_reason GROUP BY 1;
      CREATE TABLE r0 AS SELECT s0.id_dtks, min(f0.rule) AS rule FROM s0 JOIN f0 ON f0.id_dtks = s0.id_dtks AND f0.reason = s0.status_reason GROUP BY 1;
      CREATE TABLE diff AS
      SELECT * FROM (
        SELECT coalesce(a.id_dtks, b.id_dtks) AS id_dtks, coalesce(a.kode_desa, b.kode_desa) AS kode_desa,
          CASE WHEN b.id_dtks IS NULL THEN 'BARU' WHEN a.id_dtks IS NULL THEN 'SELESAI' ELSE 'TETAP' END AS change,
          b.reason AS reason_before, a.reason AS reason_after, coalesce(a.rule, b.rule) AS rule
        FROM f1 a FULL JOIN f0 b USING (id_dtks, rule, reason, field)
        UNION ALL
        SELECT s1.id_dtks, s1.kode_desa, 'AKTIF_KEMBALI', s0.status_reason, NULL, r0.rule
        FROM s1 JOIN s0 USING (id_dtks) LEFT JOIN r0 USING (id_dtks)
        WHERE s0.status = 'NONAKTIF' AND s1.status = 'AKTIF'
        UNION ALL
        SELECT s1.id_dtks, s1.kode_desa, 'NONAKTIF_BARU', s0.status_reason, s1.status_reason, r1.rule
        FROM s1 LEFT JOIN s0 USING (id_dtks) LEFT JOIN r1 USING (id_dtks)
        WHERE s1.status = 'NONAKTIF' AND coalesce(s0.status, 'AKTIF') = 'AKTIF'
      )
      ORDER BY change, id_dtks, rule, reason_before NULLS FIRST, reason_after NULLS FIRST;`);
    // Through temporary names, as every output: a reader never sees half a file.
    const out = new OutputDir(outDir);
    await out.copy(db, 'diff.csv', `SELECT ${DIFF_COLUMNS.join(', ')} FROM diff`, 'csv');
    const counts = Object.fromEntries(CHANGES.map((c) => [c, 0])) as Record<string, number>;
    for (const r of await db.all<{ change: string; n: number }>(
      'SELECT change, count(*) AS n FROM diff GROUP BY 1',
    )) {
      counts[r.change] = r.n;
    }
    const byReason: Record<string, Record<string, number>> = {};
    for (const r of await db.all<{ change: string; reason: string; n: number }>(`
      SELECT change, coalesce(reason_after, reason_before, rule) AS reason, count(*) AS n
      FROM diff GROUP BY ALL ORDER BY change, reason`)) {
      byReason[r.change] ??= {};
      (byReason[r.change] as Record<string, number>)[r.reason] = r.n;
    }
    const byRegion = async (length: number) => {
      const rows = await db.all<{ kode: string | null; change: string; n: number }>(`
        SELECT left(kode_desa, ${length}) AS kode, change, count(*) AS n FROM diff GROUP BY ALL ORDER BY kode NULLS LAST, change`);
      const out: Record<string, Record<string, number>> = {};
      for (const r of rows) {
        const k = r.kode ?? '(tidak dikenali)';
        out[k] ??= {};
        (out[k] as Record<string, number>)[r.change] = r.n;
      }
      return out;
    };
    const json = {
      previous: { dir: previous, run_id: before.runId, reference_date: before.referenceDate },
      current: { dir: current, run_id: after.runId, reference_date: after.referenceDate },
      counts,
      by_reason: byReason,
      by_provinsi: await byRegion(2),
      by_kabupaten: await byRegion(5),
    };
    await out.writeText('diff.json', `${JSON.stringify(json, null, 2)}\n`);
    return { previous, current, outDir, counts, byReason };
  } finally {
    db.close();
  }
}

/** The short table `padan diff` prints. */
export function formatDiff(d: DiffResult): string {
  const lines = [`padan diff: ${d.previous} → ${d.current}`];
  for (const c of CHANGES) {
    const reasons = Object.entries(d.byReason[c] ?? {})
      .map(([r, n]) => `${r} ${n}`)
      .join(', ');
    lines.push(`  ${c.padEnd(14)} ${String(d.counts[c] ?? 0).padStart(8)}${reasons ? `  (${reasons})` : ''}`);
  }
  lines.push(`  files          ${join(d.outDir, 'diff.csv')}, ${join(d.outDir, 'diff.json')}`);
  return `${lines.join('\n')}\n`;
}
