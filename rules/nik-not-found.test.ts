import { describe, expect, it } from 'vitest';
import { dtks, dukcapil, PEOPLE, plan } from './testing.js';

describe('nik.not_found', () => {
  it('flags well-formed NIKs that Dukcapil does not know, and only those', async () => {
    const { budi, siti } = PEOPLE;
    const p = await plan(
      [dtks('01', budi), dtks('02', siti), dtks('03', { ...siti, nik: '0000000000000000' })],
      [dukcapil(budi)],
    );
    const f = await p.findings('nik.not_found');
    expect(f.map((x) => [x.id_dtks, x.reason])).toEqual([['02', 'NIK_NOT_FOUND']]);
    await p.close();
  });
});
