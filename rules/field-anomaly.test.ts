import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dtks, dukcapil, PEOPLE, type Plan, plan } from './testing.js';

describe('field.anomaly', () => {
  let p: Plan;
  let evidence: Map<string, string>;
  beforeAll(async () => {
    const { budi, siti, rizki } = PEOPLE;
    const kel = (id: string, o: Record<string, string> = {}) => ({ 'ID KELUARGA': id, ...o });
    const child = { nik: '3328010101200011', nama: 'BAYU', tgl: '2020-01-01', jk: 'L' as const };
    const kakek = { nik: '3328010101500012', nama: 'KAKEK', tgl: '1950-01-01', jk: 'L' as const };
    const muda = { nik: '3328010101000013', nama: 'PEMUDA', tgl: '2000-01-01', jk: 'L' as const };
    p = await plan(
      [
        dtks('01', budi, kel('K1', { PEKERJAAN: 'PETANI/PEKEBUN' })),
        dtks('02', { ...budi, tgl: '1900-01-01' }, kel('K2')),
        dtks('03', { ...budi, tgl: '31-02-1990' }, kel('K3')),
        dtks('04', { ...budi, tgl: '' }, kel('K4')),
        dtks('05', { ...siti, jk: 'X' as 'L' }, kel('K5')),
        dtks('06', siti, kel('K6', { 'NAMA IBU KANDUNG': 'tidak tahu' })),
        dtks('07', siti, kel('K7', { 'HUBUNGAN KELUARGA': 'TETANGGA' })),
        dtks('08', siti, kel('K8', { 'NAMA IBU KANDUNG': '' })),
        dtks('09', siti, kel('K9', { 'NAMA IBU KANDUNG': 'Siti  Aminah' })),
        dtks('10', siti, kel('K10', { 'NAMA IBU KANDUNG': '---' })),
        dtks('11', child, kel('K11', { PEKERJAAN: 'PETANI/PEKEBUN' })),
        dtks('12', child, kel('K12', { PEKERJAAN: 'PELAJAR/MAHASISWA' })),
        dtks('13', kakek, kel('K13', { PEKERJAAN: 'PELAJAR/MAHASISWA' })),
        dtks('14', muda, kel('K14', { PEKERJAAN: 'PENSIUNAN' })),
        dtks('15', kakek, kel('K15', { PEKERJAAN: 'PENSIUNAN' })),
        dtks('16', { ...rizki, tgl: '2030-01-01' }, kel('K16')),
        dtks('17', child, kel('K17', { PEKERJAAN: 'BELUM/TIDAK BEKERJA' })),
      ],
      [dukcapil(budi), dukcapil(siti)],
    );
    evidence = new Map((await p.findings('field.anomaly')).map((x) => [x.id_dtks, x.evidence]));
  });
  afterAll(() => p.close());

  it('flags impossible ages and dates, unreadable dates, sex and relationship', () => {
    expect(evidence.get('02')).toBe('umur 126 tahun, lebih dari 110 tahun');
    expect(evidence.get('03')).toBe('tanggal lahir tidak terbaca');
    expect(evidence.get('04')).toBe('tanggal lahir kosong');
    expect(evidence.get('05')).toBe('jenis kelamin kosong atau tidak dikenal');
    expect(evidence.get('07')).toBe('hubungan keluarga kosong atau tidak dikenal');
    expect(evidence.get('16')).toBe('tanggal lahir di masa depan');
  });

  it("flags a mother's name that is missing, a placeholder or the member's own name", () => {
    expect(evidence.get('06')).toBe('nama ibu kandung berupa isian pengisi');
    expect(evidence.get('08')).toBe('nama ibu kandung kosong');
    expect(evidence.get('09')).toBe('nama ibu kandung sama dengan nama anggota sendiri');
    expect(evidence.get('10')).toBe('nama ibu kandung berupa isian pengisi');
  });

  it('flags an occupation impossible for the age, and not a plausible one', () => {
    expect(evidence.get('11')).toBe('pekerjaan PETANI/PEKEBUN pada umur 6 tahun');
    expect(evidence.get('13')).toBe('pelajar/mahasiswa berumur 76 tahun');
    expect(evidence.get('14')).toBe('pensiunan berumur 26 tahun');
    for (const id of ['01', '12', '15', '17']) expect(evidence.get(id), id).toBeUndefined();
  });
});
