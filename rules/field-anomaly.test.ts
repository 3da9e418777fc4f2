import { describe, expect, it } from 'vitest';
import { dtks, dukcapil, PEOPLE, plan } from './testing.js';

describe('field.anomaly', () => {
  it('flags impossible ages, unreadable dates and sex, placeholder mother names', async () => {
    const { budi, siti } = PEOPLE;
    const p = await plan(
      [
        dtks('01', budi),
        dtks('02', { ...budi, tgl: '1900-01-01' }, { 'ID KELUARGA': 'K2' }),
        dtks('03', { ...budi, tgl: '31-02-1990' }, { 'ID KELUARGA': 'K3' }),
        dtks('04', { ...budi, tgl: '' }, { 'ID KELUARGA': 'K4' }),
        dtks('05', { ...siti, jk: 'X' as 'L' }, { 'ID KELUARGA': 'K5' }),
        dtks('06', siti, { 'ID KELUARGA': 'K6', 'NAMA IBU KANDUNG': 'tidak tahu' }),
        dtks('07', siti, { 'ID KELUARGA': 'K7', 'HUBUNGAN KELUARGA': 'TETANGGA' }),
      ],
      [dukcapil(budi), dukcapil(siti)],
    );
    const f = await p.findings('field.anomaly');
    expect(f.map((x) => [x.id_dtks, x.evidence])).toEqual([
      ['02', 'umur lebih dari 110 tahun'],
      ['03', 'tanggal lahir tidak terbaca'],
      ['04', 'tanggal lahir kosong'],
      ['05', 'jenis kelamin kosong atau tidak dikenal'],
      ['06', 'nama ibu kandung berupa isian pengisi'],
      ['07', 'hubungan keluarga kosong atau tidak dikenal'],
    ]);
    await p.close();
  });
});
