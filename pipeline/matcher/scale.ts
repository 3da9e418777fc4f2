/**
 * Scale check of the record-linkage core on synthetic Indonesian-like people: time per stage, candidate
 * pairs per left row, and peak memory (Node and DuckDB). Not a test: timings depend on the machine.
 *
 *   npm run build && node dist/pipeline/matcher/scale.js --left 200000 --right 300000 [--threads 2]
 *     [--memory-limit 4GB] [--temp-dir DIR]
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Db, sqlString } from '../db.js';
import { assignOneToOne } from './assign.js';
import { link } from './link.js';
import type { LinkResult, LinkSettings } from './settings.js';

function namesCsv(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'reference', 'names', 'nama-gender-combined.csv');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('reference/names/nama-gender-combined.csv not found');
    dir = parent;
  }
}

/**
 * `scale_r` (the population) and `scale_l`: 70% corrupted copies of population rows (`rid` says which),
 * 30% other people. Names are drawn from real Indonesian name-token frequencies, so common names are common.
 */
export async function createScaleTables(db: Db, leftRows: number, rightRows: number): Promise<void> {
  // One hash of a distinct string per draw; hash(i, key) would correlate draws sharing i.
  const h = (key: string) => `hash(i::VARCHAR || ':${key}')`;
  const p = (key: string) => `(${h(key)} % 1000000) / 1000000.0`;
  await db.exec(`
    CREATE OR REPLACE TEMP TABLE scale_names AS
    SELECT upper(nama) AS token, f + m AS w, sum(f + m) OVER (ORDER BY nama, f, m ROWS UNBOUNDED PRECEDING) - (f + m) AS cum
    FROM read_csv(${sqlString(namesCsv())}, header = true, columns = {'nama': 'VARCHAR', 'f': 'BIGINT', 'm': 'BIGINT'})
    WHERE f + m > 0 AND regexp_full_match(nama, '[a-z]+')`);
  const total = await db.count('SELECT sum(w) FROM scale_names');
  const people = (table: string, n: number, salt: string) => `
    CREATE OR REPLACE TABLE ${table} AS
    WITH d AS (
      SELECT i, ${h(`${salt}t1`)} % ${total} AS x1, ${h(`${salt}t2`)} % ${total} AS x2, ${p(`${salt}two`)} < 0.6 AS two,
        DATE '1940-01-01' + (${h(`${salt}dob`)} % 29000)::INTEGER AS dob0, ${p(`${salt}def`)} < 0.05 AS default_date,
        ${h(`${salt}sex`)} % 2 = 0 AS female, (1100 + ${h(`${salt}kab`)} % 514)::VARCHAR AS kab,
        lpad((1 + ${h(`${salt}kec`)} % 30)::VARCHAR, 2, '0') AS kec, lpad((1 + ${h(`${salt}ser`)} % 9999)::VARCHAR, 4, '0') AS ser
      FROM range(${n}) t(i)
    ), n1 AS (SELECT d.*, n.token AS t1 FROM d ASOF JOIN scale_names n ON d.x1 >= n.cum),
    n2 AS (SELECT n1.*, n.token AS t2 FROM n1 ASOF JOIN scale_names n ON n1.x2 >= n.cum),
    dated AS (SELECT *, CASE WHEN default_date THEN make_date(year(dob0), 12, 31) ELSE dob0 END AS dob FROM n2)
    SELECT i AS id, t1 || CASE WHEN two THEN ' ' || t2 ELSE '' END AS nama, dob AS tgl_lahir,
      CASE WHEN female THEN 'P' ELSE 'L' END AS jk, kab,
      kab || kec || lpad((day(dob) + CASE WHEN female THEN 40 ELSE 0 END)::VARCHAR, 2, '0') || strftime(dob, '%m%y') || ser AS nik
    FROM dated ORDER BY i`;
  await db.exec(people('scale_r', rightRows, 'r'));
  await db.exec(people('scale_new', leftRows, 'n'));
  const copies = Math.round(leftRows * 0.7);
  await db.exec(`
    CREATE OR REPLACE TABLE scale_l AS
    WITH picked AS (
      -- Distinct population rows in a hashed order, so that each is copied at most once.
      SELECT id AS rid, row_number() OVER (ORDER BY hash(id::VARCHAR || ':pick'), id) - 1 AS i FROM scale_r
    ), src AS (
      SELECT t.i, p.rid FROM range(${leftRows}) t(i) LEFT JOIN (SELECT * FROM picked WHERE i < ${copies}) p ON p.i = t.i
    ), base AS (
      SELECT s.i, s.rid, coalesce(r.nama, n.nama) AS nama, coalesce(r.tgl_lahir, n.tgl_lahir) AS tgl_lahir,
        coalesce(r.jk, n.jk) AS jk, coalesce(r.kab, n.kab) AS kab, coalesce(r.nik, n.nik) AS nik
      FROM src s LEFT JOIN scale_r r ON r.id = s.rid LEFT JOIN scale_new n ON n.id = s.i
    )
    SELECT i AS id, rid,
      CASE WHEN rid IS NULL THEN nama
           -- a typo: one letter replaced
           WHEN ${p('xn')} < 0.10 THEN left(nama, (${h('np')} % length(nama))::INTEGER) || 'A' || substr(nama, (2 + ${h('np')} % length(nama))::INTEGER)
           -- a dropped token
           WHEN ${p('xn')} < 0.15 AND contains(nama, ' ') THEN split_part(nama, ' ', 1)
           ELSE nama END AS nama,
      CASE WHEN rid IS NULL THEN tgl_lahir
           WHEN ${p('xd')} < 0.03 THEN tgl_lahir + INTERVAL 1 YEAR
           WHEN ${p('xd')} < 0.06 THEN make_date(year(tgl_lahir), 12, 31)
           ELSE tgl_lahir END::DATE AS tgl_lahir,
      CASE WHEN rid IS NOT NULL AND ${p('xj')} < 0.02 THEN (CASE jk WHEN 'P' THEN 'L' ELSE 'P' END) ELSE jk END AS jk,
      CASE WHEN rid IS NOT NULL AND ${p('xk')} < 0.10 THEN (1100 + ${h('nk')} % 514)::VARCHAR ELSE kab END AS kab,
      CASE WHEN rid IS NULL THEN nik
           WHEN ${p('xi')} < 0.10 THEN NULL
           -- one mistyped digit
           WHEN ${p('xi')} < 0.20 THEN left(nik, (${h('npos')} % 16)::INTEGER) || (${h('nd')} % 10)::VARCHAR || substr(nik, (2 + ${h('npos')} % 16)::INTEGER)
           ELSE nik END AS nik
    FROM base ORDER BY i`);
  await db.exec('DROP TABLE scale_new; DROP TABLE scale_names');
}

