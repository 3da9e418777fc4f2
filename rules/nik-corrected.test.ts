import { describe, expect, it } from 'vitest';
import { dtks, dukcapil, neighbours, type Person, plan } from './testing.js';

const family: Person[] = [
  { nik: '3328011411830001', nama: 'BUDI SANTOSO', tgl: '1983-11-14', jk: 'L' },
  { nik: '3328015203850002', nama: 'SITI AMINAH', tgl: '1985-03-12', jk: 'P' },
  { nik: '3328010506100003', nama: 'MUHAMMAD RIZKI', tgl: '2010-06-05', jk: 'L' },
  { nik: '3328014909120004', nama: 'NUR AINI', tgl: '2012-09-09', jk: 'P' },
  { nik: '3328012107150005', nama: 'FAJAR NUGROHO', tgl: '2015-07-21', jk: 'L' },
  { nik: '3328016304180006', nama: 'DEWI SAFITRI', tgl: '2018-04-23', jk: 'P' },
];
const [budi, siti, rizki, aini, fajar, dewi] = family as [Person, Person, Person, Person, Person, Person];
const hub = ['KEPALA KELUARGA', 'ISTRI', 'ANAK', 'ANAK', 'ANAK', 'ANAK'];

describe('nik.corrected', () => {
  it('recovers mistyped, swapped, truncated, missing and borrowed NIKs from Dukcapil', async () => {
    const p = await plan(
      [
        dtks('01', budi),
        dtks('02', { ...siti, nik: '3328015203850012' }, { 'HUBUNGAN KELUARGA': hub[1] as string }), // one digit wrong
        dtks('03', { ...rizki, nik: '3328010560100003' }, { 'HUBUNGAN KELUARGA': 'ANAK' }), // two digits swapped
        dtks('04', { ...aini, nik: '3328014909120000' }, { 'HUBUNGAN KELUARGA': 'ANAK' }), // trailing 000
        dtks('05', { ...fajar, nik: '' }, { 'HUBUNGAN KELUARGA': 'ANAK' }), // missing
        dtks('06', { ...dewi, nik: siti.nik }, { 'HUBUNGAN KELUARGA': 'ANAK' }), // the mother's NIK
      ],
      [...family.map((p) => dukcapil(p)), ...neighbours()],
    );
    const f = await p.findings('nik.corrected');
    expect(f.map((x) => [x.id_dtks, x.old_value, x.new_value])).toEqual([
      ['02', '3328015203850012', siti.nik],
      ['03', '3328010560100003', rizki.nik],
      ['04', '3328014909120000', aini.nik],
      ['05', null, fajar.nik],
      ['06', siti.nik, dewi.nik],
    ]);
    for (const x of f) {
      expect(x.confidence).toBeGreaterThanOrEqual(0.99);
      expect(x.detail).toMatch(/^nama: sama persis \(\+[\d.]+\); tgl lahir: sama/);
    }
    // The review reasons for the NIK no longer hold once it is recovered.
    const reviews = await p.db.all<{ id_dtks: string; reason: string }>(
      `SELECT id_dtks, reason FROM reviews WHERE reason LIKE 'NIK_%' ORDER BY id_dtks`,
    );
    expect(reviews).toEqual([]);
    await p.close();
  });

  it('does not give a person someone else’s NIK', async () => {
    // Not in Dukcapil: a NIK one digit away from Budi's, another name and date.
    const ghost: Person = { nik: '3328011411830009', nama: 'SAPUAN', tgl: '1983-11-14', jk: 'L' };
    const p = await plan(
      [dtks('01', budi), dtks('02', ghost, { 'HUBUNGAN KELUARGA': 'ANAK' })],
      [...family.map((p) => dukcapil(p)), ...neighbours()],
    );
    expect(await p.findings('nik.corrected')).toEqual([]);
    expect((await p.findings('nik.not_found')).map((x) => x.id_dtks)).toEqual(['02']);
    await p.close();
  });
});
