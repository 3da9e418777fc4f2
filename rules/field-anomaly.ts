import type { Rule } from './rule.js';

/** Single-field anomalies operators fix in SIKS-NG: impossible age, unreadable birth date or sex, placeholder mother's name. */
export const fieldAnomaly: Rule = {
  id: 'field.anomaly',
  version: 1,
  reason: 'FIELD_ANOMALY',
  action: 'review',
  severity: 'low',
  stage: 'validate',
  description: {
    id: 'Isian janggal: umur tidak wajar, tanggal lahir atau jenis kelamin tidak terbaca, nama ibu kandung kosong atau pengisi',
    en: "Field anomaly: implausible age, unreadable birth date or sex, missing or placeholder mother's name",
  },
  async run({ db, config, referenceDate }) {
    await db.exec(
      `
      INSERT INTO findings (id_dtks, rule, reason, action, evidence, suggested_action)
      WITH p AS (
        SELECT id_dtks, list_filter([
          CASE WHEN tgl_lahir IS NULL AND tgl_lahir_bentuk = 'KOSONG' THEN 'tanggal lahir kosong'
               WHEN tgl_lahir IS NULL THEN 'tanggal lahir tidak terbaca' END,
          CASE WHEN tgl_lahir > $ref::DATE THEN 'tanggal lahir di masa depan' END,
          CASE WHEN date_diff('year', tgl_lahir, $ref::DATE) > ${config.fields.maxAge}
            THEN 'umur lebih dari ${config.fields.maxAge} tahun' END,
          CASE WHEN jenis_kelamin IS NULL THEN 'jenis kelamin kosong atau tidak dikenal' END,
          CASE WHEN hubungan IS NULL THEN 'hubungan keluarga kosong atau tidak dikenal' END,
          CASE WHEN nama IS NULL THEN 'nama kosong' END,
          CASE WHEN upper(nama_ibu_kandung) IN ('-', 'X', 'XX', 'XXX', '0', 'TIDAK TAHU', 'TIDAK TAU', 'TDK TAHU', 'NN', 'IBU', 'IBU KANDUNG')
            THEN 'nama ibu kandung berupa isian pengisi' END
        ], x -> x IS NOT NULL) AS problems
        FROM dtks)
      SELECT id_dtks, 'field.anomaly', 'FIELD_ANOMALY', 'review', array_to_string(problems, '; '),
        'Periksa isian pada dokumen kependudukan dan perbaiki di SIKS-NG'
      FROM p WHERE len(problems) > 0`,
      { ref: referenceDate },
    );
  },
};
