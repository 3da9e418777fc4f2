import { describe, expect, it } from 'vitest';
import { dtks, dukcapil, PEOPLE, plan } from './testing.js';

describe('life.moved', () => {
  it('deactivates members living in another desa, with moved_to, and never on a kota/kabupaten name clash', async () => {
    const { budi, siti, rizki, aini } = PEOPLE;
    const p = await plan(
      [
        dtks('01', budi),
        dtks('02', siti),
        // Kota Tegal, Tegal Barat, Pesurungan Kidul: Dukcapil agrees, not moved
        dtks('03', rizki, {
          'KABUPATEN/KOTA': 'KOTA TEGAL',
          KECAMATAN: 'TEGAL BARAT',
          'DESA/KELURAHAN': 'PESURUNGAN KIDUL',
        }),
        dtks('04', aini),
      ],
      [
        dukcapil(budi),
        dukcapil(siti, { NO_KEC: '2', NO_KEL: '2001' }),
        dukcapil(rizki, { NO_KAB: '76', NO_KEC: '1', NO_KEL: '1001' }),
        dukcapil(aini, { NO_KEC: '77', NO_KEL: '7777' }), // unknown desa: no conclusion
      ],
    );
    const f = await p.findings('life.moved');
    expect(f.map((x) => [x.id_dtks, x.moved_to])).toEqual([['02', '33.28.02.2001']]);
    expect(f[0]?.evidence).toMatch(/^Domisili Dukcapil di Desa Guci, Kec\. Bumijawa, Kabupaten Tegal/);
    await p.close();
  });
});

describe('region.doubtful_move', () => {
  it('does not deactivate when the row’s desa came from the code alone and Dukcapil is next door', async () => {
    const { budi, siti } = PEOPLE;
    const p = await plan(
      [
        dtks('01', budi),
        // The desa name does not resolve; the code says Kaligayam; Dukcapil says Wanasari (same kecamatan).
        dtks('02', siti, { 'DESA/KELURAHAN': 'KALIGYM XX', 'KODE WILAYAH': '33.28.01.2002' }),
      ],
      [dukcapil(budi), dukcapil(siti, { NO_KEL: '2004' })],
    );
    expect(await p.findings('life.moved')).toEqual([]);
    const f = await p.findings('region.doubtful_move');
    expect(f.map((x) => [x.id_dtks, x.reason])).toEqual([['02', 'REGION_INVALID']]);
    expect(f[0]?.evidence).toMatch(/hanya ditentukan dari KODE WILAYAH/);
    await p.close();
  });
});
