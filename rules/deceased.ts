import type { Rule } from './rule.js';

/** Dukcapil records the (confirmed) person as dead. */
export const deceased: Rule = {
  id: 'life.deceased',
  version: 1,
  reasons: ['DECEASED'],
  action: 'deactivate',
  severity: 'high',
  stage: 'detect',
  description: {
    id: 'Dukcapil mencatat anggota ini telah meninggal dunia',
    en: 'Dukcapil records the member as dead',
  },
  async run({ emit }) {
    await emit(
      'id_dtks, evidence, scope',
      `
      SELECT id_dtks, 'Dukcapil mencatat meninggal dunia' ||
          coalesce(' pada ' || strftime(dc_tgl_kematian, '%d-%m-%Y'), '') ||
          '; identitas cocok (nama dan tanggal lahir)',
        'PERSON'
      FROM dtks_padan WHERE padan_status = 'PADAN' AND dc_stat_hidup = 'MATI'`,
    );
  },
};
