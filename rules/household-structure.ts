import type { Rule } from './rule.js';

/**
 * Household structure: no head or several heads, a head under the minimum age, a child older than
 * the head, members spread over several desa. Each anomaly is reported on every member row it
 * concerns, for the operator who fixes the household in SIKS-NG.
 */
export const householdStructure: Rule = {
  id: 'household.structure',
  version: 1,
  reason: 'HOUSEHOLD_ANOMALY',
  action: 'review',
  severity: 'low',
  stage: 'detect',
  description: {
    id: 'Susunan keluarga janggal: tanpa kepala, kepala ganda, kepala di bawah umur, anak lebih tua dari kepala, anggota tersebar di beberapa desa',
    en: 'Household structure anomaly: no head, several heads, under-age head, child older than head, members in several desa',
  },
  async run({ db, config, referenceDate }) {
    await db.exec(
      `
      INSERT INTO findings (id_dtks, rule, reason, action, evidence, suggested_action)
      WITH hh AS (
        SELECT id_keluarga,
          count(*) FILTER (WHERE hubungan = 'KEPALA KELUARGA') AS heads,
          min(tgl_lahir) FILTER (WHERE hubungan = 'KEPALA KELUARGA') AS head_born,
          max(tgl_lahir) FILTER (WHERE hubungan = 'KEPALA KELUARGA') AS head_born_last,
          min(tgl_lahir) FILTER (WHERE hubungan = 'ANAK') AS eldest_child_born,
          count(DISTINCT kode_desa) AS desa
        FROM dtks GROUP BY id_keluarga
      ),
      problems AS (
        SELECT id_keluarga, list_filter([
          CASE WHEN heads = 0 THEN 'keluarga tanpa kepala keluarga' END,
          CASE WHEN heads > 1 THEN 'keluarga dengan ' || heads || ' kepala keluarga' END,
          CASE WHEN date_diff('year', head_born_last, $ref::DATE) < ${config.household.minHeadAge}
            THEN 'kepala keluarga berumur di bawah ${config.household.minHeadAge} tahun' END,
          CASE WHEN heads = 1 AND eldest_child_born < head_born THEN 'anak lebih tua dari kepala keluarga' END,
          CASE WHEN desa > 1 THEN 'anggota keluarga tersebar di ' || desa || ' desa/kelurahan' END
        ], x -> x IS NOT NULL) AS p
        FROM hh
      )
      SELECT d.id_dtks, 'household.structure', 'HOUSEHOLD_ANOMALY', 'review',
        'Keluarga ' || d.id_keluarga || ': ' || array_to_string(p.p, '; '),
        'Periksa susunan anggota keluarga pada KK dan perbaiki di SIKS-NG'
      FROM dtks d JOIN problems p USING (id_keluarga)
      WHERE len(p.p) > 0`,
      { ref: referenceDate },
    );
  },
};
