import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { sha256File } from '../connectors/scan.js';
import { cellText, readXlsx, type XlsxCell } from '../connectors/xlsx.js';
import { KEPUTUSAN, KOLOM } from '../reports/labels.js';
import {
  DECISION_COLUMNS,
  rowCheck,
  SHEETS,
  type SheetName,
  WORKBOOK_FORMAT,
  WORKBOOK_FORMATS,
  type WorkbookFormat,
} from '../reports/workbook-file.js';
import { Db, sqlString } from './db.js';
import { REVIEW_DECISIONS_DDL } from './decide.js';
import { InputError } from './errors.js';
import type { Logger } from './logger.js';
import { installParseMacros } from './parse.js';
import { loadRegions } from './regions.js';

/**
 * The review loop's other half (SPEC §5): `padan apply-review` reads the workbooks dinas sosial send
 * back and merges their decisions into the decisions store; `padan run --decisions` loads the store
 * (`loadDecisions`) and the decide stage honours it.
 *
 * The store is one CSV across months, append-only: every decision with the workbook, sheet and row
 * it came from, the workbook's SHA-256 and when it was recorded; for one KUNCI the latest wins.
 * A workbook is checked whole before anything of it is stored: any invalid cell (an unknown key, a
 * value outside the list, PERBAIKI without a valid value, an edited locked column, a row added or
 * deleted) rejects it, with one line per problem; the other workbooks are still merged. A workbook
 * already in the store (same SHA-256) is skipped, so applying the same files twice changes nothing.
 */

/** Columns of the decisions store, in file order. */
export const DECISIONS_COLUMNS = [
  'kunci',
  'id_dtks',
  'rule',
  'keputusan',
  'field',
  'nilai_perbaikan',
  'catatan',
  'workbook',
  'workbook_sha256',
  'sheet',
  'row',
  'recorded_at',
  'run_id',
] as const;

/** A problem in a returned workbook, in the words of the operator who must fix it. */
export interface ReviewProblem {
  workbook: string;
  sheet: string;
  row: number | null;
  column: string | null;
  message: string;
}

export interface WorkbookOutcome {
  workbook: string;
  sha256: string;
  status: 'stored' | 'already stored' | 'rejected' | 'no decisions';
  decisions: Record<string, number>;
  problems: ReviewProblem[];
}

/** One decision read from a workbook row, before it is stored. */
interface Decision {
  kunci: string;
  id_dtks: string;
  rule: string;
  keputusan: (typeof KEPUTUSAN)[number];
  field: string | null;
  nilai_perbaikan: string | null;
  catatan: string | null;
  sheet: SheetName;
  row: number;
}

/** What a returned row's operator cells may hold (zod, as the config is checked). */
const OperatorCells = z.object({
  keputusan: z
    .string()
    .transform((v) => v.trim().toUpperCase())
    .pipe(z.enum(KEPUTUSAN, { message: `pilih salah satu: ${KEPUTUSAN.join(', ')}` }))
    .nullable(),
  nilai: z.string().max(200, 'paling banyak 200 karakter').nullable(),
  catatan: z.string().max(1000, 'paling banyak 1.000 karakter').nullable(),
});

const KUNCI_PATTERN = /^[a-z_.]+:[^:]+:[0-9a-f]{10}$/;
const FIELD_OF_LABEL = new Map(Object.entries(KOLOM).map(([field, label]) => [label, field]));

/** `--from` paths: workbooks, or folders searched for `*.xlsx` (a run folder's `regions/`). */
async function workbookPaths(from: string[]): Promise<string[]> {
  const found: string[] = [];
  const walk = async (path: string): Promise<void> => {
    const info = await stat(path).catch(() => null);
    if (!info) throw new InputError(`--from ${path}: not found`, path);
    if (info.isDirectory()) {
      for (const name of (await readdir(path)).sort()) {
        if (name.startsWith('.')) continue;
        const child = join(path, name);
        const s = await stat(child);
        if (s.isDirectory() || name.toLowerCase().endsWith('.xlsx')) await walk(child);
      }
    } else found.push(resolve(path));
  };
  for (const p of from) await walk(p);
  return [...new Set(found)];
}

/** The layout format a workbook's `_padan` sheet gives, if apply-review reads it. */
function formatOf(meta: Map<string, string>): WorkbookFormat | undefined {
  return WORKBOOK_FORMATS.find((f) => meta.get('format') === String(f));
}

