import { percentSql, plainEvidenceSql, waterfallSql } from '../pipeline/link-nik.js';
import type { Rule } from './rule.js';

/**
 * The NIK was missing, invalid, not found or someone else's, and probabilistic matching found the
 * person in Dukcapil with a probability at or above the auto threshold, clearly ahead of any other
 * candidate: the NIK is corrected. Never for rows exact matching confirmed. A row taken for the
 * person whose record a row of another household holds (one person registered twice, the region
 * and KK aside: link-nik.ts) says so, naming that row.
 */
export const nikCorrected: Rule = {
  id: 'nik.corrected',
  version: 3,
  reasons: ['NIK_CORRECTED'],
  action: 'correct',
  severity: 'medium',
  stage: 'link',
  description: {
    id: 'NIK kosong, salah atau milik orang lain; orangnya ditemukan di Dukcapil dengan keyakinan tinggi',
    en: 'NIK missing, wrong or someone else’s; the person was found in Dukcapil with high confidence',
  },
  async run({ emit }) {
    await emit(
      'id_dtks, evidence, field, old_value, new_value, confidence, detail',
      `
      SELECT m.id_dtks, 'Ditemukan di Dukcapil: ' || ${plainEvidenceSql('s')} || '; keyakinan ' || ${percentSql('p.match_probability')} ||
          CASE WHEN p.terdaftar_di IS NOT NULL THEN '; orang yang sama terdaftar juga sebagai ID DTKS ' || p.terdaftar_di ||
            ' di keluarga lain, yang memegang data Dukcapil ini (beda wilayah dan Nomor KK tidak dihitung)' ELSE '' END,
        'nik', d.nik, c.nik, round(p.match_probability, 4), ${waterfallSql('s')}
      FROM matches m
      JOIN prob_best p ON p.id_dtks = m.id_dtks AND p.dukcapil_baris = m.dukcapil_baris
      JOIN nik_link_scores s ON s.l_id = p.id_dtks AND s.r_id = p.dukcapil_baris
      JOIN dtks d ON d.id_dtks = m.id_dtks
      JOIN dukcapil c ON c._baris = m.dukcapil_baris
      WHERE m.metode = 'PROBABILISTIK' AND d.nik IS DISTINCT FROM c.nik`,
    );
  },
};
