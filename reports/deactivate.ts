import { tableReport } from './report.js';

/** Column order of `deactivate.csv`, exactly as SPEC §3. */
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

/** `deactivate.csv` (SPEC §3): one row per DTKS row to deactivate, in input order. */
export const deactivate = tableReport({
  name: 'deactivate.csv',
  audience: 'Pusdatin',
  query: `SELECT ${DEACTIVATE_COLUMNS.join(', ')} FROM deactivations ORDER BY _baris`,
});
