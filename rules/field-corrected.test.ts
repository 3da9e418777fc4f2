import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../pipeline/config.js';
import { dtks, dukcapil, PEOPLE, plan } from './testing.js';

describe('field.from_dukcapil', () => {
  it('takes name, date, sex, KK and mother’s name from Dukcapil for confirmed people only', async () => {
    const { budi, siti, rizki, aini } = PEOPLE;
    const p = await plan(
      [
        dtks(
          '01',
          { ...budi, nama: 'BUDI SANTOSA' },
          { 'NOMOR KK': '3328010101100009', 'NAMA IBU KANDUNG': 'SUMIYATI' },
        ),
        dtks('02', { ...siti, jk: 'L' }), // sex mistyped
        dtks('03', { ...rizki, tgl: '2010-05-06' }), // day and month swapped
        // Differs only in case, spacing and punctuation: normalisation explains it, no correction.
        dtks('04', { ...aini, nama: 'nur  aini' }, { 'NAMA IBU KANDUNG': 'sumiati.' }),
        // Two slips at once (sex and date) are not enough to confirm the identity: no correction.
        dtks('05', { ...budi, nik: '3328011411830002', jk: 'P', tgl: '1983-11-13' }),
      ],
      [
        dukcapil(budi),
        dukcapil(siti),
        dukcapil(rizki),
        dukcapil(aini),
        dukcapil({ ...budi, nik: '3328011411830002' }),
      ],
    );
    const f = await p.findings('field.from_dukcapil');
    expect(f.map((x) => [x.id_dtks, x.field, x.old_value, x.new_value])).toEqual([
      ['01', 'nama', 'BUDI SANTOSA', 'BUDI SANTOSO'],
      ['01', 'nama_ibu_kandung', 'SUMIYATI', 'SUMIATI'],
      ['01', 'no_kk', '3328010101100009', '3328011801130001'],
      ['02', 'jenis_kelamin', 'L', 'P'],
      ['03', 'tgl_lahir', '2010-05-06', '2010-06-05'],
    ]);
    for (const x of f) expect(x.confidence).toBeGreaterThan(0.8);
    await p.close();
  });

  it('corrects only the fields the config lists', async () => {
    const { budi } = PEOPLE;
    const config = { ...defaultConfig(), referenceDate: '2026-11-01' };
    config.corrections = { fields: ['no_kk'] };
    const p = await plan(
      [dtks('01', { ...budi, nama: 'BUDI SANTOSA' }, { 'NOMOR KK': '3328010101100009' })],
      [dukcapil(budi)],
      config,
    );
    const f = await p.findings('field.from_dukcapil');
    expect(f.map((x) => x.field)).toEqual(['no_kk']);
    await p.close();
  });
});