const maskedNik = (col: string) =>
  `CASE WHEN length(${col}) = 16 THEN list_transform(range(1, 17), i -> left(${col}, i - 1) || '_' || substr(${col}, i + 1)) END`;

/** A padan-like configuration: NIK, name (term-frequency adjusted), birth date, sex, kab. */
export function scaleSettings(): LinkSettings {
  const jw = 'jaro_winkler_similarity(l.nama, r.nama)';
  return {
    left: { table: 'scale_l', id: 'id' },
    right: { table: 'scale_r', id: 'id' },
    prefix: 'scale',
    comparisons: [
      {
        name: 'nik',
        nullWhen: 'l.nik IS NULL OR r.nik IS NULL',
        levels: [
          { label: 'exact', when: 'l.nik = r.nik' },
          { label: 'one digit', when: 'levenshtein(l.nik, r.nik) = 1' },
        ],
      },
      {
        name: 'nama',
        nullWhen: 'l.nama IS NULL OR r.nama IS NULL',
        levels: [
          { label: 'exact', when: 'l.nama = r.nama', tf: { left: 'l.nama', right: 'r.nama' } },
          { label: 'jw ≥ 0.95', when: `${jw} >= 0.95` },
          { label: 'first token', when: "split_part(l.nama, ' ', 1) = split_part(r.nama, ' ', 1)" },
          { label: 'jw ≥ 0.85', when: `${jw} >= 0.85` },
        ],
      },
      {
        name: 'tgl_lahir',
        nullWhen: 'l.tgl_lahir IS NULL OR r.tgl_lahir IS NULL',
        levels: [
          // A default date (31 Dec) is common: frequency-adjusted.
          {
            label: 'exact',
            when: 'l.tgl_lahir = r.tgl_lahir',
            tf: { left: 'l.tgl_lahir', right: 'r.tgl_lahir' },
          },
          {
            label: 'year ±1',
            when: 'abs(year(l.tgl_lahir) - year(r.tgl_lahir)) <= 1 AND month(l.tgl_lahir) = month(r.tgl_lahir) AND day(l.tgl_lahir) = day(r.tgl_lahir)',
          },
          { label: 'same year', when: 'year(l.tgl_lahir) = year(r.tgl_lahir)' },
        ],
      },
      {
        name: 'jk',
        nullWhen: 'l.jk IS NULL OR r.jk IS NULL',
        levels: [{ label: 'exact', when: 'l.jk = r.jk' }],
      },
      {
        name: 'kab',
        nullWhen: 'l.kab IS NULL OR r.kab IS NULL',
        levels: [{ label: 'exact', when: 'l.kab = r.kab' }],
      },
    ],
    blocking: [
      {
        name: 'nik~1',
        leftKey: maskedNik('l.nik'),
        rightKey: maskedNik('r.nik'),
        maxBlockSize: 50,
        // NIK digits carry birth date and sex too.
        comparisons: ['nik', 'tgl_lahir', 'jk'],
      },
      {
        name: 'first name+dob',
        leftKey: "split_part(l.nama, ' ', 1) || '/' || l.tgl_lahir",
        rightKey: "split_part(r.nama, ' ', 1) || '/' || r.tgl_lahir",
        maxBlockSize: 50,
        comparisons: ['nama', 'tgl_lahir'],
      },
      {
        name: 'nama+kab',
        leftKey: "l.nama || '/' || l.kab",
        rightKey: "r.nama || '/' || r.kab",
        maxBlockSize: 50,
        comparisons: ['nama', 'kab'],
      },
      {
        name: 'first name+kab+year',
        leftKey: "split_part(l.nama, ' ', 1) || '/' || l.kab || '/' || year(l.tgl_lahir)",
        rightKey: "split_part(r.nama, ' ', 1) || '/' || r.kab || '/' || year(r.tgl_lahir)",
        maxBlockSize: 50,
        comparisons: ['nama', 'kab', 'tgl_lahir'],
      },
    ],
  };
}

