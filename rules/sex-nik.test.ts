import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dtks, dukcapil, PEOPLE, type Plan, plan } from './testing.js';

describe('field.sex_nik and kk.differs', () => {
  let p: Plan;
  beforeAll(async () => {
    const { budi, siti, rizki, aini } = PEOPLE;
    p = await plan(
      [
        dtks('01', siti),
        // Dukcapil has no sex for Budi; the row says P, the NIK (day 14) says L.
        dtks('02', { ...budi, jk: 'P' }, { 'ID KELUARGA': 'K2' }),
        // Dukcapil says L: field.from_dukcapil corrects it, nobody needs to look.
        dtks('03', { ...rizki, jk: 'P' }, { 'ID KELUARGA': 'K3' }),
        dtks('04', aini, { 'ID KELUARGA': 'K4', 'NOMOR KK': '3328011801130009' }),
      ],
      [dukcapil(budi, { JENIS_KLMIN: '' }), dukcapil(siti), dukcapil(rizki), dukcapil(aini)],
    );
  });
  afterAll(() => p.close());

  it('flags a sex that contradicts the confirmed NIK, unless Dukcapil corrects it', async () => {
    expect((await p.findings('field.sex_nik')).map((x) => [x.id_dtks, x.reason, x.evidence])).toEqual([
      [
        '02',
        'FIELD_ANOMALY',
        'jenis kelamin perempuan bertentangan dengan NIK (menurut NIK laki-laki); identitas terkonfirmasi Dukcapil',
      ],
    ]);
    expect((await p.findings('field.from_dukcapil')).map((x) => [x.id_dtks, x.field])).toContainEqual([
      '03',
      'jenis_kelamin',
    ]);
  });

  it('records a KK that differs from Dukcapil as information only', async () => {
    expect((await p.findings('kk.differs')).map((x) => [x.id_dtks, x.action, x.evidence])).toEqual([
      ['04', 'info', 'Nomor KK berbeda dengan KK di Dukcapil'],
    ]);
  });
});