/**
 * Read and check one returned workbook, row by row as it streams (a kab's workbook may hold
 * hundreds of thousands of rows: only its decisions are kept). Returns the decisions, or the
 * problems (then nothing of it may be stored).
 */
async function readWorkbook(
  path: string,
  validate: Db,
): Promise<{ decisions: Decision[]; problems: ReviewProblem[]; runId: string | null }> {
  const workbook = basename(path);
  const problems: ReviewProblem[] = [];
  const problem = (sheet: string, row: number | null, column: string | null, message: string) =>
    problems.push({ workbook, sheet, row, column, message });
  const meta = new Map<string, string>();
  const rowsSeen = new Map<string, number>();
  const decisions: Decision[] = [];
  const candidates: { i: number; field: string; value: string }[] = [];
  const seen = new Set<string>();
  let names: string[];
  try {
    names = await readXlsx(
      path,
      (name) => {
        if (name === '_padan') {
          return (row) => {
            const [k, v] = row.cells.map((c) => cellText(c).text);
            if (k) meta.set(k, v ?? '');
          };
        }
        if (!(name in SHEETS)) return null;
        const sheet = name as SheetName;
        rowsSeen.set(sheet, 0);
        const columns = SHEETS[sheet];
        const expected = [...columns.map((c) => c.header), ...DECISION_COLUMNS];
        let headerOk = false;
        return (row) => {
          if (row.number === 1) {
            const header = row.cells.map((c) => (cellText(c).text ?? '').trim());
            headerOk = header.slice(0, expected.length).join('\u0000') === expected.join('\u0000');
            if (!headerOk)
              problem(sheet, 1, null, 'baris judul kolom diubah (kolom ditambah, dihapus atau dipindah)');
            return;
          }
          if (!headerOk || !row.cells.some((c) => cellText(c).text !== null)) return;
          rowsSeen.set(sheet, (rowsSeen.get(sheet) ?? 0) + 1);
          checkRow(sheet, row, expected);
        };
      },
      // `_padan` first: its format says how the rows' check codes are made.
      { first: '_padan' },
    );
  } catch (error) {
    problem(
      '-',
      null,
      null,
      `berkas tidak dapat dibaca sebagai .xlsx (${(error as Error).message.split('\n')[0]})`,
    );
    return { decisions: [], problems, runId: null };
  }
  if (!names.includes('_padan') || formatOf(meta) === undefined) {
    return {
      decisions: [],
      problems: [
        {
          workbook,
          sheet: '-',
          row: null,
          column: null,
          message: 'bukan berkas kerja padan (lembar _padan tidak ada atau formatnya lain)',
        },
      ],
      runId: null,
    };
  }
  for (const sheet of Object.keys(SHEETS) as SheetName[]) {
    if (!rowsSeen.has(sheet)) {
      problem(sheet, null, null, 'lembar tidak ada');
      continue;
    }
    const declared = Number(meta.get(`rows ${sheet}`));
    const n = rowsSeen.get(sheet) ?? 0;
    if (Number.isFinite(declared) && n !== declared) {
      problem(
        sheet,
        null,
        null,
        `berisi ${n} baris data, seharusnya ${declared}: baris ditambah atau dihapus`,
      );
    }
  }
  // PERBAIKI values are validated like input: the same parsers the run uses.
  for (const { i, message } of await invalidValues(validate, candidates)) {
    const d = decisions[i] as Decision;
    problem(d.sheet, d.row, 'NILAI PERBAIKAN', message);
  }
  problems.sort((a, b) => a.sheet.localeCompare(b.sheet) || (a.row ?? 0) - (b.row ?? 0));
  return { decisions, problems, runId: meta.get('run_id') ?? null };

  /** One data row: its check code, key and the operator's cells. */
  function checkRow(sheet: SheetName, row: { number: number; cells: XlsxCell[] }, expected: string[]): void {
    const columns = SHEETS[sheet];
    const at = (name: string) => expected.indexOf(name);
    const text = (i: number) => cellText(row.cells[i] ?? null);
    // The locked cells as written: text, numbers as numbers, dates as YYYY-MM-DD.
    const locked = columns
      .filter((c) => c.key !== 'cek')
      .map((c) => {
        const cell = text(at(c.header));
        if (cell.text === null) return null;
        if (c.kind === 'number' && cell.kind === 'number') return Number(cell.text);
        // A date column may come back as the serial day (exceljs reads its own dates so).
        if (c.kind === 'date' && cell.kind === 'number') return excelSerialDate(Number(cell.text));
        return cell.text;
      });
    const check = text(at('KODE CEK')).text ?? '';
    const expectedCheck = rowCheck(sheet, locked, formatOf(meta) ?? WORKBOOK_FORMAT);
    if (check !== expectedCheck) {
      const [, got = ''] = check.split('.');
      const [, want = ''] = expectedCheck.split('.');
      const edited = columns.filter(
        (c, i) => c.key !== 'cek' && got.slice(2 * i, 2 * i + 2) !== want.slice(2 * i, 2 * i + 2),
      );
      if (!check) problem(sheet, row.number, 'KODE CEK', 'baris ini tidak dibuat oleh padan (ditambahkan?)');
      else if (edited.length === 0 || edited.length === columns.length - 1)
        problem(sheet, row.number, null, 'kolom yang terkunci diubah');
      else for (const c of edited) problem(sheet, row.number, c.header, 'kolom yang terkunci diubah');
      return;
    }
    const kunci = text(at('KUNCI')).text ?? '';
    if (!KUNCI_PATTERN.test(kunci)) {
      problem(sheet, row.number, 'KUNCI', 'KUNCI tidak dikenal');
      return;
    }
    if (seen.has(kunci)) {
      problem(sheet, row.number, 'KUNCI', 'KUNCI yang sama muncul dua kali');
      return;
    }
    seen.add(kunci);
    const operator = DECISION_COLUMNS.map((h) => text(at(h)));
    for (const [k, cell] of operator.entries()) {
      if (cell.kind === 'formula')
        problem(sheet, row.number, DECISION_COLUMNS[k] as string, 'berisi rumus; tulis nilainya saja');
    }
    const parsed = OperatorCells.safeParse({
      keputusan: operator[0]?.text ?? null,
      nilai: operator[1]?.text ?? null,
      catatan: operator[2]?.text ?? null,
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const column = (
          { keputusan: 'KEPUTUSAN', nilai: 'NILAI PERBAIKAN', catatan: 'CATATAN' } as Record<string, string>
        )[String(issue.path[0])];
        problem(sheet, row.number, column ?? null, issue.message);
      }
      return;
    }
    const { keputusan, nilai, catatan } = parsed.data;
    const fieldLabel = text(at('KOLOM DIPERBAIKI')).text;
    const field = fieldLabel ? (FIELD_OF_LABEL.get(fieldLabel) ?? null) : null;
    if (keputusan === null) {
      if (nilai !== null) problem(sheet, row.number, 'NILAI PERBAIKAN', 'diisi tanpa KEPUTUSAN PERBAIKI');
      return;
    }
    if (keputusan === 'PERBAIKI') {
      if (!field) {
        problem(
          sheet,
          row.number,
          'KEPUTUSAN',
          'PERBAIKI tidak berlaku untuk temuan ini (KOLOM DIPERBAIKI kosong); pilih SETUJU atau TOLAK',
        );
        return;
      }
      if (nilai === null || nilai.trim() === '') {
        problem(sheet, row.number, 'NILAI PERBAIKAN', 'PERBAIKI tanpa nilai; tulis nilai yang benar');
        return;
      }
      if (operator[1]?.kind === 'number' && (field === 'nik' || field === 'no_kk')) {
        problem(
          sheet,
          row.number,
          'NILAI PERBAIKAN',
          `${fieldLabel} harus diketik sebagai teks (Excel membulatkan angka panjang)`,
        );
        return;
      }
      candidates.push({ i: decisions.length, field, value: nilai });
    } else if (nilai !== null) {
      problem(
        sheet,
        row.number,
        'NILAI PERBAIKAN',
        `diisi dengan KEPUTUSAN ${keputusan}; hanya PERBAIKI yang memakai nilai`,
      );
      return;
    }
    const [rule = '', idDtks = ''] = kunci.split(':');
    decisions.push({
      kunci,
      id_dtks: idDtks,
      rule,
      keputusan,
      field: keputusan === 'PERBAIKI' ? field : null,
      nilai_perbaikan: keputusan === 'PERBAIKI' ? (nilai as string).trim() : null,
      catatan: catatan?.trim() || null,
      sheet,
      row: row.number,
    });
  }
}

