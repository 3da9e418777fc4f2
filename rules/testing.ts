/**
 * Test support for rules: write tiny DTKS and Dukcapil CSV files, run the real plan (every stage up
 * to decide, on the real DuckDB) and open its database to look at the findings. Used by the
 * `*.test.ts` files beside each rule.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, defaultConfig } from '../pipeline/config.js';
import { Db } from '../pipeline/db.js';
import { silentLogger } from '../pipeline/logger.js';
import { run } from '../pipeline/run.js';

export interface Person {
  nik: string;
  nama: string;
  tgl: string;
  jk: 'L' | 'P';
}

/** A DTKS row in the SIKS-NG layout; fields default to a resident of Kaligayam, Margasari, Kab. Tegal. */
export function dtks(id: string, p: Person, o: Record<string, string> = {}): Record<string, string> {
  return {
    'ID DTKS': id,
    'ID KELUARGA': 'KEL1',
    PROVINSI: 'JAWA TENGAH',
    'KABUPATEN/KOTA': 'KAB. TEGAL',
    KECAMATAN: 'MARGASARI',
    'DESA/KELURAHAN': 'KALIGAYAM',
    'KODE WILAYAH': '',
    'NOMOR KK': '3328011801130001',
    'NOMOR NIK': p.nik,
    NAMA: p.nama,
    'TANGGAL LAHIR': p.tgl,
    'JENIS KELAMIN': p.jk,
    'NAMA IBU KANDUNG': 'SUMIATI',
    'HUBUNGAN KELUARGA': 'KEPALA KELUARGA',
    ...o,
  };
}

/** A Dukcapil record; domicile Kaligayam (33.28.01.2002) unless overridden. */
export function dukcapil(p: Person, o: Record<string, string> = {}): Record<string, string> {
  return {
    NIK: p.nik,
    NO_KK: '3328011801130001',
    NAMA_LGKP: p.nama,
    TGL_LHR: p.tgl,
    JENIS_KLMIN: p.jk,
    STAT_HBKEL: '1',
    NAMA_LGKP_IBU: 'SUMIATI',
    NO_PROP: '33',
    NO_KAB: '28',
    NO_KEC: '1',
    NO_KEL: '2002',
    STAT_HIDUP: 'HIDUP',
    TGL_KEMATIAN: '',
    ...o,
  };
}

function toCsv(rows: Record<string, string>[], fallbackHeader: string[]): string {
  const header = rows[0] ? Object.keys(rows[0]) : fallbackHeader;
  const esc = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return `${[header.join(','), ...rows.map((r) => header.map((h) => esc(r[h] ?? '')).join(','))].join('\n')}\n`;
}

export interface Plan {
  db: Db;
  /** Findings of one rule, ordered by id_dtks. */
  findings(
    rule: string,
  ): Promise<{ id_dtks: string; reason: string | null; evidence: string; [k: string]: unknown }[]>;
  close(): Promise<void>;
}

/** Run the plan on the given rows and open its database. */
export async function plan(
  dtksRows: Record<string, string>[],
  dukcapilRows: Record<string, string>[],
  config: Config = { ...defaultConfig(), referenceDate: '2026-11-01' },
  /** A decisions store of `padan apply-review` (SPEC §5) the plan honours. */
  options: { decisions?: string } = {},
): Promise<Plan> {
  const dir = await mkdtemp(join(tmpdir(), 'padan-rule-'));
  await writeFile(
    join(dir, 'dtks.csv'),
    toCsv(dtksRows, Object.keys(dtks('x', { nik: '', nama: '', tgl: '', jk: 'L' }))),
  );
  await writeFile(
    join(dir, 'dukcapil.csv'),
    toCsv(dukcapilRows, Object.keys(dukcapil({ nik: '', nama: '', tgl: '', jk: 'L' }))),
  );
  await run({
    dtks: join(dir, 'dtks.csv'),
    dukcapil: join(dir, 'dukcapil.csv'),
    out: join(dir, 'out'),
    config,
    logger: silentLogger(),
    planOnly: true,
    threads: 1,
    decisions: options.decisions,
  });
  const db = await Db.open({ path: join(dir, 'out', 'padan.duckdb') });
  return {
    db,
    findings: (rule) =>
      db.all(`SELECT * EXCLUDE (rule) FROM findings WHERE rule = ? ORDER BY id_dtks, field NULLS FIRST`, [
        rule,
      ]),
    close: async () => {
      db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** NIKs of real shape for Kec. Margasari (33.28.01): men born 14-11-1983, women 12-03-1985, and so on. */
export const PEOPLE = {
  budi: { nik: '3328011411830001', nama: 'BUDI SANTOSO', tgl: '1983-11-14', jk: 'L' },
  siti: { nik: '3328015203850002', nama: 'SITI AMINAH', tgl: '1985-03-12', jk: 'P' },
  rizki: { nik: '3328010506100003', nama: 'MUHAMMAD RIZKI', tgl: '2010-06-05', jk: 'L' },
  aini: { nik: '3328014909120004', nama: 'NUR AINI', tgl: '2012-09-09', jk: 'P' },
} satisfies Record<string, Person>;

/**
 * 200 Dukcapil neighbours in Kec. Margasari, so that probabilistic matching has enough pairs to
 * estimate how often fields agree by chance.
 */
export function neighbours(): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  const names = [
    'SLAMET',
    'SRI WAHYUNI',
    'AGUS SALIM',
    'RATNA SARI',
    'EKO PRASETYO',
    'TRI RAHAYU',
    'HARYANTO',
    'KARTINI',
  ];
  for (let i = 0; i < 200; i++) {
    const jk = i % 2 === 0 ? 'L' : 'P';
    const day = (i % 28) + 1;
    const month = (i % 12) + 1;
    const year = 1950 + (i % 60);
    const dd = String(day + (jk === 'P' ? 40 : 0)).padStart(2, '0');
    const nik = `332801${dd}${String(month).padStart(2, '0')}${String(year).slice(2)}${String(100 + i).padStart(4, '0')}`;
    const tgl = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    rows.push(
      dukcapil(
        {
          nik,
          nama: `${names[i % names.length]} ${String.fromCharCode(65 + (i % 26))}`,
          tgl,
          jk: jk as 'L' | 'P',
        },
        {
          NO_KK: `33280101011${String(i).padStart(5, '0')}`,
          NO_KEL: String(2001 + (i % 12)),
          NAMA_LGKP_IBU: `IBU ${i}`,
        },
      ),
    );
  }
  return rows;
}
