import type { Rule } from './rule.js';
import { ageSql } from './sql.js';

/**
 * The head of household died and other members live on: the household keeps its aid but needs a
 * new head. Suggest the spouse, else the eldest adult member, by ID DTKS (never by NIK).
 */
export const headDeceased: Rule = {
  id: 'household.head_deceased',
  version: 1,
  reasons: ['HEAD_DECEASED'],
  action: 'review',
  severity: 'medium',
  stage: 'detect',
  settings: ['household.adultAge'],
  reads: ['life.deceased'],
  description: {
    id: 'Kepala keluarga meninggal dunia sedangkan anggota lain masih hidup: tetapkan kepala keluarga baru',
    en: 'The head of household died and other members live: choose a new head',
  },
  async run({ emit, config, referenceDate }) {
    await emit(
      'id_dtks, evidence, suggested_action',
      `
      WITH dead AS (SELECT id_dtks FROM findings WHERE rule = 'life.deceased'),
      heads AS (
        SELECT d.id_dtks, d.id_keluarga FROM dtks d JOIN dead USING (id_dtks) WHERE d.hubungan = 'KEPALA KELUARGA'
      ),
      living AS (
        SELECT d.* FROM dtks d WHERE d.id_dtks NOT IN (SELECT id_dtks FROM dead)
      ),
      suggestion AS (
        SELECT h.id_dtks, l.id_dtks AS calon, l.hubungan, count(*) OVER (PARTITION BY h.id_dtks) AS hidup,
          row_number() OVER (PARTITION BY h.id_dtks ORDER BY
            (l.hubungan IN ('ISTRI', 'SUAMI')) DESC,
            (${ageSql('l.tgl_lahir', '$ref::DATE')} >= ${config.household.adultAge}) DESC NULLS LAST,
            l.tgl_lahir NULLS LAST, l._baris) AS rn
        FROM heads h JOIN living l ON l.id_keluarga = h.id_keluarga
      )
      SELECT id_dtks, 'Kepala keluarga meninggal dunia; ' || hidup || ' anggota lain masih hidup',
        'Tetapkan ID DTKS ' || calon || ' (' || lower(coalesce(hubungan, 'anggota')) || ') sebagai kepala keluarga baru'
      FROM suggestion WHERE rn = 1`,
      { ref: referenceDate },
    );
  },
};
