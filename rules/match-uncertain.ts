import { waterfallSql } from '../pipeline/link-nik.js';
import type { Rule } from './rule.js';

/**
 * A candidate in Dukcapil below the auto-accept threshold (or too close to a second one): a person
 * must look. Never applied automatically. The evidence says how the fields compare, not what the
 * candidate's values are.
 */
export const matchUncertain: Rule = {
  id: 'match.uncertain',
  version: 1,
  reason: 'MATCH_UNCERTAIN',
  action: 'review',
  severity: 'medium',
  stage: 'link',
  description: {
    id: 'Ada calon di Dukcapil tetapi keyakinannya di bawah ambang penerimaan otomatis',
    en: 'A Dukcapil candidate was found below the auto-accept threshold',
  },
  async run({ db }) {
    await db.exec(`
      INSERT INTO findings (id_dtks, rule, reason, action, evidence, confidence, suggested_action, detail)
      SELECT p.id_dtks, 'match.uncertain', 'MATCH_UNCERTAIN', 'review',
        'Calon di Dukcapil dengan peluang ' || CAST(round(p.match_probability, 4) AS VARCHAR) ||
          CASE WHEN p.second_probability >= 0.5 THEN '; ada calon kedua dengan peluang ' ||
            CAST(round(p.second_probability, 4) AS VARCHAR) ELSE '' END || ' — ' || ${waterfallSql('s')},
        round(p.match_probability, 4),
        'Periksa KTP/KK anggota ini dan bandingkan dengan data Dukcapil; bila orang yang sama, perbaiki NIK di SIKS-NG',
        ${waterfallSql('s')}
      FROM prob_best p
      JOIN nik_link_scores s ON s.l_id = p.id_dtks AND s.r_id = p.dukcapil_baris
      WHERE p.keputusan IN ('RAGU', 'DITERIMA')
        AND p.id_dtks NOT IN (SELECT id_dtks FROM matches WHERE status = 'PADAN')`);
  },
};
