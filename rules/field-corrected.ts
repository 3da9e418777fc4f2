import type { Rule } from './rule.js';

/**
 * When the identity is confirmed, Dukcapil is the authority on name, birth date, sex, KK and
 * mother's name: take its values where they differ. The region is region.from_dukcapil's.
 */
export const fieldCorrected: Rule = {
  id: 'field.from_dukcapil',
  version: 3,
  reasons: ['FIELD_CORRECTED'],
  action: 'correct',
  severity: 'low',
  stage: 'detect',
  settings: ['corrections.fields'],
  description: {
    id: 'Nama, tanggal lahir, jenis kelamin, Nomor KK atau nama ibu kandung diambil dari Dukcapil',
    en: "Name, birth date, sex, KK or mother's name taken from the matched Dukcapil record",
  },
  async run({ emit, config }) {
    const fields = new Set(config.corrections.fields);
    const candidates: string[] = [];
    // Each field a candidate of the row, read in one pass of dtks_padan (a join of a million rows
    // with their records): a union of one query per field read the view five times.
    const candidate = (field: string, oldSql: string, newSql: string, differs: string, evidence: string) => {
      if (!fields.has(field as never)) return;
      candidates.push(`CASE WHEN ${differs} THEN {'field': '${field}', 'old_value': CAST(${oldSql} AS VARCHAR),
        'new_value': CAST(${newSql} AS VARCHAR), 'evidence': '${evidence}'} END`);
    };
    // A name that differs only in case, spacing or punctuation (`rahman susilo`, `RAHMAN  SUSILO`)
    // is the same text: no operator needs to see it, and SIKS-NG gains nothing from the change.
    candidate(
      'nama',
      'nama',
      'dc_nama',
      'dc_nama IS NOT NULL AND padan_teks_beda(nama, dc_nama)',
      'Nama disesuaikan dengan Dukcapil',
    );
    candidate(
      'tgl_lahir',
      "strftime(tgl_lahir, '%Y-%m-%d')",
      "strftime(dc_tgl_lahir, '%Y-%m-%d')",
      'dc_tgl_lahir IS NOT NULL AND tgl_lahir IS DISTINCT FROM dc_tgl_lahir',
      'Tanggal lahir disesuaikan dengan Dukcapil',
    );
    candidate(
      'jenis_kelamin',
      'jenis_kelamin',
      'dc_jenis_kelamin',
      'dc_jenis_kelamin IS NOT NULL AND jenis_kelamin IS DISTINCT FROM dc_jenis_kelamin',
      'Jenis kelamin disesuaikan dengan Dukcapil',
    );
    candidate(
      'no_kk',
      'no_kk',
      'dc_no_kk',
      'dc_no_kk IS NOT NULL AND length(dc_no_kk) = 16 AND no_kk IS DISTINCT FROM dc_no_kk',
      'Nomor KK disesuaikan dengan KK terbaru di Dukcapil',
    );
    candidate(
      'nama_ibu_kandung',
      'nama_ibu_kandung',
      'dc_nama_ibu_kandung',
      'dc_nama_ibu_kandung IS NOT NULL AND padan_teks_beda(nama_ibu_kandung, dc_nama_ibu_kandung)',
      'Nama ibu kandung disesuaikan dengan Dukcapil',
    );
    if (candidates.length > 0) {
      await emit(
        'id_dtks, evidence, field, old_value, new_value, confidence',
        `SELECT id_dtks, c.evidence, c.field, c.old_value, c.new_value, confidence FROM (
          SELECT id_dtks, yakin AS confidence, unnest([${candidates.join(', ')}]) AS c
          FROM dtks_padan WHERE padan_status = 'PADAN')
        WHERE c IS NOT NULL`,
      );
    }
  },
};
