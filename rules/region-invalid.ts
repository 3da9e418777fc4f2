import type { Rule } from './rule.js';

/**
 * Region names (and KODE WILAYAH) that do not resolve to exactly one current desa, or whose code
 * contradicts the names. Such rows are never treated as moved: their desa is not known.
 */
export const regionInvalid: Rule = {
  id: 'region.invalid',
  version: 1,
  reasons: ['REGION_INVALID'],
  action: 'review',
  severity: 'medium',
  stage: 'validate',
  description: {
    id: 'Nama atau kode wilayah tidak menunjuk tepat satu desa/kelurahan yang berlaku',
    en: 'Region names or code do not resolve to exactly one current desa/kelurahan',
  },
  async run({ emit }) {
    await emit(
      'id_dtks, evidence, suggested_action',
      `
      SELECT id_dtks, coalesce(wilayah_masalah, 'Wilayah tidak dapat ditentukan'),
        'Perbaiki nama provinsi, kabupaten/kota, kecamatan, desa/kelurahan atau KODE WILAYAH di SIKS-NG'
      FROM dtks WHERE wilayah_status <> 'RESOLVED'`,
    );
  },
};
