import type { Rule } from './rule.js';

/**
 * The NIK says a member's sex (the birth day + 40 for women). Once Dukcapil has confirmed who the
 * member is, a JENIS KELAMIN that contradicts the confirmed NIK is a typing error to fix, unless
 * Dukcapil's own record already corrects it (field.from_dukcapil does that).
 */
export const sexNik: Rule = {
  id: 'field.sex_nik',
  version: 1,
  reasons: ['FIELD_ANOMALY'],
  action: 'review',
  severity: 'low',
  stage: 'detect',
  description: {
    id: 'Jenis kelamin bertentangan dengan NIK yang sudah terkonfirmasi Dukcapil (tanggal dalam NIK ditambah 40 untuk perempuan)',
    en: 'Sex contradicts the NIK Dukcapil confirmed (the day in the NIK is +40 for women)',
  },
  async run({ emit }) {
    await emit(
      'id_dtks, evidence, suggested_action',
      `
      SELECT id_dtks,
        'jenis kelamin ' || CASE jenis_kelamin WHEN 'L' THEN 'laki-laki' ELSE 'perempuan' END ||
          ' bertentangan dengan NIK (menurut NIK ' || CASE padan_nik_jk(dc_nik) WHEN 'L' THEN 'laki-laki' ELSE 'perempuan' END ||
          '); identitas terkonfirmasi Dukcapil',
        'Periksa jenis kelamin pada KTP/KK dan perbaiki di SIKS-NG'
      FROM dtks_padan
      WHERE padan_status = 'PADAN' AND length(dc_nik) = 16 AND padan_nik_jk(dc_nik) IS NOT NULL
        AND jenis_kelamin IS NOT NULL AND jenis_kelamin <> padan_nik_jk(dc_nik)
        -- Dukcapil's own sex already corrects the row: no one needs to look.
        AND (dc_jenis_kelamin IS NULL OR dc_jenis_kelamin = jenis_kelamin)`,
    );
  },
};
