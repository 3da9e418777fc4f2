/**
 * The review loop end to end (SPEC §5), with an independent reader and writer of the workbooks:
 * Debian's python3-openpyxl (installed by `.ci/run`), never exceljs, which wrote them. A run writes
 * the district workbooks; openpyxl checks what an operator gets (text NIKs, a drop-down, protection,
 * no formula) and fills decisions as an operator would; `padan apply-review` stores them; the next
 * `padan run --decisions` honours them row by row.
 */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readZipEntries } from '../connectors/xlsx.js';
import { loadConfig } from './config.js';
import { Db } from './db.js';
import { silentLogger } from './logger.js';
import { packageRoot } from './paths.js';
import { run } from './run.js';

const ROOT = packageRoot();
const SAMPLE = join(ROOT, 'fixtures', 'sample');
const BIN = join(ROOT, 'dist', 'bin', 'padan.js');
/** Debian's interpreter: python3-openpyxl installs for it, not for another python3 on the PATH. */
const PYTHON = '/usr/bin/python3';
const HELPER = join(ROOT, 'fixtures', 'review', 'workbook.py');
const HOSTILE = '=HYPERLINK("http://contoh.test","klik")';

let dir: string;
let db: Db;

interface Cell {
  v: string | number | null;
  t: string;
  fmt: string;
  locked: boolean;
}
interface Sheet {
  name: string;
  state: string;
  protected: boolean;
  password: string | null;
  freeze: string | null;
  auto_filter: string | null;
  validations: { type: string; formula: string; sqref: string }[];
  columns: Record<string, { hidden: boolean; width: number }>;
  header: string[];
  rows: Cell[][];
}

function python(...args: string[]): string {
  const r = spawnSync(PYTHON, [HELPER, ...args], { encoding: 'utf8', cwd: tmpdir() });
  if (r.status !== 0) throw new Error(`workbook.py ${args[0]} failed: ${r.stderr || r.error}`);
  return r.stdout;
}

function inspect(path: string): Sheet[] {
  return (JSON.parse(python('inspect', path)) as { sheets: Sheet[] }).sheets;
}

type Edit = { sheet: string; where: Record<string, string>; set: Record<string, string> };
async function fill(from: string, to: string, plan: Edit[]): Promise<void> {
  const planPath = `${to}.plan.json`;
  await writeFile(planPath, JSON.stringify(plan));
  python('fill', from, to, planPath);
}

