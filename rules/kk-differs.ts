import type { Rule } from './rule.js';

/**
 * A confirmed member whose KK number differs from the one Dukcapil holds. Information only: KK
 * numbers change (a family splits, moves, a new card is issued), so a different KK is no error by
 * itself; field.from_dukcapil proposes the new number when no_kk is among the corrected fields.
 */
export const kkDiffers: Rule = {
  id: 'kk.differs',
  version: 1,
  reasons: ['FIELD_ANOMALY'],
  action: 'info',
  severity: 'info',
  stage: 'detect',
  description: {
    id: 'Nomor KK berbeda dengan KK di Dukcapil (informasi: nomor KK dapat berganti)',
    en: 'The KK number differs from the one in Dukcapil (information: KK numbers change)',
  },
  async run({ emit }) {
    await emit(
      'id_dtks, evidence',
      `
      SELECT id_dtks,
        CASE WHEN no_kk IS NULL THEN 'Nomor KK kosong; Dukcapil mencatat KK lain'
             ELSE 'Nomor KK berbeda dengan KK di Dukcapil' END ||
          CASE WHEN dc_no_kk IS NOT NULL AND no_kk IS NOT NULL AND left(dc_no_kk, 6) <> left(no_kk, 6)
               THEN ' (KK Dukcapil diterbitkan di kecamatan lain)' ELSE '' END
      FROM dtks_padan
      WHERE padan_status = 'PADAN' AND length(dc_no_kk) = 16 AND no_kk IS DISTINCT FROM dc_no_kk`,
    );
  },
};
