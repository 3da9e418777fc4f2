import type { Rule } from './rule.js';

/** A well-formed NIK that Dukcapil does not know. */
export const nikNotFound: Rule = {
  id: 'nik.not_found',
  version: 1,
  reasons: ['NIK_NOT_FOUND'],
  action: 'review',
  severity: 'medium',
  stage: 'match',
  reads: ['nik.structure'],
  description: {
    id: 'NIK berstruktur benar tetapi tidak ada di data Dukcapil',
    en: 'Well-formed NIK not in the Dukcapil extract',
  },
  async run({ emit }) {
    await emit(
      'id_dtks, evidence, suggested_action',
      `
      SELECT m.id_dtks, 'NIK tidak ditemukan di data Dukcapil',
        'Cocokkan NIK dengan KTP/KK; bila benar, ajukan konsolidasi ke Dukcapil'
      FROM matches m
      WHERE m.status = 'TIDAK_DITEMUKAN'
        AND m.id_dtks NOT IN (SELECT id_dtks FROM findings WHERE rule = 'nik.structure')`,
    );
  },
};
