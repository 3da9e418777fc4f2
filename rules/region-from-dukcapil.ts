import type { Rule } from './rule.js';

/**
 * A row whose own region did not resolve takes the Dukcapil domicile of its confirmed match, but
 * only inside the deepest level its names did resolve (the kecamatan, else the kabupaten/kota): a
 * desa elsewhere may be a move, and rewriting the region would transfer the row to another desa
 * without anyone deciding it. A resolved region that differs is a move, never rewritten here.
 */
export const regionFromDukcapil: Rule = {
  id: 'region.from_dukcapil',
  version: 1,
  reasons: ['REGION_INVALID'],
  action: 'correct',
  severity: 'low',
  stage: 'detect',
  settings: ['corrections.fields'],
  description: {
    id: 'Wilayah DTKS tidak valid diisi dengan domisili Dukcapil di kecamatan atau kabupaten/kota yang sama',
    en: 'An unresolved DTKS region is filled with the Dukcapil domicile inside the same kecamatan or kab/kota',
  },
  async run({ emit, config }) {
    if (!config.corrections.fields.includes('kode_desa')) return;
    // Lower confidence than a field taken from Dukcapil: the row's region was unusable, and
    // Dukcapil's domicile is only the best known.
    await emit(
      'id_dtks, evidence, field, old_value, new_value, confidence',
      `
      SELECT p.id_dtks,
        'Wilayah DTKS tidak valid; diisi dengan domisili Dukcapil di kecamatan/kabupaten yang sama', 'kode_desa',
        p.kode_desa, p.dc_kode_desa, round(least(p.yakin, 0.8), 2)
      FROM dtks_padan p JOIN ref_desa v ON v.kode = p.dc_kode_desa
      WHERE p.padan_status = 'PADAN' AND p.wilayah_status <> 'RESOLVED'
        AND coalesce(left(p.dc_kode_desa, 8) = p.kode_kecamatan, left(p.dc_kode_desa, 5) = p.kode_kabupaten, false)`,
    );
  },
};
