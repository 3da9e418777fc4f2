import { describe, expect, it } from 'vitest';
import { dtks, dukcapil, PEOPLE, plan } from './testing.js';

describe('household.head_deceased', () => {
  it('suggests the spouse as the new head when the head died and others live', async () => {
    const { budi, siti, rizki, aini } = PEOPLE;
    const p = await plan(
      [
        dtks('01', budi),
        dtks('02', rizki, { 'HUBUNGAN KELUARGA': 'ANAK' }),
        dtks('03', siti, { 'HUBUNGAN KELUARGA': 'ISTRI' }),
        // a household whose only member died: no new head to suggest
        dtks('04', aini, { 'ID KELUARGA': 'KEL2' }),
      ],
      [
        dukcapil(budi, { STAT_HIDUP: 'MATI' }),
        dukcapil(siti),
        dukcapil(rizki),
        dukcapil(aini, { STAT_HIDUP: 'MATI' }),
      ],
    );
    const f = await p.findings('household.head_deceased');
    expect(f.map((x) => [x.id_dtks, x.suggested_action])).toEqual([
      ['01', 'Tetapkan ID DTKS 03 (istri) sebagai kepala keluarga baru'],
    ]);
    await p.close();
  });
});
