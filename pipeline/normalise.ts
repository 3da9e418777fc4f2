import { DUKCAPIL } from '../connectors/profiles/dukcapil.js';
import type { Profile } from '../connectors/profiles/profile.js';
import { SIKS_NG } from '../connectors/profiles/siks-ng.js';
import type { Config } from './config.js';
import type { Db } from './db.js';
import { buildNamesTable } from './names-table.js';
import { installParseMacros } from './parse.js';
import { resolveRegions } from './regions.js';
import { StepClock } from './steps.js';

/**
 * Raw columns a profile may lack (its optional ones padan reads): added as NULL so the SQL below
 * needs no branches.
 */
const optional = (profile: Profile) =>
  profile.columns.filter((c) => !c.required && c.read !== false).map((c) => c.key);

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

/** A parsed table's name columns, from `names` (joined on the parsed text of the raw names). */
const NAME_COLUMNS = 'n.nama_norm, n.nama_gabung, n.fonetik AS nama_fonetik, m.nama_norm AS nama_ibu_norm';
const NAME_JOINS = `LEFT JOIN names n ON n.nama_asal = padan_teks(r.nama)
    LEFT JOIN names m ON m.nama_asal = padan_teks(r.nama_ibu_kandung)`;

export interface NormaliseResult {
  referenceDate: string;
  referenceDateSource: ReferenceDateSource;
  distinctNames: number;
  /** Worker threads that normalised the names (0: on the main thread). */
  nameWorkers: number;
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

  // Names are normalised before the tables are parsed, from the raw text as parsing cleans it
  // (padan_teks), so that each parse joins its name columns in the one pass that writes the table:
  // joined afterwards, both tables were written twice (17 s of a 1M run's 79 s normalise).
  await db.exec(`
    CREATE OR REPLACE VIEW _nama_dtks AS
    SELECT padan_teks(nama) AS nama, padan_teks(nama_ibu_kandung) AS nama_ibu_kandung FROM raw_dtks;
    CREATE OR REPLACE VIEW _nama_dukcapil AS
    SELECT padan_teks(nama) AS nama, padan_teks(nama_ibu_kandung) AS nama_ibu_kandung FROM raw_dukcapil`);
  const names = await clock.step('names', () =>
    buildNamesTable(
      db,
      [
        // Rows of raw_dtks and dtks are one to one: a repeated ID DTKS is rejected at ingest.
        { table: '_nama_dtks', column: 'nama' },
        // A mother's name repeats on every child's row: it would inflate token frequencies.
        { table: '_nama_dtks', column: 'nama_ibu_kandung', frequency: false },
        { table: '_nama_dukcapil', column: 'nama' },
        { table: '_nama_dukcapil', column: 'nama_ibu_kandung', frequency: false },
      ],
      'names',
    ),
  );
  await db.exec('DROP VIEW _nama_dtks; DROP VIEW _nama_dukcapil');

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
      _sumber, _baris,
      ${NAME_COLUMNS}
    FROM raw_dukcapil r
    ${NAME_JOINS}
    ORDER BY r._baris`),
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
      r._sumber, r._baris,
      ${NAME_COLUMNS}
    FROM raw_dtks r JOIN region_resolution g ON g.id_dtks = r.id_dtks
    ${NAME_JOINS}
    ORDER BY r._baris`),
  );
  // Temporary tables hold memory until dropped: both parsed tables carry what they gave.
  await db.exec('DROP TABLE temp.main.names; DROP TABLE temp.main.region_resolution');

  return {
    referenceDate,
    referenceDateSource: config.referenceDate ? 'config' : 'run date',
    distinctNames: names.distinct,
    nameWorkers: names.workers,
    regions,
  };
}
