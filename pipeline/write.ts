import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Db, sqlIdent, sqlString } from './db.js';

/** Column order of the decision files, exactly as SPEC §3. */
export const DEACTIVATE_COLUMNS = [
  'id_dtks',
  'id_keluarga',
  'nik',
  'nama',
  'kode_desa',
  'reason',
  'scope',
  'kept_id_dtks',
  'moved_to',
  'evidence',
  'rule',
] as const;
export const CORRECTIONS_COLUMNS = [
  'id_dtks',
  'field',
  'old_value',
  'new_value',
  'reason',
  'confidence',
  'rule',
] as const;
export const REVIEW_COLUMNS = [
  'id_dtks',
  'id_keluarga',
  'kode_desa',
  'reason',
  'evidence',
  'suggested_action',
  'rule',
] as const;
export const REJECTED_COLUMNS = ['file', 'line', 'raw', 'reason'] as const;

/** Fields that corrections.csv may change; each has an `<field>_asal` column in dtks_corrected. */
export const CORRECTABLE_FIELDS = [
  'nik',
  'no_kk',
  'nama',
  'tgl_lahir',
  'jenis_kelamin',
  'kode_desa',
  'nama_ibu_kandung',
] as const;

/** Output files under a temporary name, renamed when complete: a reader never sees half a file. */
export class OutputDir {
  readonly written = new Map<string, { rows?: number }>();
  constructor(readonly dir: string) {}

  path(name: string): string {
    return join(this.dir, name);
  }

  /** COPY a query to `name` through a temporary file. */
  async copy(db: Db, name: string, query: string, format: 'csv' | 'parquet'): Promise<number> {
    const tmp = this.path(`.${name}.tmp`);
    const options =
      format === 'csv'
        ? "FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"'"
        : 'FORMAT parquet, COMPRESSION zstd';
    // COPY answers with the number of rows it wrote.
    const rows = await db.count(`COPY (${query}) TO ${sqlString(tmp)} (${options})`);
    await rename(tmp, this.path(name));
    this.written.set(name, { rows });
    return rows;
  }

  async writeText(name: string, text: string): Promise<void> {
    const tmp = this.path(`.${name}.tmp`);
    await writeFile(tmp, text);
    await rename(tmp, this.path(name));
    this.written.set(name, {});
  }
}

export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Columns of `raw_dtks` beyond the profile's, passed through to the corrected file as written. */
export async function extraColumns(db: Db, known: readonly string[]): Promise<string[]> {
  const rows = await db.all<{ column_name: string }>(
    `SELECT column_name FROM duckdb_columns() WHERE table_name = 'raw_dtks' ORDER BY column_index`,
  );
  const skip = new Set([...known, '_sumber', '_baris']);
  return rows.map((r) => r.column_name).filter((c) => !skip.has(c));
}

const PROFILE_KEYS = [
  'id_dtks',
  'id_keluarga',
  'provinsi',
  'kabupaten',
  'kecamatan',
  'desa',
  'kode_wilayah',
  'alamat',
  'dusun',
  'rt',
  'rw',
  'no_kk',
  'nik',
  'nama',
  'tgl_lahir',
  'tempat_lahir',
  'jenis_kelamin',
  'nama_ibu_kandung',
  'hubungan',
  'pekerjaan',
  'pkh',
  'bpnt',
  'pbi',
];

/**
 * The corrected DTKS: every loaded row once, in input order. Values are the parsed canonical form
 * where the raw text parsed (dates ISO, sex L/P, relationship as named in SPEC), else the raw text,
 * so nothing is lost; a corrected field carries the correction and keeps its previous value in
 * `<field>_asal`.
 */
export async function buildCorrectedTable(db: Db): Promise<string[]> {
  const extras = await extraColumns(db, PROFILE_KEYS);
  const current: Record<string, string> = {
    nik: 'coalesce(d.nik, r.nik)',
    no_kk: 'coalesce(d.no_kk, r.no_kk)',
    nama: 'coalesce(d.nama, r.nama)',
    tgl_lahir: "coalesce(strftime(d.tgl_lahir, '%Y-%m-%d'), r.tgl_lahir)",
    jenis_kelamin: 'coalesce(d.jenis_kelamin, r.jenis_kelamin)',
    kode_desa: 'd.kode_desa',
    nama_ibu_kandung: 'coalesce(d.nama_ibu_kandung, r.nama_ibu_kandung)',
  };
  // One row per corrected DTKS row with the winning new value of each field: highest confidence,
  // ties by rule and value (arg_max would break a tie by thread order).
  const pivot = CORRECTABLE_FIELDS.map(
    (f) =>
      `first(new_value ORDER BY confidence DESC, rule, new_value) FILTER (WHERE field = '${f}') AS ${f}, bool_or(field = '${f}') AS has_${f}`,
  ).join(', ');
  const v = (field: string) => `CASE WHEN c.has_${field} THEN c.${field} ELSE ${current[field]} END`;
  const asal = (field: string) => `CASE WHEN c.has_${field} THEN ${current[field]} END`;
  await db.exec(`
    CREATE OR REPLACE TABLE dtks_corrected AS
    WITH c AS (SELECT id_dtks, ${pivot} FROM corrections GROUP BY id_dtks)
    SELECT
      d.id_dtks, d.id_keluarga,
      r.provinsi, r.kabupaten AS kabupaten_kota, r.kecamatan, r.desa AS desa_kelurahan, r.kode_wilayah,
      ${v('kode_desa')} AS kode_desa,
      r.alamat, r.dusun, r.rt, r.rw,
      ${v('no_kk')} AS no_kk,
      ${v('nik')} AS nik,
      ${v('nama')} AS nama,
      ${v('tgl_lahir')} AS tgl_lahir,
      r.tempat_lahir,
      ${v('jenis_kelamin')} AS jenis_kelamin,
      ${v('nama_ibu_kandung')} AS nama_ibu_kandung,
      coalesce(d.hubungan, r.hubungan) AS hubungan_keluarga,
      r.pekerjaan, r.pkh, r.bpnt, r.pbi,
      CASE WHEN x.id_dtks IS NULL THEN 'AKTIF' ELSE 'NONAKTIF' END AS status,
      x.reason AS status_reason,
      ${CORRECTABLE_FIELDS.map((f) => `${asal(f)} AS ${f}_asal`).join(',\n      ')}
      ${extras.map((c) => `, r.${sqlIdent(c)}`).join('')}
    FROM dtks d
    JOIN raw_dtks r ON r._baris = d._baris
    LEFT JOIN deactivations x ON x.id_dtks = d.id_dtks
    LEFT JOIN c ON c.id_dtks = d.id_dtks
    ORDER BY d._baris`);
  return extras;
}
