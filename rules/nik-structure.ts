import type { Rule } from './rule.js';
import { failedChecksSql } from './sql.js';

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
    // The 16-digit NIKs' parts as flags first; the evidence only for the rows with a broken part.
    const { evidence, anyFails } = failedChecksSql(
      [
        {
          fails: 'NOT prov_dikenal',
          message: "'kode provinsi NIK ' || padan_nik_prov(nik) || ' tidak dikenal'",
        },
        {
          fails: 'prov_dikenal AND NOT kab_dikenal',
          message: "'kode kabupaten/kota NIK ' || padan_nik_kab(nik) || ' tidak dikenal'",
        },
        {
          fails: 'kab_dikenal AND NOT kec_dikenal',
          message: "'kode kecamatan NIK ' || padan_nik_kec(nik) || ' tidak dikenal'",
        },
        { fails: 'lahir_salah', message: "'tanggal lahir dalam NIK tidak valid'" },
        { fails: 'serial_salah', message: "'nomor urut NIK 0000 tidak valid'" },
      ],
      { fails: 'pengisi', message: "'NIK berupa angka pengisi (placeholder)'" },
    );
    await emit(
      'id_dtks, reason, evidence',
      `
      WITH angka AS (
        SELECT id_dtks, nik, padan_nik_placeholder(nik) AS pengisi,
          padan_nik_prov(nik) IN (SELECT kode FROM ref_kode_prefix) AS prov_dikenal,
          padan_nik_kab(nik) IN (SELECT kode FROM ref_kode_prefix) AS kab_dikenal,
          padan_nik_kec(nik) IN (SELECT kode FROM ref_kode_prefix) AS kec_dikenal,
          padan_nik_lahir(nik, $ref::DATE) IS NULL AS lahir_salah,
          padan_nik_serial(nik) = '0000' AS serial_salah
        FROM dtks WHERE nik_bentuk = 'ANGKA16'
      )
      SELECT id_dtks, 'NIK_INVALID', ${evidence} FROM angka WHERE ${anyFails}
      UNION ALL
      SELECT id_dtks, CASE WHEN nik_bentuk = 'KOSONG' THEN 'NIK_MISSING' ELSE 'NIK_INVALID' END,
        CASE nik_bentuk
          WHEN 'KOSONG' THEN 'NIK kosong'
          WHEN 'EXCEL' THEN 'NIK rusak oleh Excel (notasi ilmiah, digit terakhir hilang); ambil dari KTP/KK asli'
          WHEN 'BUKAN_ANGKA' THEN 'NIK mengandung karakter selain angka'
          WHEN 'ANGKA_LAIN' THEN 'NIK terdiri dari ' || length(nik) || ' digit, seharusnya 16'
        END
      FROM dtks WHERE nik_bentuk IN ('KOSONG', 'EXCEL', 'BUKAN_ANGKA', 'ANGKA_LAIN')`,
      { ref: referenceDate },
    );
  },
};
