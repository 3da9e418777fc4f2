import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dtks, dukcapil, PEOPLE, type Plan, plan } from './testing.js';

describe('region.from_dukcapil and life.moved on a desa that did not resolve', () => {
  let p: Plan;
  beforeAll(async () => {
    const { budi, siti, rizki } = PEOPLE;
    p = await plan(
      [
        dtks('01', budi),
        // Kec. Margasari resolves, the desa does not.
        dtks('02', siti, { 'DESA/KELURAHAN': 'ANTAH BERANTAH' }),
        dtks('03', rizki, { 'DESA/KELURAHAN': 'ANTAH BERANTAH' }),
      ],
      [
        dukcapil(budi),
        // Dukcapil places her in Guci, Kec. Bumijawa: outside the kecamatan, whichever desa she was in.
        dukcapil(siti, { NO_KEC: '2', NO_KEL: '2001' }),
        // Him in Dukuh Tengah, Kec. Margasari: that may be the desa the row meant.
        dukcapil(rizki, { NO_KEC: '1', NO_KEL: '2003' }),
      ],
    );
  }, 60_000);
  afterAll(() => p.close());

  it('never writes a Dukcapil desa into a row whose names it contradicts', async () => {
    expect((await p.findings('region.invalid')).map((x) => x.id_dtks)).toEqual(['02', '03']);
    expect((await p.findings('region.from_dukcapil')).map((x) => x.id_dtks)).toEqual(['03']);
  });

  it('calls it a move only when Dukcapil is outside the kecamatan every candidate shares', async () => {
    const moved = await p.findings('life.moved');
    expect(moved.map((x) => x.id_dtks)).toEqual(['02']);
    expect(moved[0]?.evidence).toContain('di luar kecamatan DTKS (33.28.01)');
    expect(moved[0]?.evidence).toContain('desa DTKS tidak dapat dipastikan');
  });
});