export interface ScaleReport {
  left: number;
  right: number;
  link: LinkResult;
  generateSeconds: number;
  peakRssMb: number;
  peakHeapMb: number;
  peakDuckDbMb: number;
  duckDbByTag: Record<string, number>;
  precision: number;
  recall: number;
}

export async function runScale(options: {
  left: number;
  right: number;
  threads?: number;
  memoryLimit?: string;
  tempDir?: string;
}): Promise<ScaleReport> {
  const db = await Db.open({
    path: ':memory:',
    threads: options.threads ?? 2,
    memoryLimit: options.memoryLimit,
    tempDir: options.tempDir,
  });
  // A second connection samples DuckDB's memory while the first works.
  const monitor = await db.connectAnother();
  let peakRss = 0;
  let peakHeap = 0;
  let peakDuck = 0;
  let byTag: Record<string, number> = {};
  let busy = false;
  const sample = async () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    if (busy) return;
    busy = true;
    try {
      const reader = await monitor.runAndReadAll('SELECT tag, memory_usage_bytes AS b FROM duckdb_memory()');
      const rows = reader.getRowObjectsJson() as { tag: string; b: string }[];
      const total = rows.reduce((a, r) => a + Number(r.b), 0);
      if (total > peakDuck) {
        peakDuck = total;
        byTag = Object.fromEntries(
          rows.filter((r) => Number(r.b) > 0).map((r) => [r.tag, Number(r.b) / 2 ** 20]),
        );
      }
    } finally {
      busy = false;
    }
  };
  const interval = setInterval(() => void sample(), 200);
  try {
    const t0 = performance.now();
    await createScaleTables(db, options.left, options.right);
    const generateSeconds = (performance.now() - t0) / 1000;
    const result = await link(db, scaleSettings());
    await sample();
    await assignOneToOne(db, { scores: 'scale_scores', out: 'scale_links', minProbability: 0.5 });
    const q = await db.one<{ found: number; tp: number; truth: number }>(`
      SELECT (SELECT count(*) FROM scale_links) AS found,
        (SELECT count(*) FROM scale_links k JOIN scale_l l ON l.id = k.l_id WHERE l.rid = k.r_id) AS tp,
        (SELECT count(*) FROM scale_l WHERE rid IS NOT NULL) AS truth`);
    return {
      left: options.left,
      right: options.right,
      link: result,
      generateSeconds,
      peakRssMb: peakRss / 2 ** 20,
      peakHeapMb: peakHeap / 2 ** 20,
      peakDuckDbMb: peakDuck / 2 ** 20,
      duckDbByTag: byTag,
      precision: Number(q?.tp) / Number(q?.found),
      recall: Number(q?.tp) / Number(q?.truth),
    };
  } finally {
    clearInterval(interval);
    monitor.closeSync();
    db.close();
  }
}

