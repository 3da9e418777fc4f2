import { SIKS_NG } from '../connectors/profiles/siks-ng.js';
import { type Db, sqlIdent } from '../pipeline/db.js';
import { CORRECTABLE_FIELDS } from './corrections.js';
import type { Report } from './report.js';

/**
 * `dtks_corrected.parquet` and `.csv` (SPEC §2): every loaded DTKS row once, in input order. Values
 * are the parsed canonical form where the raw text parsed (dates ISO, sex L/P, relationship as
 * named in SPEC), else the raw text, so nothing is lost; a corrected field carries the correction
 * and keeps its previous value in `<field>_asal`. Extra input columns pass through as written.
 */
export const dtksCorrected: Report = {
  name: 'dtks_corrected.parquet',
  audience: 'Pusdatin',
  async write({ db, out }) {
    await buildCorrectedTable(db);
    await out.copy(db, 'dtks_corrected.parquet', 'SELECT * FROM temp.dtks_corrected', 'parquet');
    await out.copy(db, 'dtks_corrected.csv', 'SELECT * FROM temp.dtks_corrected', 'csv');
    await db.exec('DROP TABLE temp.dtks_corrected');
  },
};

/** Columns of `raw_dtks` beyond the profile's, passed through to the corrected file as written. */
export async function extraColumns(db: Db, known: readonly string[]): Promise<string[]> {
  const rows = await db.all<{ column_name: string }>(
    `SELECT column_name FROM duckdb_columns() WHERE table_name = 'raw_dtks' ORDER BY column_index`,
  );
  const skip = new Set([...known, '_sumber', '_baris']);
  return rows.map((r) => r.column_name).filter((c) => !skip.has(c));
}

/**
 * `main.dtks_corrected`, a view, and `temp.dtks_corrected`, the same rows as a table to copy the
 * files from; the extra input columns passed through.
 */
export async function buildCorrectedTable(db: Db): Promise<string[]> {
  const extras = await extraColumns(
    db,
    SIKS_NG.columns.map((c) => c.key),
  );
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
  const [dtks, raw, deactivations, corrections] = await Promise.all(
    ['dtks', 'raw_dtks', 'deactivations', 'corrections'].map((t) => db.qualifiedTable(t)),
  );
  const select = `
    WITH c AS (SELECT id_dtks, ${pivot} FROM ${corrections} GROUP BY id_dtks)
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
    FROM ${dtks} d
    JOIN ${raw} r ON r._baris = d._baris
    LEFT JOIN ${deactivations} x ON x.id_dtks = d.id_dtks
    LEFT JOIN c ON c.id_dtks = d.id_dtks
    ORDER BY d._baris`;
  // Made twice from one query, as link_right is: a stored view for analysts, and a temporary table
  // the two files are copied from. Stored, the table cost 3.7 s of a 1M run against 1.6 s in
  // memory (see WORKING_SCHEMA in pipeline/db.ts); the view gives the same rows, because nothing
  // changes its tables after the decisions.
  await db.exec(`
    CREATE OR REPLACE VIEW main.dtks_corrected AS ${select};
    CREATE OR REPLACE TEMP TABLE dtks_corrected AS ${select}`);
  return extras;
}
