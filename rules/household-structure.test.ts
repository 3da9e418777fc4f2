import { describe, expect, it } from 'vitest';
import { dtks, dukcapil, PEOPLE, plan } from './testing.js';

describe('household.structure', () => {
  it('flags no head, several heads, an under-age head, a child older than the head, and spread households', async () => {
    const { budi, siti, rizki, aini } = PEOPLE;
    const p = await plan(
      [
        dtks('01', budi, { 'ID KELUARGA': 'OK' }),
        dtks('02', siti, { 'ID KELUARGA': 'OK', 'HUBUNGAN KELUARGA': 'ISTRI' }),
        dtks('03', budi, { 'ID KELUARGA': 'NOHEAD', 'HUBUNGAN KELUARGA': 'ANAK' }),
        dtks('04', budi, { 'ID KELUARGA': 'TWO' }),
        dtks('05', siti, { 'ID KELUARGA': 'TWO' }),
        dtks('06', aini, { 'ID KELUARGA': 'YOUNG' }),
        dtks('07', rizki, { 'ID KELUARGA': 'OLDCHILD' }),
        dtks('08', budi, { 'ID KELUARGA': 'OLDCHILD', 'HUBUNGAN KELUARGA': 'ANAK' }),
        dtks('09', budi, { 'ID KELUARGA': 'SPREAD' }),
        dtks('10', siti, { 'ID KELUARGA': 'SPREAD', 'HUBUNGAN KELUARGA': '2', 'DESA/KELURAHAN': 'WANASARI' }),
      ],
      [dukcapil(budi), dukcapil(siti), dukcapil(rizki), dukcapil(aini)],
    );
    const f = await p.findings('household.structure');
    expect(f.map((x) => [x.id_dtks, x.evidence])).toEqual([
      ['03', 'Keluarga NOHEAD: keluarga tanpa kepala keluarga'],
      ['04', 'Keluarga TWO: keluarga dengan 2 kepala keluarga'],
      ['05', 'Keluarga TWO: keluarga dengan 2 kepala keluarga'],
      ['06', 'Keluarga YOUNG: kepala keluarga berumur di bawah 15 tahun'],
      ['07', 'Keluarga OLDCHILD: anak lebih tua dari kepala keluarga'],
      ['08', 'Keluarga OLDCHILD: anak lebih tua dari kepala keluarga'],
      ['09', 'Keluarga SPREAD: anggota keluarga tersebar di 2 desa/kelurahan'],
      ['10', 'Keluarga SPREAD: anggota keluarga tersebar di 2 desa/kelurahan'],
    ]);
    await p.close();
  });
});
