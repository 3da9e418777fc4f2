import { DUKCAPIL } from '../connectors/profiles/dukcapil.js';
import type { Profile } from '../connectors/profiles/profile.js';
import { SIKS_NG } from '../connectors/profiles/siks-ng.js';
import type { Config } from './config.js';
import type { Db } from './db.js';
import { buildNamesTable } from './names-table.js';
import { installParseMacros } from './parse.js';
import { resolveRegions } from './regions.js';
import { StepClock } from './steps.js';

/** Raw columns a profile may lack (its optional ones): added as NULL so the SQL below needs no branches. */
const optional = (profile: Profile) => profile.columns.filter((c) => !c.required).map((c) => c.key);

async function addMissingColumns(db: Db, table: string, columns: string[]): Promise<void> {
  const present = new Set(
    (
      await db.all<{ column_name: string }>(`SELECT column_name FROM duckdb_columns() WHERE table_name = ?`, [
        table,
      ])
    ).map((r) => r.column_name),
  );
  for (const column of columns) {
    if (!present.has(column)) await db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} VARCHAR`);
  }
}

export interface NormaliseResult {
  referenceDate: string;
  referenceDateSource: ReferenceDateSource;
  distinctNames: number;
  regions: Awaited<ReturnType<typeof resolveRegions>>;
}

export type ReferenceDateSource = 'config' | 'run date';

/**
 * The date ages and NIK centuries are computed against: the config's `referenceDate`, else the run
 * date (local calendar day). Not the latest date in the Dukcapil extract: with a small or old
 * extract that made 29 Feb 2000 an invalid NIK and adults "born in the future".
 */
export function referenceDateOf(config: Config, now: Date = new Date()): string {
  if (config.referenceDate) return config.referenceDate;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * Turn the raw text tables into typed canonical tables `dtks` and `dukcapil`. Parsing runs as
 * DuckDB macros (vectorised); names are normalised once per distinct value in `names`.
 */
export async function normalise(
  db: Db,
  config: Config,
  referenceDate: string,
  clock: StepClock = new StepClock(),
): Promise<NormaliseResult> {
  await installParseMacros(db);
  await addMissingColumns(db, 'raw_dtks', optional(SIKS_NG));
  await addMissingColumns(db, 'raw_dukcapil', optional(DUKCAPIL));

  await clock.step('parse dukcapil', () =>
    db.exec(`
    CREATE OR REPLACE TABLE dukcapil AS
    SELECT
      padan_nik_bersih(nik) AS nik,
      padan_nik_bentuk(nik) AS nik_bentuk,
      padan_nik_bersih(no_kk) AS no_kk,
      padan_teks(nama) AS nama,
      padan_tanggal(tgl_lahir) AS tgl_lahir,
      padan_jenis_kelamin(jenis_kelamin) AS jenis_kelamin,
      padan_hubungan(hubungan) AS hubungan,
      padan_teks(nama_ibu_kandung) AS nama_ibu_kandung,
      padan_kode_desa_dukcapil(no_prop, no_kab, no_kec, no_kel) AS kode_desa,
      padan_stat_hidup(stat_hidup) AS stat_hidup,
      padan_tanggal(tgl_kematian) AS tgl_kematian,
      padan_teks(pekerjaan) AS pekerjaan,
      _sumber, _baris
    FROM raw_dukcapil`),
  );

  const regions = await clock.step('regions', () =>
    resolveRegions(db, { source: 'raw_dtks', target: 'region_resolution', fuzzy: config.regions.fuzzy }),
  );

  await clock.step('parse dtks', () =>
    db.exec(`
    CREATE OR REPLACE TABLE dtks AS
    SELECT
      trim(r.id_dtks) AS id_dtks,
      coalesce(padan_teks(r.id_keluarga), padan_nik_bersih(r.no_kk)) AS id_keluarga,
      padan_nik_bersih(r.nik) AS nik,
      padan_nik_bentuk(r.nik) AS nik_bentuk,
      padan_nik_bersih(r.no_kk) AS no_kk,
      padan_nik_bentuk(r.no_kk) AS no_kk_bentuk,
      padan_teks(r.nama) AS nama,
      padan_tanggal(r.tgl_lahir) AS tgl_lahir,
      padan_tanggal_bentuk(r.tgl_lahir) AS tgl_lahir_bentuk,
      padan_jenis_kelamin(r.jenis_kelamin) AS jenis_kelamin,
      padan_hubungan(r.hubungan) AS hubungan,
      padan_teks(r.nama_ibu_kandung) AS nama_ibu_kandung,
      padan_teks(r.pekerjaan) AS pekerjaan,
      g.kode_desa, g.kode_kecamatan, g.kode_kabupaten, g.kode_provinsi,
      g.status AS wilayah_status, g.metode AS wilayah_metode, g.masalah AS wilayah_masalah,
      r._sumber, r._baris
    FROM raw_dtks r JOIN region_resolution g ON g.id_dtks = r.id_dtks
    ORDER BY r._baris`),
  );

  const names = await clock.step('names', () =>
    buildNamesTable(
      db,
      [
        { table: 'dtks', column: 'nama' },
        // A mother's name repeats on every child's row: it would inflate token frequencies.
        { table: 'dtks', column: 'nama_ibu_kandung', frequency: false },
        { table: 'dukcapil', column: 'nama' },
        { table: 'dukcapil', column: 'nama_ibu_kandung', frequency: false },
      ],
      'names',
    ),
  );
  for (const table of ['dtks', 'dukcapil']) {
    await clock.step('names joined', () =>
      db.exec(`
      CREATE OR REPLACE TABLE ${table} AS
      SELECT t.*, n.nama_norm, n.nama_gabung, n.fonetik AS nama_fonetik, m.nama_norm AS nama_ibu_norm
      FROM ${table} t
      LEFT JOIN names n ON n.nama_asal = t.nama
      LEFT JOIN names m ON m.nama_asal = t.nama_ibu_kandung
      ORDER BY t._baris`),
    );
  }
  return {
    referenceDate,
    referenceDateSource: config.referenceDate ? 'config' : 'run date',
    distinctNames: names.distinct,
    regions,
  };
}
