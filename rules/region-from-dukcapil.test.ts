import { describe, expect, it } from 'vitest';
import { dtks, dukcapil, PEOPLE, plan } from './testing.js';

describe('region.from_dukcapil', () => {
  it('does not move a row to a Dukcapil desa outside the kecamatan its names resolved to', async () => {
    const { budi, siti } = PEOPLE;
    const p = await plan(
      [dtks('01', budi), dtks('02', siti, { 'DESA/KELURAHAN': 'ANTAH BERANTAH' })],
      // Dukcapil places her in Guci, Kec. Bumijawa: maybe a move, not a typo to fix.
      [dukcapil(budi), dukcapil(siti, { NO_KEC: '2', NO_KEL: '2001' })],
    );
    expect((await p.findings('region.invalid')).map((x) => x.id_dtks)).toEqual(['02']);
    expect(await p.findings('region.from_dukcapil')).toEqual([]);
    expect(await p.findings('life.moved')).toEqual([]);
    await p.close();
  });
});
