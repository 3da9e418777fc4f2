import { describe, expect, it } from 'vitest';
import { dtks, dukcapil, PEOPLE, plan } from './testing.js';

describe('nik.birth_mismatch', () => {
  it("records a NIK whose date or sex differs from the row's own, as evidence only", async () => {
    const { budi, siti } = PEOPLE;
    const p = await plan(
      [
        dtks('01', budi),
        dtks('02', { ...budi, tgl: '1983-11-15' }),
        dtks('03', { ...siti, jk: 'L' }),
        dtks('04', { ...siti, tgl: '12-03-1985' }), // another date form, same date
      ],
      [dukcapil(budi), dukcapil(siti)],
    );
    const f = await p.findings('nik.birth_mismatch');
    expect(f.map((x) => [x.id_dtks, x.reason, x.action, x.evidence])).toEqual([
      ['02', null, 'info', 'tanggal lahir dalam NIK berbeda dengan TANGGAL LAHIR'],
      ['03', null, 'info', 'jenis kelamin dalam NIK berbeda dengan JENIS KELAMIN'],
    ]);
    await p.close();
  });
});
