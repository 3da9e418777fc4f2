import type { Rule } from './rule.js';

/**
 * The NIK's own structure (DOMAIN.md): 16 digits, not a placeholder, a known province, kab/kota and
 * kecamatan prefix (current or retired: NIKs keep the code they were issued under), a real birth
 * date (day + 40 for women), serial not 0000. Excel-mangled NIKs are named as such and never
 * repaired by guessing the lost digits. One finding per row, listing every broken part.
 */
export const nikStructure: Rule = {
  id: 'nik.structure',
  version: 1,
  reasons: ['NIK_INVALID', 'NIK_MISSING'],
  action: 'review',
  severity: 'medium',
  stage: 'validate',
  description: {
    id: 'NIK kosong atau tidak sesuai struktur NIK (16 digit, kode wilayah, tanggal lahir, nomor urut)',
    en: 'NIK empty or breaking the NIK structure (16 digits, region prefix, birth date, serial)',
  },
  async run({ emit, referenceDate }) {
    await emit(
      'id_dtks, reason, evidence',
      `
      WITH checks AS (
        SELECT id_dtks, nik_bentuk, nik,
          CASE nik_bentuk
            WHEN 'KOSONG' THEN ['NIK kosong']
            WHEN 'EXCEL' THEN ['NIK rusak oleh Excel (notasi ilmiah, digit terakhir hilang); ambil dari KTP/KK asli']
            WHEN 'BUKAN_ANGKA' THEN ['NIK mengandung karakter selain angka']
            WHEN 'ANGKA_LAIN' THEN ['NIK terdiri dari ' || length(nik) || ' digit, seharusnya 16']
            ELSE list_filter([
              CASE WHEN padan_nik_placeholder(nik) THEN 'NIK berupa angka pengisi (placeholder)' END,
              CASE WHEN NOT padan_nik_placeholder(nik) AND padan_nik_prov(nik) NOT IN (SELECT kode FROM ref_kode_prefix)
                THEN 'kode provinsi NIK ' || padan_nik_prov(nik) || ' tidak dikenal' END,
              CASE WHEN NOT padan_nik_placeholder(nik) AND padan_nik_prov(nik) IN (SELECT kode FROM ref_kode_prefix)
                AND padan_nik_kab(nik) NOT IN (SELECT kode FROM ref_kode_prefix)
                THEN 'kode kabupaten/kota NIK ' || padan_nik_kab(nik) || ' tidak dikenal' END,
              CASE WHEN NOT padan_nik_placeholder(nik) AND padan_nik_kab(nik) IN (SELECT kode FROM ref_kode_prefix)
                AND padan_nik_kec(nik) NOT IN (SELECT kode FROM ref_kode_prefix)
                THEN 'kode kecamatan NIK ' || padan_nik_kec(nik) || ' tidak dikenal' END,
              CASE WHEN NOT padan_nik_placeholder(nik) AND padan_nik_lahir(nik, $ref::DATE) IS NULL
                THEN 'tanggal lahir dalam NIK tidak valid' END,
              CASE WHEN NOT padan_nik_placeholder(nik) AND padan_nik_serial(nik) = '0000'
                THEN 'nomor urut NIK 0000 tidak valid' END
            ], x -> x IS NOT NULL)
          END AS problems
        FROM dtks
      )
      SELECT id_dtks, CASE WHEN nik_bentuk = 'KOSONG' THEN 'NIK_MISSING' ELSE 'NIK_INVALID' END,
        array_to_string(problems, '; ')
      FROM checks WHERE len(problems) > 0`,
      { ref: referenceDate },
    );
  },
};
