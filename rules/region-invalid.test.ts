import { describe, expect, it } from 'vitest';
import { dtks, dukcapil, PEOPLE, plan } from './testing.js';

describe('region.invalid', () => {
  it('flags rows whose region does not resolve to one desa, and never treats them as moved', async () => {
    const { budi, siti, rizki } = PEOPLE;
    const p = await plan(
      [
        dtks('01', budi),
        dtks('02', siti, { 'DESA/KELURAHAN': 'ANTAH BERANTAH' }),
        dtks('03', rizki, { 'KODE WILAYAH': '33.28.02.2001' }),
      ],
      [dukcapil(budi), dukcapil(siti, { NO_KEL: '2004' }), dukcapil(rizki, { NO_KEL: '2004' })],
    );
    const f = await p.findings('region.invalid');
    expect(f.map((x) => [x.id_dtks, x.reason])).toEqual([
      ['02', 'REGION_INVALID'],
      ['03', 'REGION_INVALID'],
    ]);
    expect(await p.findings('life.moved')).toEqual([]);
    // The Dukcapil domicile fills the unusable region, as a correction with lower confidence.
    const c = await p.findings('region.from_dukcapil');
    expect(c.map((x) => [x.id_dtks, x.field, x.new_value, x.confidence])).toEqual([
      ['02', 'kode_desa', '33.28.01.2004', 0.8],
      ['03', 'kode_desa', '33.28.01.2004', 0.8],
    ]);
    await p.close();
  });
});
