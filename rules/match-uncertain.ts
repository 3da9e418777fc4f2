import { percentSql, plainEvidenceSql, waterfallSql } from '../pipeline/link-nik.js';
import type { Rule } from './rule.js';

/**
 * A candidate in Dukcapil below the auto-accept threshold (or too close to a second one): a person
 * must look. Never applied automatically. The evidence says how the fields compare, not what the
 * candidate's values are (the workbook shows the candidate's NIK and name to the operator who must
 * decide on it; review.csv and the logs never do).
 */
export const matchUncertain: Rule = {
  id: 'match.uncertain',
  version: 4,
  reasons: ['MATCH_UNCERTAIN'],
  action: 'review',
  severity: 'medium',
  stage: 'link',
  settings: ['matching.minWeightMargin'],
  description: {
    id: 'Ada calon di Dukcapil tetapi keyakinannya di bawah ambang penerimaan otomatis',
    en: 'A Dukcapil candidate was found below the auto-accept threshold',
  },
  async run({ emit, config }) {
    // In words an operator reads: what agrees and what differs, then why it is not certain. The
    // weights stay in `detail` (the waterfall) for `padan explain`.
    await emit(
      'id_dtks, evidence, confidence, suggested_action, detail, candidate_baris',
      `
      SELECT p.id_dtks, 'ada calon di Dukcapil: ' || ${plainEvidenceSql('s')} || '; ' ||
          CASE WHEN p.mungkin_kembar THEN 'ada anggota keluarga lain yang lahir pada hari yang sama (mungkin kembar), sedangkan nama atau jenis kelamin tidak sama dengan data Dukcapil'
               WHEN p.dipakai_anggota_lain THEN 'data Dukcapil ini sudah cocok dengan baris DTKS lain yang namanya berbeda (mungkin kembar atau saudara)'
               WHEN p.second_weight IS NOT NULL AND p.match_weight - p.second_weight < ${config.matching.minWeightMargin}
                 THEN 'ada calon lain yang hampir sama kuat'
               WHEN NOT p.cukup_bukti THEN 'bukti kurang (nama atau tanggal lahir tidak cukup cocok), keyakinan ' || ${percentSql('p.match_probability')}
               ELSE 'keyakinan ' || ${percentSql('p.match_probability')} END,
        round(p.match_probability, 4),
        'Periksa KTP/KK anggota ini dan bandingkan dengan data Dukcapil; bila orang yang sama, perbaiki NIK di SIKS-NG',
        ${waterfallSql('s')}, p.dukcapil_baris
      FROM prob_best p
      JOIN nik_link_scores s ON s.l_id = p.id_dtks AND s.r_id = p.dukcapil_baris
      WHERE p.keputusan IN ('RAGU', 'DITERIMA')
        AND p.id_dtks NOT IN (SELECT id_dtks FROM matches WHERE status = 'PADAN')`,
    );
  },
};