/** An Excel serial day (1900 system, 25569 = 1970-01-01) as YYYY-MM-DD. */
function excelSerialDate(serial: number): string {
  return new Date(Math.round((serial - 25569) * 86_400_000)).toISOString().slice(0, 10);
}

/** PERBAIKI values the run's parsers would not accept, with what is wrong (never the value itself). */
async function invalidValues(
  db: Db,
  values: { i: number; field: string; value: string }[],
): Promise<{ i: number; field: string; message: string }[]> {
  if (values.length === 0) return [];
  await db.exec('CREATE OR REPLACE TABLE _nilai (i INTEGER, field VARCHAR, value VARCHAR)');
  const appender = await db.connection.createAppender('_nilai');
  for (const v of values) {
    appender.appendInteger(v.i);
    appender.appendVarchar(v.field);
    appender.appendVarchar(v.value);
    appender.endRow();
  }
  appender.closeSync();
  return db.all<{ i: number; field: string; message: string }>(`
    SELECT i, field, message FROM (
      SELECT i, field, CASE field
        WHEN 'nik' THEN CASE
          WHEN padan_nik_bentuk(value) <> 'ANGKA16' THEN 'NIK harus 16 angka'
          WHEN padan_nik_placeholder(padan_nik_bersih(value)) THEN 'NIK berupa angka pengisi, bukan NIK sebenarnya'
          WHEN padan_nik_serial(padan_nik_bersih(value)) = '0000' THEN 'nomor urut NIK 0000 tidak valid' END
        WHEN 'no_kk' THEN CASE WHEN padan_nik_bentuk(value) <> 'ANGKA16' THEN 'Nomor KK harus 16 angka' END
        WHEN 'tgl_lahir' THEN CASE WHEN padan_tanggal(value) IS NULL THEN 'tanggal tidak terbaca; tulis HH-BB-TTTT' END
        WHEN 'jenis_kelamin' THEN CASE WHEN padan_jenis_kelamin(value) IS NULL THEN 'tulis L atau P' END
        WHEN 'kode_desa' THEN CASE WHEN padan_kode_titik(value) NOT IN (SELECT kode FROM ref_desa) OR padan_kode_titik(value) IS NULL
          THEN 'kode desa tidak ada dalam daftar Kemendagri' END
        ELSE CASE WHEN padan_teks(value) IS NULL THEN 'nilai kosong' END
      END AS message FROM _nilai)
    WHERE message IS NOT NULL ORDER BY i`);
}

