import type { Rule } from './rule.js';
import { failedChecksSql } from './sql.js';

/**
 * A well-formed NIK whose embedded birth date or sex differs from the row's own: evidence (the NIK
 * may be someone else's, or the row's date mistyped), not a decision by itself.
 */
export const nikBirthMismatch: Rule = {
  id: 'nik.birth_mismatch',
  version: 1,
  reasons: [],
  action: 'info',
  severity: 'info',
  stage: 'validate',
  description: {
    id: 'Tanggal lahir atau jenis kelamin yang tersirat dalam NIK berbeda dengan data baris',
    en: "The birth date or sex embedded in the NIK differs from the row's own",
  },
  async run({ emit, referenceDate }) {
    const { evidence, anyFails } = failedChecksSql([
      {
        fails: "tgl_lahir IS NOT NULL AND padan_nik_ddmmyy(nik) <> strftime(tgl_lahir, '%d%m%y')",
        message: "'tanggal lahir dalam NIK berbeda dengan TANGGAL LAHIR'",
      },
      {
        fails: 'jenis_kelamin IS NOT NULL AND padan_nik_jk(nik) <> jenis_kelamin',
        message: "'jenis kelamin dalam NIK berbeda dengan JENIS KELAMIN'",
      },
    ]);
    await emit(
      'id_dtks, evidence',
      `
      SELECT id_dtks, ${evidence}
      FROM dtks
      WHERE nik_bentuk = 'ANGKA16' AND NOT padan_nik_placeholder(nik) AND padan_nik_lahir(nik, $ref::DATE) IS NOT NULL
        AND ${anyFails}`,
      { ref: referenceDate },
    );
  },
};
