import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../pipeline/config.js';
import { dtks, dukcapil, neighbours, PEOPLE, plan } from './testing.js';

describe('match.uncertain', () => {
  it('reports a candidate below the auto threshold for review, never applies it, and names none of its values', async () => {
    const { budi, siti } = PEOPLE;
    // An auto threshold nothing reaches puts every candidate in the review band.
    const config = { ...defaultConfig(), referenceDate: '2026-11-01' };
    config.matching = { ...config.matching, autoThreshold: 1, reviewThreshold: 0.5 };
    const p = await plan(
      [dtks('01', budi), dtks('02', { ...siti, nik: '' }, { 'HUBUNGAN KELUARGA': 'ISTRI' })],
      [dukcapil(budi), dukcapil(siti), ...neighbours()],
      config,
    );
    const f = await p.findings('match.uncertain');
    expect(f.map((x) => x.id_dtks)).toEqual(['02']);
    expect(f[0]?.evidence).toMatch(
      /^ada calon di Dukcapil: nama sama, tanggal lahir sama, jenis kelamin sama, nama ibu sama, desa sama, Nomor KK sama, ada di KK keluarganya di Dukcapil; keyakinan 9\d,\d%$/,
    );
    expect(f[0]?.evidence).not.toMatch(/\d{16}|SITI|AMINAH/);
    expect(await p.findings('nik.corrected')).toEqual([]);
    const m = await p.db.one<{ status: string }>(
      `SELECT padan_status AS status FROM dtks_padan WHERE id_dtks = '02'`,
    );
    expect(m).toEqual({ status: null });
    await p.close();
  });
});
