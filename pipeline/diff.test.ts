/**
 * `padan diff` on two runs a month apart: a generated population, then the same population a month
 * later with what Pusdatin and Dukcapil did in between (last month's deactivations and NIK
 * corrections applied in SIKS-NG; some new deaths and moves recorded by Dukcapil; one member who
 * moved back), and counts checked against what was changed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../fixtures/generator/index.js';
import { readCsvFile } from '../fixtures/generator/testing.js';
import { defaultConfig } from './config.js';
import { Db } from './db.js';
import { diffRuns } from './diff.js';
import { silentLogger } from './logger.js';
import { packageRoot } from './paths.js';
import { run } from './run.js';

type Row = Record<string, string>;
let dir: string;
let db: Db;
const config = () => ({ ...defaultConfig(), referenceDate: '2026-11-01' });

function writeCsv(path: string, rows: Row[], header: string[], delimiter: string): Promise<void> {
  const field = (v: string) => (/[",;\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return writeFile(
    path,
    `${[header.join(delimiter), ...rows.map((r) => header.map((h) => field(r[h] ?? '')).join(delimiter))].join('\n')}\n`,
  );
}

const month = (name: string, dtks: string, dukcapil: string) =>
  run({ dtks, dukcapil, out: join(dir, name), config: config(), logger: silentLogger(), threads: 2 });

/** What changed between the months, counted here. */
const changed = { deaths: [] as string[], moves: [] as string[], back: '' };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'padan-diff-'));
  db = await Db.open({ path: ':memory:' });
  await generate({
    households: 300,
    seed: 21,
    out: join(dir, 'pop'),
    profile: 'default',
    dukcapilExtra: 0.5,
    logger: silentLogger(),
  });
  await month('bulan1', join(dir, 'pop', 'dtks.csv'), join(dir, 'pop', 'dukcapil.csv'));

  const q = <T>(sql: string) => db.all<T>(sql);
  const out1 = join(dir, 'bulan1');
  const deactivated = await q<{ id_dtks: string; reason: string }>(
    `SELECT id_dtks, reason FROM read_csv('${join(out1, 'deactivate.csv')}', all_varchar = true)`,
  );
  const nikFixes = new Map(
    (
      await q<{ id_dtks: string; new_value: string }>(
        `SELECT id_dtks, new_value FROM read_csv('${join(out1, 'corrections.csv')}', all_varchar = true) WHERE field = 'nik'`,
      )
    ).map((r) => [r.id_dtks, r.new_value]),
  );
  // One member who moved comes back to the desa SIKS-NG has: kept in the export, domicile reverted.
  const movedBack = deactivated.find((d) => d.reason === 'MOVED');
  changed.back = movedBack?.id_dtks ?? '';

  // SIKS-NG a month later: deactivated rows gone (but the one who moved back), NIK fixes applied.
  const dtksRows = readCsvFile(join(dir, 'pop', 'dtks.csv'));
  const dtksHeader = Object.keys(dtksRows[0] as Row);
  const gone = new Set(deactivated.map((d) => d.id_dtks).filter((id) => id !== changed.back));
  const dtks2 = dtksRows
    .filter((r) => !gone.has(r['ID DTKS'] as string))
    .map((r) =>
      nikFixes.has(r['ID DTKS'] as string)
        ? { ...r, 'NOMOR NIK': nikFixes.get(r['ID DTKS'] as string) as string }
        : r,
    );
  await writeCsv(join(dir, 'dtks2.csv'), dtks2, dtksHeader, ',');

  // Dukcapil a month later: five deaths and five moves among people confirmed, active and without
  // any other finding (so that each gives exactly one new deactivation), and the one moving back.
  const quiet = await q<{ id_dtks: string; nik: string; kode_desa: string }>(`
    SELECT c.id_dtks, c.nik, c.kode_desa FROM read_parquet('${join(out1, 'dtks_corrected.parquet')}') c
    WHERE c.status = 'AKTIF' AND c.nik IS NOT NULL AND c.hubungan_keluarga <> 'KEPALA KELUARGA'
      -- A region's finding (REGION_OUTLIER) has no id_dtks: NOT IN a list with a NULL is never true.
      AND c.id_dtks NOT IN (SELECT id_dtks FROM read_parquet('${join(out1, 'findings.parquet')}') WHERE id_dtks IS NOT NULL)
      AND c.nik IN (SELECT nik FROM read_parquet('${join(out1, 'dtks_corrected.parquet')}') GROUP BY nik HAVING count(*) = 1)
    ORDER BY c.id_dtks`);
  const dukcapilRows = readCsvFile(join(dir, 'pop', 'dukcapil.csv'), ';');
  const dukcapilHeader = Object.keys(dukcapilRows[0] as Row);
  const byNik = new Map(dukcapilRows.map((r) => [r.NIK as string, r]));
  const deaths = quiet.filter((_, i) => i % 7 === 0).slice(0, 5);
  const moves = quiet.filter((_, i) => i % 7 === 3).slice(0, 5);
  for (const d of deaths) {
    const r = byNik.get(d.nik) as Row;
    r.STAT_HIDUP = 'MATI';
    r.TGL_KEMATIAN = '2026-10-15';
    changed.deaths.push(d.id_dtks);
  }
  const villages = join(packageRoot(), 'reference', 'wilayah', 'villages.csv');
  for (const m of moves) {
    const r = byNik.get(m.nik) as Row;
    // To another desa of the same kecamatan, as the Kemendagri list has it.
    const other = await db.one<{ code: string }>(
      `SELECT code FROM read_csv('${villages}', all_varchar = true)
       WHERE district_code = '${m.kode_desa.slice(0, 8)}' AND code <> '${m.kode_desa}' ORDER BY code LIMIT 1`,
    );
    r.NO_KEL = String(Number(String(other?.code).slice(-4)));
    changed.moves.push(m.id_dtks);
  }
  if (movedBack) {
    const row = await db.one<{ nik: string; kode_desa: string }>(
      `SELECT nik, kode_desa FROM read_parquet('${join(out1, 'dtks_corrected.parquet')}') WHERE id_dtks = '${movedBack.id_dtks}'`,
    );
    const r = byNik.get(row?.nik as string) as Row;
    r.NO_KEL = String(Number(String(row?.kode_desa).slice(-4)));
  }
  await writeCsv(join(dir, 'dukcapil2.csv'), dukcapilRows, dukcapilHeader, ';');
  await month('bulan2', join(dir, 'dtks2.csv'), join(dir, 'dukcapil2.csv'));
});
afterAll(async () => {
  db?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('padan diff', () => {
  it('counts what changed in a month', async () => {
    const d = await diffRuns({
      previous: join(dir, 'bulan1'),
      current: join(dir, 'bulan2'),
      out: join(dir, 'diff'),
    });
    const rows = await db.all<Record<string, string | null>>(
      `SELECT * FROM read_csv('${join(dir, 'diff', 'diff.csv')}', all_varchar = true)`,
    );
    const of = (change: string) => rows.filter((r) => r.change === change);
    // Every new deactivation is one of the deaths or moves recorded, with its reason.
    expect(
      of('NONAKTIF_BARU')
        .map((r) => [r.id_dtks, r.reason_after])
        .sort(),
    ).toEqual(
      [...changed.deaths.map((id) => [id, 'DECEASED']), ...changed.moves.map((id) => [id, 'MOVED'])].sort(),
    );
    // The member who moved back is active again, and listed.
    expect(of('AKTIF_KEMBALI').map((r) => [r.id_dtks, r.reason_before])).toEqual([[changed.back, 'MOVED']]);
    // Last month's NIK corrections were applied in SIKS-NG: none of them is raised again.
    const corrected = await db.all<{ id_dtks: string }>(
      `SELECT DISTINCT id_dtks FROM read_csv('${join(dir, 'bulan1', 'corrections.csv')}', all_varchar = true) WHERE reason = 'NIK_CORRECTED'`,
    );
    const persisting = new Set(
      of('TETAP')
        .filter((r) => r.reason_after === 'NIK_CORRECTED')
        .map((r) => r.id_dtks),
    );
    expect(corrected.filter((c) => persisting.has(c.id_dtks))).toEqual([]);
    // The deactivated rows left the export: their findings are resolved.
    const goneFindings = await db.count(`
      SELECT count(*) FROM (SELECT DISTINCT id_dtks, rule, reason, coalesce(field, '')
        FROM read_parquet('${join(dir, 'bulan1', 'findings.parquet')}')
        WHERE id_dtks IN (SELECT id_dtks FROM read_csv('${join(dir, 'bulan1', 'deactivate.csv')}', all_varchar = true))
          AND id_dtks <> '${changed.back}')`);
    expect(of('SELESAI').length).toBeGreaterThanOrEqual(goneFindings);
    expect(d.counts.NONAKTIF_BARU).toBe(changed.deaths.length + changed.moves.length);
    expect(d.counts.AKTIF_KEMBALI).toBe(1);
    const json = JSON.parse(await readFile(join(dir, 'diff', 'diff.json'), 'utf8'));
    expect(json.counts).toEqual(d.counts);
    expect(json.by_reason.NONAKTIF_BARU).toEqual({
      DECEASED: changed.deaths.length,
      MOVED: changed.moves.length,
    });
  });

  it('refuses, with exit 2, a folder that is not a complete run', async () => {
    const bin = join(packageRoot(), 'dist', 'bin', 'padan.js');
    const r = spawnSync(process.execPath, [bin, 'diff', join(dir, 'pop'), join(dir, 'bulan2')], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/PREVIOUS_RUN_DIR .*pop: not a complete run folder \(no manifest\.json\)/);
    const ok = spawnSync(
      process.execPath,
      [bin, 'diff', join(dir, 'bulan1'), join(dir, 'bulan2'), '--out', join(dir, 'diff-cli')],
      {
        encoding: 'utf8',
      },
    );
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/NONAKTIF_BARU\s+10\s+\(DECEASED 5, MOVED 5\)/);
  });
});
