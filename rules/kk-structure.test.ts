import { describe, expect, it } from 'vitest';
import { dtks, dukcapil, PEOPLE, plan } from './testing.js';

describe('kk.structure', () => {
  it('flags empty and malformed KK numbers only', async () => {
    const { budi } = PEOPLE;
    const p = await plan(
      [
        dtks('01', budi),
        dtks('02', budi, { 'ID KELUARGA': 'K2', 'NOMOR KK': '' }),
        dtks('03', budi, { 'ID KELUARGA': 'K3', 'NOMOR KK': '33280118011300' }),
        dtks('04', budi, { 'ID KELUARGA': 'K4', 'NOMOR KK': '3328013213130001' }),
        dtks('05', budi, { 'ID KELUARGA': 'K5', 'NOMOR KK': '3328011801130000' }),
        dtks('06', budi, { 'ID KELUARGA': 'K6', 'NOMOR KK': '3399011801130001' }),
        dtks('07', budi, { 'ID KELUARGA': 'K7', 'NOMOR KK': '9101011801130001' }), // retired Papua code
      ],
      [dukcapil(budi)],
    );
    const f = await p.findings('kk.structure');
    expect(f.map((x) => [x.id_dtks, x.evidence])).toEqual([
      ['02', 'Nomor KK kosong'],
      ['03', 'Nomor KK terdiri dari 14 digit, seharusnya 16'],
      ['04', 'tanggal terbit dalam Nomor KK tidak valid'],
      ['05', 'nomor urut Nomor KK 0000 tidak valid'],
      ['06', 'kode kecamatan Nomor KK 33.99.01 tidak dikenal'],
    ]);
    await p.close();
  });
});