function padan(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PADAN_LOG_LEVEL: 'warn' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function runMonth(out: string, options: { dukcapil?: string; decisions?: string } = {}) {
  return run({
    dtks: join(dir, 'dtks.csv'),
    dukcapil: options.dukcapil ?? join(SAMPLE, 'dukcapil.csv'),
    out,
    config: await loadConfig(join(SAMPLE, 'config.json')),
    logger: silentLogger(),
    threads: 2,
    ...(options.decisions ? { decisions: options.decisions } : {}),
  });
}

const csv = (path: string) => `read_csv('${path}', all_varchar = true, header = true)`;

beforeAll(async () => {
  const probe = spawnSync(PYTHON, ['-c', 'import openpyxl'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(`${PYTHON} cannot import openpyxl: apt-get install -y python3-openpyxl (.ci/run does)`);
  }
  dir = await mkdtemp(join(tmpdir(), 'padan-review-'));
  // The sample, with names an operator's spreadsheet must not run as formulas.
  const lines = (await readFile(join(SAMPLE, 'dtks.csv'), 'utf8')).split('\n');
  const at = (id: string) => lines.findIndex((l) => l.startsWith(`${id},`));
  lines[at('DTKS00205')] = (lines[at('DTKS00205')] as string).replace(
    ',KARSINAH,',
    `,"${HOSTILE.replaceAll('"', '""')}",`,
  );
  lines[at('DTKS00206')] = (lines[at('DTKS00206')] as string).replace(',DIMAS ARYA,', ',@SUM(1+1),');
  // Control characters pasted into a name (33.76's one row): XML cannot hold them, so the workbook
  // gives the name back without them, and the untouched workbook must still count as untouched.
  lines[at('DTKS00168')] = (lines[at('DTKS00168')] as string).replace(
    ',RINA MARLINA,',
    ',RINA\u0001 MAR\u000bLINA\u007f,',
  );
  await writeFile(join(dir, 'dtks.csv'), lines.join('\n'));
  await runMonth(join(dir, 'bulan1'));
  db = await Db.open({ path: ':memory:' });
});
afterAll(async () => {
  db?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the district workbook, read by openpyxl', () => {
  it('holds the kab/kota rows with text NIKs and KKs, a drop-down, protection and no formula', async () => {
    const sheets = inspect(join(dir, 'bulan1', 'regions', '33.28.xlsx'));
    expect(sheets.map((s) => [s.name, s.state])).toEqual([
      ['Ringkasan', 'visible'],
      ['Nonaktif', 'visible'],
      ['Perbaikan', 'visible'],
      ['Verifikasi', 'visible'],
      ['_padan', 'veryHidden'],
    ]);
    const raw = new Map(
      (
        await db.all<{ id: string; nik: string | null; kk: string | null }>(
          `SELECT "ID DTKS" AS id, "NOMOR NIK" AS nik, "NOMOR KK" AS kk FROM read_csv('${join(dir, 'dtks.csv')}', all_varchar = true, header = true, strict_mode = false, ignore_errors = true)`,
        )
      ).map((r) => [r.id, r]),
    );
    for (const sheet of sheets.filter((s) => ['Nonaktif', 'Perbaikan', 'Verifikasi'].includes(s.name))) {
      const col = (h: string) => sheet.header.indexOf(h);
      expect(sheet.protected, sheet.name).toBe(true);
      expect(sheet.password, 'no password: anyone may view and unprotect').toBeNull();
      expect(sheet.freeze).toBe('D2');
      expect(sheet.auto_filter).toMatch(/^A1:/);
      const decision = String.fromCharCode(65 + col('KEPUTUSAN'));
      expect(sheet.validations).toEqual([
        { type: 'list', formula: '"SETUJU,TOLAK,PERBAIKI"', sqref: `${decision}2:${decision}1048576` },
      ]);
      expect(sheet.header.slice(-6)).toEqual([
        'KOLOM DIPERBAIKI',
        'KUNCI',
        'KODE CEK',
        'KEPUTUSAN',
        'NILAI PERBAIKAN',
        'CATATAN',
      ]);
      expect(sheet.columns[String.fromCharCode(65 + col('KODE CEK'))]?.hidden).toBe(true);
      expect(sheet.rows.length).toBeGreaterThan(0);
      for (const row of sheet.rows) {
        const id = row[col('ID DTKS')]?.v as string;
        // NIK and KK read back exactly as SIKS-NG holds them, as text cells.
        for (const [h, key] of [
          ['NIK', 'nik'],
          ['NOMOR KK', 'kk'],
        ] as const) {
          const cell = row[col(h)] as Cell;
          expect(cell.v ?? null, `${sheet.name} ${id} ${h}`).toBe(raw.get(id)?.[key] ?? null);
          if (cell.v !== null) expect(cell.t).toBe('s');
        }
        // A birth date that parsed is a date cell; one that did not stays the text SIKS-NG holds.
        const tgl = row[col('TANGGAL LAHIR')] as Cell;
        expect(
          tgl.t === 'd' || tgl.v === null || (tgl.t === 's' && !/^\d{4}-\d{2}-\d{2}$/.test(String(tgl.v))),
        ).toBe(true);
        for (const [i, cell] of row.entries()) {
          expect(cell.t, `${sheet.name} ${id} ${sheet.header[i]}`).not.toBe('f');
          expect(cell.locked).toBe(i < col('KEPUTUSAN'));
        }
      }
    }
    const verifikasi = sheets.find((s) => s.name === 'Verifikasi') as Sheet;
    const names = verifikasi.rows.map((r) => r[verifikasi.header.indexOf('NAMA')] as Cell);
    expect(names.find((c) => c.v === HOSTILE)?.t).toBe('s');
    expect(names.find((c) => c.v === '@SUM(1+1)')?.t).toBe('s');
  });

  it('writes its parts in the order of the OOXML schema, and the filter ranges Excel and LibreOffice read', async () => {
    const book = join(dir, 'bulan1', 'regions', '33.28.xlsx');
    const [sheet, workbook] = await readZipEntries(book, ['xl/worksheets/sheet2.xml', 'xl/workbook.xml']);
    const parts = [
      ...(sheet?.toString('utf8') ?? '').matchAll(
        /<(sheetData|sheetProtection|autoFilter|dataValidations|pageMargins)\b/g,
      ),
    ].map((m) => m[1]);
    // A protected sheet with its parts out of order is refused by Excel as damaged.
    expect(parts).toEqual(['sheetData', 'sheetProtection', 'autoFilter', 'dataValidations', 'pageMargins']);
    expect(workbook?.toString('utf8')).toContain(
      '<definedName name="_xlnm._FilterDatabase" localSheetId="1">&apos;Nonaktif&apos;!$A$1:$V$',
    );
  });

  it('shows the uncertain candidate to the operator, once per problem, in plain words', async () => {
    const sheets = inspect(join(dir, 'bulan1', 'regions', '33.28.xlsx'));
    const v = sheets.find((s) => s.name === 'Verifikasi') as Sheet;
    const col = (h: string) => v.header.indexOf(h);
    const rows = v.rows.filter((r) => r[col('ID DTKS')]?.v === 'DTKS00208');
    // The empty mother's name and the empty KK are two problems of their own.
    expect(rows.map((r) => r[col('ALASAN')]?.v)).toEqual([
      'Isian data janggal (FIELD_ANOMALY)',
      'Isian data janggal (FIELD_ANOMALY)',
      'Calon di Dukcapil belum pasti (MATCH_UNCERTAIN)',
    ]);
    const uncertain = rows[2] as Cell[];
    expect(uncertain[col('BUKTI')]?.v).toMatch(
      /^NIK kosong; ada calon di Dukcapil: nama yang satu memuat yang lain, /,
    );
    expect(uncertain[col('NIK CALON')]?.v).toMatch(/^\d{16}$/);
    expect(uncertain[col('NAMA CALON')]?.v).toBe('SLAMET RIYADI');
    expect(uncertain[col('KOLOM DIPERBAIKI')]?.v).toBe('NIK');
  });
});

describe('apply-review and the next run', () => {
  let store: string;
  let good: string;
  let bad: string;

  beforeAll(async () => {
    store = join(dir, 'keputusan', 'decisions.csv');
    const back = join(dir, 'kembali');
    await mkdir(back, { recursive: true });
    good = join(back, '33.28.xlsx');
    bad = join(back, '33.28-salah.xlsx');
    const book = join(dir, 'bulan1', 'regions', '33.28.xlsx');
    await fill(book, good, [
      {
        sheet: 'Nonaktif',
        where: { 'ID DTKS': 'DTKS00160' },
        set: { KEPUTUSAN: 'SETUJU', CATATAN: 'ada surat kematian' },
      },
      {
        sheet: 'Nonaktif',
        where: { 'ID DTKS': 'DTKS00189' },
        set: { KEPUTUSAN: 'TOLAK', CATATAN: 'masih hidup, dikunjungi' },
      },
      { sheet: 'Perbaikan', where: { 'ID DTKS': 'DTKS00213' }, set: { KEPUTUSAN: 'TOLAK' } },
      {
        sheet: 'Verifikasi',
        where: { 'ID DTKS': 'DTKS00205' },
        set: { KEPUTUSAN: 'PERBAIKI', 'NILAI PERBAIKAN': '3328024107800003', CATATAN: 'dari KTP' },
      },
      {
        sheet: 'Verifikasi',
        where: { 'ID DTKS': 'DTKS00208', ALASAN: 'Calon di Dukcapil belum pasti (MATCH_UNCERTAIN)' },
        set: { KEPUTUSAN: 'SETUJU' },
      },
    ]);
    // The same workbook filled badly: an invalid NIK, a value outside the list, an edited locked cell.
    await fill(book, bad, [
      { sheet: 'Nonaktif', where: { 'ID DTKS': 'DTKS00189' }, set: { KEPUTUSAN: 'SETUJU' } },
      { sheet: 'Nonaktif', where: { 'ID DTKS': 'DTKS00160' }, set: { KEPUTUSAN: 'MUNGKIN' } },
      {
        sheet: 'Verifikasi',
        where: { 'ID DTKS': 'DTKS00205' },
        set: { KEPUTUSAN: 'PERBAIKI', 'NILAI PERBAIKAN': '12345' },
      },
      { sheet: 'Perbaikan', where: { 'ID DTKS': 'DTKS00213' }, set: { 'NILAI BARU': '3328010000000000' } },
    ]);
    await copyFile(join(dir, 'bulan1', 'regions', '33.76.xlsx'), join(back, '33.76.xlsx'));
  });

  it('stores the good workbook, rejects the broken one whole with a line per problem, exit 3', async () => {
    const r = padan('apply-review', '--from', join(dir, 'kembali'), '--decisions', store);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/33\.28\.xlsx\s+stored \(PERBAIKI 1, SETUJU 2, TOLAK 2\)/);
    expect(r.stdout).toMatch(/33\.28-salah\.xlsx\s+REJECTED: 3 problems/);
    expect(r.stdout).toMatch(/33\.76\.xlsx\s+no decision filled in/);
    const problems = r.stderr.split('\n').filter((l) => l.startsWith('33.28-salah.xlsx'));
    expect(problems).toEqual([
      '33.28-salah.xlsx: lembar Nonaktif, baris 2, kolom KEPUTUSAN: pilih salah satu: SETUJU, TOLAK, PERBAIKI',
      expect.stringMatching(
        /^33\.28-salah\.xlsx: lembar Perbaikan, baris \d+, kolom NILAI BARU: kolom yang terkunci diubah$/,
      ),
      expect.stringMatching(
        /^33\.28-salah\.xlsx: lembar Verifikasi, baris \d+, kolom NILAI PERBAIKAN: NIK harus 16 angka$/,
      ),
    ]);
    // No value of anyone in what is printed.
    expect(r.stderr).not.toMatch(/\d{16}|12345|KARSINAH|TUMINAH/);
    const rows = await db.all<Record<string, string>>(
      `SELECT id_dtks, rule, keputusan, field, nilai_perbaikan, catatan, workbook, sheet FROM ${csv(store)} ORDER BY sheet, id_dtks`,
    );
    expect(rows).toEqual([
      expect.objectContaining({
        id_dtks: 'DTKS00160',
        rule: 'life.deceased',
        keputusan: 'SETUJU',
        catatan: 'ada surat kematian',
        workbook: '33.28.xlsx',
      }),
      expect.objectContaining({ id_dtks: 'DTKS00189', rule: 'life.deceased', keputusan: 'TOLAK' }),
      expect.objectContaining({ id_dtks: 'DTKS00213', rule: 'field.from_dukcapil', keputusan: 'TOLAK' }),
      expect.objectContaining({
        id_dtks: 'DTKS00205',
        rule: 'nik.structure',
        keputusan: 'PERBAIKI',
        field: 'nik',
        nilai_perbaikan: '3328024107800003',
        catatan: 'dari KTP',
      }),
      expect.objectContaining({ id_dtks: 'DTKS00208', rule: 'match.uncertain', keputusan: 'SETUJU' }),
    ]);
  });

  it('changes nothing when the same workbooks are applied again', async () => {
    const before = await readFile(store);
    const r = padan('apply-review', '--from', join(dir, 'kembali'), '--decisions', store);
    expect(r.code).toBe(3); // the broken one is still broken
    expect(r.stdout).toMatch(/33\.28\.xlsx\s+already stored \(same file\): nothing changed/);
    expect(await readFile(store)).toEqual(before);
  });

  it('honours the decisions in the next run, row by row', async () => {
    const out = join(dir, 'bulan2');
    const result = await runMonth(out, { decisions: store });
    const corrected = new Map(
      (
        await db.all<{ id_dtks: string; status: string; nik: string | null; no_kk: string | null }>(
          `SELECT id_dtks, status, nik, no_kk FROM ${csv(join(out, 'dtks_corrected.csv'))}`,
        )
      ).map((r) => [r.id_dtks, r]),
    );
    expect(corrected.get('DTKS00189')?.status).toBe('AKTIF'); // declined deactivation
    expect(corrected.get('DTKS00160')?.status).toBe('NONAKTIF'); // approved deactivation stands
    expect(corrected.get('DTKS00213')?.no_kk).toBe('3328010202090066'); // declined correction
    expect(corrected.get('DTKS00205')?.nik).toBe('3328024107800003'); // the operator's NIK
    const corrections = await db.all<Record<string, string>>(
      `SELECT id_dtks, field, new_value, reason, rule FROM ${csv(join(out, 'corrections.csv'))}
       WHERE id_dtks IN ('DTKS00205', 'DTKS00208', 'DTKS00213') ORDER BY id_dtks`,
    );
    expect(corrections).toEqual([
      {
        id_dtks: 'DTKS00205',
        field: 'nik',
        new_value: '3328024107800003',
        reason: 'NIK_CORRECTED',
        rule: 'review.decision',
      },
      {
        id_dtks: 'DTKS00208',
        field: 'nik',
        new_value: expect.stringMatching(/^3328\d{12}$/),
        reason: 'NIK_CORRECTED',
        rule: 'review.decision',
      },
    ]);
    const reviews = await db.all<{ id_dtks: string; reason: string }>(
      `SELECT id_dtks, reason FROM ${csv(join(out, 'review.csv'))} WHERE id_dtks IN ('DTKS00205', 'DTKS00208') ORDER BY ALL`,
    );
    // Decided items are resolved; the two field anomalies were not decided.
    expect(reviews).toEqual([
      { id_dtks: 'DTKS00208', reason: 'FIELD_ANOMALY' },
      { id_dtks: 'DTKS00208', reason: 'FIELD_ANOMALY' },
    ]);
    expect(result.summary.decisions).toEqual({ applied: 3, declined: 2, stale: 0, stale_kunci: [] });
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.decisions.decisions).toEqual({ applied: 3, declined: 2, stale: 0 });
  });

  it('lets a changed Dukcapil value make the old decision stale instead of applying it', async () => {
    // A later extract gives another date of death for the member whose deactivation was declined.
    const lines = (await readFile(join(SAMPLE, 'dukcapil.csv'), 'utf8')).split('\r\n');
    const k = lines.findIndex((l) => l.startsWith('3328025201740001;'));
    lines[k] = (lines[k] as string).replace(';2025-03-30', ';2025-04-02');
    const later = join(dir, 'dukcapil-bulan3.csv');
    await writeFile(later, lines.join('\r\n'));
    const out = join(dir, 'bulan3');
    const result = await runMonth(out, { dukcapil: later, decisions: store });
    const row = await db.one<{ status: string; status_reason: string }>(
      `SELECT status, status_reason FROM ${csv(join(out, 'dtks_corrected.csv'))} WHERE id_dtks = 'DTKS00189'`,
    );
    expect(row).toEqual({ status: 'NONAKTIF', status_reason: 'DECEASED' });
    expect(result.summary.decisions.stale).toBe(1);
    expect(result.summary.decisions.stale_kunci).toEqual([
      expect.stringMatching(/^life\.deceased:DTKS00189:[0-9a-f]{10}$/),
    ]);
  });
});

