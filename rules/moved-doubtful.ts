import { DESA_DIFFERS, DOUBTFUL_DESA } from './moved.js';
import type { Rule } from './rule.js';

/**
 * The other side of life.moved's caution: Dukcapil places the person in another desa, but the
 * row's own desa is too doubtful to call it a move (the name fits the Dukcapil desa too, or the
 * desa came from KODE WILAYAH alone). A person checks the region instead of padan deactivating.
 */
export const movedDoubtful: Rule = {
  id: 'region.doubtful_move',
  version: 2,
  reasons: ['REGION_INVALID'],
  action: 'review',
  severity: 'medium',
  stage: 'detect',
  description: {
    id: 'Domisili Dukcapil berbeda, tetapi desa DTKS meragukan (nama kembar, hampir sama, atau hanya dari kode wilayah)',
    en: 'The Dukcapil domicile differs but the row’s desa is doubtful (twin or near-identical names, or code only)',
  },
  async run({ emit }) {
    await emit(
      'id_dtks, evidence, suggested_action',
      `
      SELECT p.id_dtks, 'Domisili Dukcapil di ' || CASE v.jenis WHEN 'KELURAHAN' THEN 'Kel. ' ELSE 'Desa ' END || v.nama ||
          ' (' || p.dc_kode_desa || ') sedangkan desa DTKS ' || p.kode_desa ||
          CASE WHEN p.wilayah_metode = 'KODE' THEN ' hanya ditentukan dari KODE WILAYAH'
               WHEN padan_wilayah_kunci(r.desa, 'desa') = v.nama_kunci THEN ' bernama sama dengan desa Dukcapil'
               ELSE ' bernama hampir sama dengan desa Dukcapil (mungkin salah ketik)' END,
        'Periksa desa/kelurahan dan KODE WILAYAH anggota ini; bila benar pindah, nonaktifkan melalui SIKS-NG'
      FROM dtks_padan p
      JOIN raw_dtks r ON r._baris = p._baris
      JOIN ref_desa v ON v.kode = p.dc_kode_desa
      WHERE ${DESA_DIFFERS} AND coalesce(${DOUBTFUL_DESA}, false)`,
    );
  },
};
