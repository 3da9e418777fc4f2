import type { Rule } from './rule.js';

/**
 * The family card number's structure: 16 digits, a known kecamatan prefix (current or retired), a
 * valid issue date DDMMYY (no +40), serial not 0000. A bad KK is a field anomaly to fix in SIKS-NG.
 */
export const kkStructure: Rule = {
  id: 'kk.structure',
  version: 1,
  reasons: ['FIELD_ANOMALY'],
  action: 'review',
  severity: 'low',
  stage: 'validate',
  description: {
    id: 'Nomor KK kosong atau tidak sesuai struktur (16 digit, kode kecamatan, tanggal terbit, nomor urut)',
    en: 'KK number empty or breaking the KK structure (16 digits, kecamatan prefix, issue date, serial)',
  },
  async run({ emit, referenceDate }) {
    await emit(
      'id_dtks, evidence, suggested_action',
      `
      WITH checks AS (
        SELECT id_dtks, CASE no_kk_bentuk
            WHEN 'KOSONG' THEN ['Nomor KK kosong']
            WHEN 'EXCEL' THEN ['Nomor KK rusak oleh Excel (notasi ilmiah)']
            WHEN 'BUKAN_ANGKA' THEN ['Nomor KK mengandung karakter selain angka']
            WHEN 'ANGKA_LAIN' THEN ['Nomor KK terdiri dari ' || length(no_kk) || ' digit, seharusnya 16']
            ELSE list_filter([
              CASE WHEN padan_nik_placeholder(no_kk) THEN 'Nomor KK berupa angka pengisi (placeholder)' END,
              CASE WHEN NOT padan_nik_placeholder(no_kk) AND padan_kk_kec(no_kk) NOT IN (SELECT kode FROM ref_kode_prefix)
                THEN 'kode kecamatan Nomor KK ' || padan_kk_kec(no_kk) || ' tidak dikenal' END,
              CASE WHEN NOT padan_nik_placeholder(no_kk) AND padan_kk_tanggal(no_kk, $ref::DATE) IS NULL
                THEN 'tanggal terbit dalam Nomor KK tidak valid' END,
              CASE WHEN NOT padan_nik_placeholder(no_kk) AND right(no_kk, 4) = '0000'
                THEN 'nomor urut Nomor KK 0000 tidak valid' END
            ], x -> x IS NOT NULL) END AS problems
        FROM dtks)
      SELECT id_dtks, array_to_string(problems, '; '),
        'Periksa Nomor KK pada kartu keluarga terbaru dan perbaiki di SIKS-NG'
      FROM checks WHERE len(problems) > 0`,
      { ref: referenceDate },
    );
  },
};
