import type { Rule } from './rule.js';
import { failedChecksSql } from './sql.js';

/** What an operator does about a broken KK number. */
const SARAN = "'Periksa Nomor KK pada kartu keluarga terbaru dan perbaiki di SIKS-NG'";

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
    // As in nik.structure: the parts as flags first, the evidence only for the rows with a broken part.
    const { evidence, anyFails } = failedChecksSql(
      [
        {
          fails: 'NOT kec_dikenal',
          message: "'kode kecamatan Nomor KK ' || padan_kk_kec(no_kk) || ' tidak dikenal'",
        },
        { fails: 'tanggal_salah', message: "'tanggal terbit dalam Nomor KK tidak valid'" },
        { fails: 'serial_salah', message: "'nomor urut Nomor KK 0000 tidak valid'" },
      ],
      { fails: 'pengisi', message: "'Nomor KK berupa angka pengisi (placeholder)'" },
    );
    await emit(
      'id_dtks, evidence, suggested_action',
      `
      WITH angka AS (
        SELECT id_dtks, no_kk, padan_nik_placeholder(no_kk) AS pengisi,
          padan_kk_kec(no_kk) IN (SELECT kode FROM ref_kode_prefix) AS kec_dikenal,
          padan_kk_tanggal(no_kk, $ref::DATE) IS NULL AS tanggal_salah,
          right(no_kk, 4) = '0000' AS serial_salah
        FROM dtks WHERE no_kk_bentuk = 'ANGKA16'
      )
      SELECT id_dtks, ${evidence}, ${SARAN} FROM angka WHERE ${anyFails}
      UNION ALL
      SELECT id_dtks,
        CASE no_kk_bentuk
          WHEN 'KOSONG' THEN 'Nomor KK kosong'
          WHEN 'EXCEL' THEN 'Nomor KK rusak oleh Excel (notasi ilmiah)'
          WHEN 'BUKAN_ANGKA' THEN 'Nomor KK mengandung karakter selain angka'
          WHEN 'ANGKA_LAIN' THEN 'Nomor KK terdiri dari ' || length(no_kk) || ' digit, seharusnya 16'
        END, ${SARAN}
      FROM dtks WHERE no_kk_bentuk IN ('KOSONG', 'EXCEL', 'BUKAN_ANGKA', 'ANGKA_LAIN')`,
      { ref: referenceDate },
    );
  },
};