/** The store as it is (empty when the file does not exist yet). */
async function readStore(db: Db, path: string): Promise<void> {
  await db.exec(`DROP TABLE IF EXISTS review_decisions; ${REVIEW_DECISIONS_DDL}`);
  const exists = await stat(path)
    .then((s) => s.isFile())
    .catch(() => false);
  if (!exists) return;
  const columns = DECISIONS_COLUMNS.map((c) => `'${c}': 'VARCHAR'`).join(', ');
  try {
    await db.exec(`INSERT INTO review_decisions
      SELECT kunci, id_dtks, rule, keputusan, field, nilai_perbaikan, catatan, workbook, workbook_sha256, sheet,
        CAST("row" AS BIGINT), CAST(recorded_at AS TIMESTAMP), run_id
      FROM read_csv(${sqlString(path)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
        columns = {${columns}}, strict_mode = true)`);
  } catch (error) {
    throw new InputError(
      `--decisions ${path}: not a readable decisions store (${(error as Error).message.split('\n')[0]}); it is written by padan apply-review`,
      path,
    );
  }
}

/** Load the store into a run's database (table `review_decisions`); a missing file is an error. */
export async function loadDecisions(db: Db, path: string): Promise<number> {
  const exists = await stat(path)
    .then((s) => s.isFile())
    .catch(() => false);
  if (!exists) {
    throw new InputError(
      `--decisions ${path}: not found; padan apply-review creates it from returned workbooks`,
      path,
    );
  }
  await readStore(db, path);
  return db.count('SELECT count(*) FROM review_decisions');
}

/**
 * Merge the decisions of returned workbooks into the store. Each workbook is checked whole; the
 * valid ones are appended, the store rewritten through a temporary file.
 */
