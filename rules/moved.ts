import type { Rule } from './rule.js';

/**
 * The Dukcapil domicile is another desa than the row's. Only rows whose own region resolved to one
 * desa, and only to a desa Dukcapil names that exists in the current list: an unresolved region or
 * an unknown Dukcapil code says nothing about a move. Two more cases say nothing either, because
 * the row's desa may be the typing error rather than the person's address: the Dukcapil desa
 * carries the very name the row gives (a kecamatan with a desa and a kelurahan of one name, told
 * apart only by a code), the row's desa came from KODE WILAYAH alone (its name did not resolve)
 * and Dukcapil places the person in another desa of the same kecamatan, or the row's desa name is
 * one slip from the Dukcapil desa's in the same kecamatan (PURWOASRI typed for PURWOSARI is also
 * a real desa next door). A row whose desa did not resolve still moved when Dukcapil places the
 * person outside the kecamatan (or kabupaten) all its candidates share (AREA_DIFFERS).
 */
/**
 * SQL over `p` (dtks_padan), `r` (raw_dtks) and `v` (the Dukcapil desa in ref_desa): the row's
 * desa is too doubtful to conclude a move from a different Dukcapil desa. Shared with
 * region.doubtful_move, which reviews exactly the rows this rule declines.
 */
export const DOUBTFUL_DESA = `(padan_wilayah_kunci(r.desa, 'desa') = v.nama_kunci
  OR (p.wilayah_metode = 'KODE' AND left(p.dc_kode_desa, 8) = left(p.kode_desa, 8))
  OR (left(p.dc_kode_desa, 8) = left(p.kode_desa, 8)
    AND damerau_levenshtein(padan_wilayah_kunci(r.desa, 'desa'), v.nama_kunci) <= 1))`;

/**
 * Rows confirmed to a living Dukcapil record whose region did not resolve to one desa (its code
 * contradicts its names, or a desa name is unknown) but whose kecamatan, or at least kabupaten,
 * every candidate agrees on, and Dukcapil places the person outside it: whichever candidate is
 * right, the person moved. A Dukcapil desa inside it says nothing (it may be the right candidate).
 */
export const AREA_DIFFERS = `p.padan_status = 'PADAN' AND p.wilayah_status = 'INVALID'
  AND p.dc_stat_hidup IS DISTINCT FROM 'MATI' AND p.kode_kabupaten IS NOT NULL
  AND CASE WHEN p.kode_kecamatan IS NOT NULL THEN left(p.dc_kode_desa, 8) <> p.kode_kecamatan
           ELSE left(p.dc_kode_desa, 5) <> p.kode_kabupaten END`;

/** Rows confirmed to a living Dukcapil record whose known desa differs from the row's resolved one. */
export const DESA_DIFFERS = `p.padan_status = 'PADAN' AND p.wilayah_status = 'RESOLVED'
  AND p.dc_stat_hidup IS DISTINCT FROM 'MATI' AND p.dc_kode_desa <> p.kode_desa`;

export const moved: Rule = {
  id: 'life.moved',
  version: 2,
  reasons: ['MOVED'],
  action: 'deactivate',
  severity: 'high',
  stage: 'detect',
  description: {
    id: 'Domisili Dukcapil berada di desa/kelurahan lain',
    en: 'The Dukcapil domicile is in another desa/kelurahan',
  },
  async run({ emit }) {
    await emit(
      'id_dtks, evidence, moved_to, scope',
      `
      SELECT p.id_dtks, 'Domisili Dukcapil di ' || CASE v.jenis WHEN 'KELURAHAN' THEN 'Kel. ' ELSE 'Desa ' END || v.nama ||
          ', Kec. ' || k.nama || ', ' || b.nama || ' (' || p.dc_kode_desa || '), ' ||
          CASE WHEN p.wilayah_status = 'RESOLVED' THEN 'bukan desa DTKS (' || p.kode_desa || ')'
               ELSE 'di luar ' || CASE WHEN p.kode_kecamatan IS NOT NULL THEN 'kecamatan DTKS (' || p.kode_kecamatan || ')'
                 ELSE 'kabupaten/kota DTKS (' || p.kode_kabupaten || ')' END ||
                 ' meskipun desa DTKS tidak dapat dipastikan' END,
        p.dc_kode_desa, 'PERSON'
      FROM dtks_padan p
      JOIN raw_dtks r ON r._baris = p._baris
      JOIN ref_desa v ON v.kode = p.dc_kode_desa
      JOIN ref_kecamatan k ON k.kode = v.kode_kecamatan
      JOIN ref_kabupaten b ON b.kode = k.kode_kabupaten
      WHERE ((${DESA_DIFFERS} AND NOT coalesce(${DOUBTFUL_DESA}, false)) OR (${AREA_DIFFERS}))
        -- Implied by the test above, but without the raw row's desa name: the optimiser tests it
        -- before joining raw_dtks, which it otherwise joined to every row (1.35 s against 0.9 s at 1M).
        AND ((${DESA_DIFFERS}) OR (${AREA_DIFFERS}))`,
    );
  },
};