export function formatScale(r: ScaleReport): string {
  const s = r.link.seconds;
  const lines = [
    `scale check: ${r.left.toLocaleString('en')} left × ${r.right.toLocaleString('en')} right`,
    `  generate ${r.generateSeconds.toFixed(1)} s; link ${s.total.toFixed(1)} s (blocking ${s.blocking}, tf ${s.tf}, gamma ${s.gamma}, u ${s.u}, m ${s.m}, score ${s.score})`,
    `  candidates ${r.link.candidates.toLocaleString('en')}: ${r.link.perLeftRow.toFixed(2)} per left row (max ${r.link.maxPerLeftRow}); dropped blocks ${r.link.droppedBlockCount}`,
    `  rules ${r.link.rulePairs.map((p) => `${p.rule} ${p.pairs} (${p.only} only)`).join(', ')}`,
    `  EM ${r.link.model.em.map((e) => `${e.name}: ${e.patterns} patterns, ${e.iterations} iterations`).join('; ')}; prior ${r.link.model.prior.toExponential(3)}`,
    `  1:1 at p ≥ 0.5: precision ${r.precision.toFixed(4)}, recall ${r.recall.toFixed(4)} (against the generator's truth)`,
    `  peak memory: Node rss ${r.peakRssMb.toFixed(0)} MB (heap ${r.peakHeapMb.toFixed(0)} MB), DuckDB ${r.peakDuckDbMb.toFixed(0)} MB`,
    `  DuckDB at peak: ${Object.entries(r.duckDbByTag)
      .map(([k, v]) => `${k} ${v.toFixed(0)} MB`)
      .join(', ')}`,
  ];
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const report = await runScale({
    left: Number(arg('left') ?? 200_000),
    right: Number(arg('right') ?? 300_000),
    threads: arg('threads') ? Number(arg('threads')) : undefined,
    memoryLimit: arg('memory-limit'),
    tempDir: arg('temp-dir'),
  });
  console.log(formatScale(report));
  for (const w of report.link.warnings) console.log(`  warning: ${w}`);
}