export async function applyReview(options: {
  from: string[];
  decisions: string;
  logger: Logger;
  regions?: string;
  now?: Date;
}): Promise<WorkbookOutcome[]> {
  const paths = await workbookPaths(options.from);
  if (paths.length === 0) throw new InputError(`--from ${options.from.join(' ')}: no .xlsx workbook found`);
  const store = resolve(options.decisions);
  const db = await Db.open({ path: ':memory:' });
  try {
    await installParseMacros(db);
    await loadRegions(db, options.regions);
    await readStore(db, store);
    const known = new Set(
      (await db.all<{ s: string }>('SELECT DISTINCT workbook_sha256 AS s FROM review_decisions')).map(
        (r) => r.s,
      ),
    );
    const recordedAt = (options.now ?? new Date()).toISOString().slice(0, 19).replace('T', ' ');
    const outcomes: WorkbookOutcome[] = [];
    await db.exec('CREATE OR REPLACE TABLE _new AS SELECT * FROM review_decisions LIMIT 0');
    for (const path of paths) {
      const { sha256 } = await sha256File(path);
      const name = basename(path);
      if (known.has(sha256)) {
        outcomes.push({ workbook: name, sha256, status: 'already stored', decisions: {}, problems: [] });
        continue;
      }
      const { decisions, problems, runId } = await readWorkbook(path, db);
      const counts: Record<string, number> = {};
      for (const d of decisions) counts[d.keputusan] = (counts[d.keputusan] ?? 0) + 1;
      if (problems.length > 0) {
        outcomes.push({ workbook: name, sha256, status: 'rejected', decisions: counts, problems });
        continue;
      }
      if (decisions.length === 0) {
        outcomes.push({ workbook: name, sha256, status: 'no decisions', decisions: counts, problems });
        continue;
      }
      const appender = await db.connection.createAppender('_new');
      for (const d of decisions) {
        appender.appendVarchar(d.kunci);
        appender.appendVarchar(d.id_dtks);
        appender.appendVarchar(d.rule);
        appender.appendVarchar(d.keputusan);
        if (d.field === null) appender.appendNull();
        else appender.appendVarchar(d.field);
        if (d.nilai_perbaikan === null) appender.appendNull();
        else appender.appendVarchar(d.nilai_perbaikan);
        if (d.catatan === null) appender.appendNull();
        else appender.appendVarchar(d.catatan);
        appender.appendVarchar(name);
        appender.appendVarchar(sha256);
        appender.appendVarchar(d.sheet);
        appender.appendBigInt(BigInt(d.row));
        appender.appendVarchar(recordedAt);
        appender.appendVarchar(runId ?? '');
        appender.endRow();
      }
      appender.closeSync();
      known.add(sha256);
      outcomes.push({ workbook: name, sha256, status: 'stored', decisions: counts, problems });
    }
    if (outcomes.some((o) => o.status === 'stored')) await writeStore(db, store);
    for (const o of outcomes) {
      options.logger.info(
        { workbook: o.workbook, status: o.status, decisions: o.decisions, problems: o.problems.length },
        'workbook',
      );
    }
    return outcomes;
  } finally {
    db.close();
  }
}

/** The store with the new decisions appended, through a temporary file. */
async function writeStore(db: Db, store: string): Promise<void> {
  await mkdir(dirname(store), { recursive: true });
  const tmp = `${store}.padan-tmp-${process.pid}`;
  const cols = DECISIONS_COLUMNS.map((c) =>
    c === 'recorded_at' ? `strftime(recorded_at, '%Y-%m-%d %H:%M:%S') AS recorded_at` : `"${c}"`,
  ).join(', ');
  try {
    await db.exec(`COPY (
      SELECT ${cols} FROM (SELECT * FROM review_decisions UNION ALL SELECT * FROM _new)
      ORDER BY recorded_at, workbook, sheet, "row", kunci
    ) TO ${sqlString(tmp)} (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"')`);
    await rename(tmp, store);
  } finally {
    await rm(tmp, { force: true });
  }
}

/** One line per problem, as `padan apply-review` prints it. */
export function formatProblem(p: ReviewProblem): string {
  const where = [
    p.sheet !== '-' ? `lembar ${p.sheet}` : null,
    p.row ? `baris ${p.row}` : null,
    p.column ? `kolom ${p.column}` : null,
  ]
    .filter(Boolean)
    .join(', ');
  return `${p.workbook}${where ? `: ${where}` : ''}: ${p.message}`;
}
