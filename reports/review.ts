import { tableReport } from './report.js';

/** Column order of `review.csv`, exactly as SPEC §3. */
export const REVIEW_COLUMNS = [
  'id_dtks',
  'id_keluarga',
  'kode_desa',
  'reason',
  'evidence',
  'suggested_action',
  'rule',
] as const;

/** `review.csv` (SPEC §3): findings a person must verify, with a suggested action, in input order. */
export const review = tableReport({
  name: 'review.csv',
  audience: 'dinas sosial',
  query: `SELECT ${REVIEW_COLUMNS.join(', ')} FROM reviews ORDER BY _baris, kode_desa, reason, rule, field, evidence, kunci`,
});
