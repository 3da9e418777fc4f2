import type { Rule } from './rule.js';

/**
 * The NIK exists in Dukcapil but belongs to someone else by name and birth date: usually a
 * relative's NIK typed on the wrong member. Never a duplicate, never a deactivation.
 */
export const nikIdentityMismatch: Rule = {
  id: 'nik.identity_mismatch',
  version: 1,
  reasons: ['NIK_IDENTITY_MISMATCH'],
  action: 'review',
  severity: 'high',
  stage: 'match',
  description: {
    id: 'NIK terdaftar di Dukcapil atas nama orang lain (nama dan tanggal lahir berbeda)',
    en: 'The NIK belongs to someone else in Dukcapil by name and birth date',
  },
  async run({ emit }) {
    await emit(
      'id_dtks, evidence, suggested_action',
      `
      SELECT m.id_dtks, 'NIK terdaftar di Dukcapil atas nama orang lain (kemiripan nama ' ||
          coalesce(CAST(round(m.nama_mirip, 2) AS VARCHAR), 'tidak diketahui') || ', tanggal lahir ' ||
          CASE m.tgl_level WHEN 'SAMA' THEN 'sama' WHEN 'KOSONG' THEN 'kosong' ELSE 'berbeda' END ||
          CASE WHEN NOT m.jk_sama THEN ', jenis kelamin berbeda' ELSE '' END || ')',
        'Periksa KTP/KK anggota ini; kemungkinan memakai NIK anggota keluarga lain'
      FROM matches m WHERE m.status = 'BEDA_ORANG'`,
    );
  },
};
