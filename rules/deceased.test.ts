import { describe, expect, it } from 'vitest';
import { dtks, dukcapil, PEOPLE, plan } from './testing.js';

describe('life.deceased', () => {
  it('deactivates members Dukcapil records as dead, in every STAT_HIDUP form, and only confirmed ones', async () => {
    const { budi, siti, rizki, aini } = PEOPLE;
    const p = await plan(
      [
        dtks('01', budi),
        dtks('02', siti, { 'HUBUNGAN KELUARGA': 'ISTRI' }),
        dtks('03', rizki, { 'HUBUNGAN KELUARGA': 'ANAK' }),
        // someone else's NIK pointing at a dead record: not this person, not deactivated
        dtks('04', { ...aini, nik: budi.nik }, { 'HUBUNGAN KELUARGA': 'ANAK' }),
      ],
      [
        dukcapil(budi, { STAT_HIDUP: 'MATI', TGL_KEMATIAN: '2025-01-02' }),
        dukcapil(siti, { STAT_HIDUP: '2' }),
        dukcapil(rizki, { STAT_HIDUP: '1' }),
      ],
    );
    const f = await p.findings('life.deceased');
    expect(f.map((x) => [x.id_dtks, x.reason, x.evidence])).toEqual([
      [
        '01',
        'DECEASED',
        'Dukcapil mencatat meninggal dunia pada 02-01-2025; identitas cocok (nama dan tanggal lahir)',
      ],
      ['02', 'DECEASED', 'Dukcapil mencatat meninggal dunia; identitas cocok (nama dan tanggal lahir)'],
    ]);
    await p.close();
  });
});
