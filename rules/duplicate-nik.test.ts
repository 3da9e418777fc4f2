import { describe, expect, it } from 'vitest';
import { dtks, dukcapil, PEOPLE, plan } from './testing.js';

describe('duplicate.same_nik', () => {
  it('keeps one row of a person registered twice, preferring the Dukcapil domicile', async () => {
    const { budi, siti, rizki } = PEOPLE;
    const p = await plan(
      [
        dtks('01', budi, { 'ID KELUARGA': 'A', 'DESA/KELURAHAN': 'WANASARI' }),
        dtks('02', budi, { 'ID KELUARGA': 'B' }), // in the Dukcapil domicile: kept
        dtks('03', { ...budi, nama: 'BUDI SANTOSA' }, { 'ID KELUARGA': 'C' }), // a typo, same person
        dtks('04', siti, { 'ID KELUARGA': 'B' }),
        // not in Dukcapil, twice with the same identity: one is a duplicate
        dtks('05', rizki, { 'ID KELUARGA': 'B' }),
        dtks('06', rizki, { 'ID KELUARGA': 'B' }),
        // same NIK, another person: not a duplicate
        dtks('07', { nik: siti.nik, nama: 'NUR AINI', tgl: '2012-09-09', jk: 'P' }, { 'ID KELUARGA': 'B' }),
      ],
      [dukcapil(budi), dukcapil(siti)],
    );
    const f = await p.findings('duplicate.same_nik');
    expect(f.map((x) => [x.id_dtks, x.kept_id_dtks])).toEqual([
      ['01', '02'],
      ['03', '02'],
      ['06', '05'],
    ]);
    expect(f[0]?.evidence).toMatch(/dipertahankan ID DTKS 02 \(keluarga lain\)/);
    await p.close();
  });
});
