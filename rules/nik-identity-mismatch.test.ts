import { describe, expect, it } from 'vitest';
import { dtks, dukcapil, PEOPLE, plan } from './testing.js';

describe('nik.identity_mismatch', () => {
  it("flags a row carrying a relative's NIK and confirms the same person despite small slips", async () => {
    const { budi, siti, rizki } = PEOPLE;
    const p = await plan(
      [
        dtks('01', siti),
        dtks('02', { ...rizki, nik: siti.nik }, { 'HUBUNGAN KELUARGA': 'ANAK' }), // child with the mother's NIK
        dtks('03', { ...budi, nama: 'H. BUDI SANTOSA', tgl: '1983-11-14' }), // title and a typo
      ],
      [dukcapil(siti), dukcapil(budi)],
    );
    const f = await p.findings('nik.identity_mismatch');
    expect(f.map((x) => x.id_dtks)).toEqual(['02']);
    expect(f[0]?.evidence).toMatch(/atas nama orang lain/);
    expect(f[0]?.evidence).not.toContain(siti.nik);
    // A relative's NIK is never a duplicate.
    expect(await p.findings('duplicate.same_nik')).toEqual([]);
    await p.close();
  });
});
