import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dtks, dukcapil, PEOPLE, type Person, type Plan, plan } from './testing.js';

const person = (nik: string, nama: string, tgl: string, jk: 'L' | 'P'): Person => ({ nik, nama, tgl, jk });
const wati = person('3328015505950005', 'WATI', '1995-05-15', 'P');
const andi = person('3328010101900006', 'ANDI', '1990-01-01', 'L');
const mbah = person('3328010202900007', 'MBAH KARTO', '1990-02-02', 'L');
const kecil = person('3328010303950008', 'ANAK KECIL', '1995-03-03', 'L');
const mbok = person('3328014404500009', 'MBOK SAINAH', '1950-04-04', 'P');
const bungsu = person('3328010101150010', 'BUNGSU', '2015-01-01', 'L');

describe('household.structure', () => {
  let p: Plan;
  let evidence: Map<string, string>;
  beforeAll(async () => {
    const { budi, siti, rizki, aini } = PEOPLE;
    const kel = (id: string, hub = 'KEPALA KELUARGA') => ({ 'ID KELUARGA': id, 'HUBUNGAN KELUARGA': hub });
    p = await plan(
      [
        // A sound household: head, wife, their son born when she was 25.
        dtks('01', budi, kel('OK')),
        dtks('02', siti, kel('OK', 'ISTRI')),
        dtks('03', rizki, kel('OK', 'ANAK')),
        dtks('04', rizki, kel('NOHEAD', 'ANAK')),
        dtks('05', siti, kel('NOHEAD', 'ISTRI')),
        dtks('06', budi, kel('TWO')),
        dtks('07', siti, kel('TWO')),
        dtks('08', aini, kel('YOUNG')),
        dtks('09', rizki, kel('OLDCHILD')),
        dtks('10', budi, kel('OLDCHILD', 'ANAK')),
        dtks('11', budi, kel('SPOUSE')),
        dtks('12', wati, kel('SPOUSE', 'ISTRI')),
        dtks('13', andi, kel('SPOUSE', 'ANAK')),
        dtks('14', budi, kel('PARENT')),
        dtks('15', mbah, kel('PARENT', 'ORANG TUA')),
        dtks('16', siti, kel('GAPYOUNG')),
        dtks('17', kecil, kel('GAPYOUNG', 'ANAK')),
        dtks('18', mbok, kel('GAPOLD')),
        dtks('19', bungsu, kel('GAPOLD', 'ANAK')),
        dtks('20', rizki, kel('ALONE')),
        dtks('21', budi, kel('SPREAD')),
        dtks('22', siti, { ...kel('SPREAD', '2'), 'DESA/KELURAHAN': 'WANASARI' }),
        // Two women among head and spouses: the mother is not known, so no age gap is judged.
        dtks('23', mbok, kel('TWOWIVES')),
        dtks('24', siti, kel('TWOWIVES', 'ISTRI')),
        dtks('25', bungsu, kel('TWOWIVES', 'ANAK')),
      ],
      [dukcapil(PEOPLE.budi), dukcapil(siti), dukcapil(rizki), dukcapil(aini)],
    );
    const f = await p.findings('household.structure');
    evidence = new Map(f.map((x) => [x.id_dtks, x.evidence]));
  });
  afterAll(() => p.close());

  it('leaves a sound household alone', () => {
    for (const id of ['01', '02', '03']) expect(evidence.get(id)).toBeUndefined();
  });

  it('flags no head and several heads, on every member concerned', () => {
    expect(evidence.get('04')).toBe('Keluarga NOHEAD: tanpa kepala keluarga (ID DTKS 04, 05)');
    expect(evidence.get('05')).toBe(evidence.get('04'));
    expect(evidence.get('06')).toBe('Keluarga TWO: 2 kepala keluarga (ID DTKS 06, 07)');
    expect(evidence.get('07')).toBe('Keluarga TWO: 2 kepala keluarga (ID DTKS 06, 07)');
  });

  it('flags an under-age head, and a child living alone', () => {
    expect(evidence.get('08')).toBe(
      'Keluarga YOUNG: keluarga satu orang: ID DTKS 08 berumur 14 tahun (anak); kepala keluarga ID DTKS 08 berumur 14 tahun, di bawah 15 tahun',
    );
    expect(evidence.get('20')).toBe(
      'Keluarga ALONE: keluarga satu orang: ID DTKS 20 berumur 16 tahun (anak)',
    );
  });

  it('flags a child older than the head or the head’s spouse, naming both', () => {
    expect(evidence.get('09')).toBe(
      'Keluarga OLDCHILD: anak ID DTKS 10 lebih tua dari kepala keluarga ID DTKS 09',
    );
    expect(evidence.get('10')).toBe(evidence.get('09'));
    expect(evidence.get('12')).toBe('Keluarga SPOUSE: anak ID DTKS 13 lebih tua dari istri ID DTKS 12');
    expect(evidence.get('13')).toBe(evidence.get('12'));
    expect(evidence.get('11')).toBeUndefined();
  });

  it('flags a parent younger than the head', () => {
    expect(evidence.get('15')).toBe(
      'Keluarga PARENT: orang tua ID DTKS 15 lebih muda dari kepala keluarga ID DTKS 14',
    );
  });

  it('flags a mother too young or too old for her child, only when the mother is known', () => {
    expect(evidence.get('17')).toBe(
      'Keluarga GAPYOUNG: ibu ID DTKS 16 berumur 9 tahun saat anak ID DTKS 17 lahir',
    );
    expect(evidence.get('19')).toBe(
      'Keluarga GAPOLD: ibu ID DTKS 18 berumur 64 tahun saat anak ID DTKS 19 lahir',
    );
    for (const id of ['23', '24', '25']) expect(evidence.get(id)).toBeUndefined();
  });

  it('flags members spread over several desa', () => {
    expect(evidence.get('21')).toBe('Keluarga SPREAD: anggota tersebar di 2 desa/kelurahan');
    expect(evidence.get('22')).toBe(evidence.get('21'));
  });
});
