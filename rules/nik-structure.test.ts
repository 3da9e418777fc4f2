import { describe, expect, it } from 'vitest';
import { dtks, dukcapil, PEOPLE, plan } from './testing.js';

describe('nik.structure', () => {
  it('flags every broken part of a NIK and leaves good NIKs alone', async () => {
    const { budi, siti } = PEOPLE;
    const p = await plan(
      [
        dtks('01', budi),
        dtks('02', { ...budi, nik: '' }),
        dtks('03', { ...budi, nik: '3.32801E+15' }),
        dtks('04', { ...budi, nik: '332801141183000' }),
        dtks('05', { ...budi, nik: '33280114118300X1' }),
        dtks('06', { ...budi, nik: '0000000000000000' }),
        dtks('07', { ...budi, nik: '1234567890123456' }),
        dtks('08', { ...budi, nik: '3328010000000000' }),
        dtks('09', { ...budi, nik: '9928011411830001' }),
        dtks('10', { ...budi, nik: '3399011411830001' }),
        dtks('11', { ...budi, nik: '3328991411830001' }),
        dtks('12', { ...budi, nik: '3328013211830001' }),
        dtks('13', { ...budi, nik: '3328011413830001' }),
        dtks('14', { ...budi, nik: '3328011411830000' }),
        dtks('15', { ...budi, nik: '9101011411830001' }), // retired Papua code: valid
        dtks('16', { ...siti, nik: '3328017202850002' }), // woman, day 32+40 = 72: invalid
        dtks('17', siti), // woman, day 12+40: valid
        dtks('18', { ...budi, nik: '3328 0114 1183 0001' }), // spaces are cleaned, valid
      ],
      [dukcapil(budi), dukcapil(siti)],
    );
    const f = await p.findings('nik.structure');
    const by = Object.fromEntries(f.map((x) => [x.id_dtks, `${x.reason}: ${x.evidence}`]));
    expect(by).toEqual({
      '02': 'NIK_MISSING: NIK kosong',
      '03': expect.stringMatching(/^NIK_INVALID: NIK rusak oleh Excel/),
      '04': 'NIK_INVALID: NIK terdiri dari 15 digit, seharusnya 16',
      '05': 'NIK_INVALID: NIK mengandung karakter selain angka',
      '06': 'NIK_INVALID: NIK berupa angka pengisi (placeholder)',
      '07': 'NIK_INVALID: NIK berupa angka pengisi (placeholder)',
      '08': 'NIK_INVALID: NIK berupa angka pengisi (placeholder)',
      '09': 'NIK_INVALID: kode provinsi NIK 99 tidak dikenal',
      '10': 'NIK_INVALID: kode kabupaten/kota NIK 33.99 tidak dikenal',
      '11': 'NIK_INVALID: kode kecamatan NIK 33.28.99 tidak dikenal',
      '12': 'NIK_INVALID: tanggal lahir dalam NIK tidak valid',
      '13': 'NIK_INVALID: tanggal lahir dalam NIK tidak valid',
      '14': 'NIK_INVALID: nomor urut NIK 0000 tidak valid',
      '16': 'NIK_INVALID: tanggal lahir dalam NIK tidak valid',
    });
    await p.close();
  });
});