describe('a workbook of the earlier format 1, still coming back', () => {
  it('is checked with its own check codes: stored untouched, refused naming the edited column', async () => {
    // The sample's 33.28 as padan wrote it before format 2 (check codes with FNV-1a).
    const book = join(ROOT, 'fixtures', 'review', 'format1-33.28.xlsx');
    const back = join(dir, 'kembali-format1');
    await mkdir(back, { recursive: true });
    await fill(book, join(back, '33.28.xlsx'), [
      { sheet: 'Nonaktif', where: { 'ID DTKS': 'DTKS00160' }, set: { KEPUTUSAN: 'SETUJU' } },
    ]);
    await fill(book, join(back, '33.28-diubah.xlsx'), [
      {
        sheet: 'Nonaktif',
        where: { 'ID DTKS': 'DTKS00160' },
        set: { KEPUTUSAN: 'SETUJU', NAMA: 'NAMA LAIN' },
      },
    ]);
    const store = join(dir, 'keputusan-format1.csv');
    const r = padan('apply-review', '--from', back, '--decisions', store);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/33\.28\.xlsx\s+stored \(SETUJU 1\)/);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('33.28-diubah.xlsx'))).toEqual([
      expect.stringMatching(
        /^33\.28-diubah\.xlsx: lembar Nonaktif, baris \d+, kolom NAMA: kolom yang terkunci diubah$/,
      ),
    ]);
  });
});
