import { tableReport } from './report.js';

/** Column order of `corrections.csv`, exactly as SPEC §3. */
export const CORRECTIONS_COLUMNS = [
  'id_dtks',
  'field',
  'old_value',
  'new_value',
  'reason',
  'confidence',
  'rule',
] as const;

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

/** `corrections.csv` (SPEC §3): one row per corrected field, in input order. */
export const corrections = tableReport({
  name: 'corrections.csv',
  audience: 'Pusdatin',
  query: `SELECT ${CORRECTIONS_COLUMNS.join(', ')} FROM corrections ORDER BY _baris, field, rule, kunci`,
});
