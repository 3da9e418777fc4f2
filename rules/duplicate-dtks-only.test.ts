import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECISIONS_COLUMNS } from '../pipeline/review.js';
import { dtks, dukcapil, neighbours, PEOPLE, type Person, type Plan, plan } from './testing.js';

const person = (nik: string, nama: string, tgl: string, jk: 'L' | 'P'): Person => ({ nik, nama, tgl, jk });

describe('duplicate.dtks_only and duplicate.uncertain', () => {
  let p: Plan;
  let dtksRows: Record<string, string>[];
  let dukcapilRows: Record<string, string>[];
  beforeAll(async () => {
    const { budi, siti } = PEOPLE;
    // People Dukcapil does not know.
    const parmin = person('', 'PARMIN WIRYO', '1970-05-05', 'L');
    const sarinah = person('', 'SARINAH', '1980-02-02', 'P');
    const hasan = person('', 'HASAN BASRI', '2010-01-01', 'L');
    const husein = person('', 'HUSEIN BASRI', '2010-01-01', 'L');
    const sukirno = person('', 'SUKIRNO', '1975-03-03', 'L');
    const hermawan = person('3328010904820001', 'HERMAWAN SETIADI', '1982-04-09', 'L');
    const ibu = (name: string) => ({ 'NAMA IBU KANDUNG': name });
    dtksRows = [
      dtks('01', budi, { 'ID KELUARGA': 'K1' }),
      dtks('02', siti, { 'ID KELUARGA': 'K1', 'HUBUNGAN KELUARGA': 'ISTRI' }),
      // Registered in two households, once without a NIK and once under a NIK Dukcapil lacks:
      // the row with a well-formed NIK stays.
      dtks('10', parmin, { 'ID KELUARGA': 'K10', ...ibu('SAMINAH') }),
      dtks('11', { ...parmin, nik: '3328010505700077' }, { 'ID KELUARGA': 'K11', ...ibu('SAMINAH') }),
      // One member typed twice in her household: name and birth date identical.
      dtks('20', sarinah, { 'ID KELUARGA': 'K20', ...ibu('PAINAH') }),
      dtks('21', sarinah, { 'ID KELUARGA': 'K20', 'HUBUNGAN KELUARGA': 'FAMILI LAIN', ...ibu('PAINAH') }),
      // Twins: one household, one mother, one birth date, two names. Two people.
      dtks('30', hasan, { 'ID KELUARGA': 'K30', ...ibu('ROHANA') }),
      dtks('31', husein, { 'ID KELUARGA': 'K30', 'HUBUNGAN KELUARGA': 'ANAK', ...ibu('ROHANA') }),
      // One household, one name, birth years one apart: perhaps typed twice, perhaps two people.
      dtks('40', sukirno, { 'ID KELUARGA': 'K40', ...ibu('WAGINEM') }),
      dtks(
        '41',
        { ...sukirno, tgl: '1976-03-03' },
        { 'ID KELUARGA': 'K40', 'HUBUNGAN KELUARGA': 'FAMILI LAIN', ...ibu('WAGINEM') },
      ),
      // Registered in two households under one NIK Dukcapil lacks, the second time by his call name
      // and a default birth date of the same year: one person.
      dtks('50', hermawan, { 'ID KELUARGA': 'K50', 'NOMOR KK': '3328011801130050', ...ibu('SUTINAH') }),
      dtks(
        '51',
        { ...hermawan, nama: 'WAWAN', tgl: '1982-12-31' },
        {
          'ID KELUARGA': 'K51',
          'NOMOR KK': '3328011801130051',
          'HUBUNGAN KELUARGA': 'FAMILI LAIN',
          ...ibu('SUTINAH'),
        },
      ),
    ];
    dukcapilRows = [dukcapil(budi), dukcapil(siti), ...neighbours()];
    p = await plan(dtksRows, dukcapilRows);
  });
  afterAll(() => p.close());

  it('deactivates the extra row of a person Dukcapil does not know, keeping the one with a NIK', async () => {
    const f = await p.findings('duplicate.dtks_only');
    expect(f.map((x) => [x.id_dtks, x.reason, x.kept_id_dtks])).toEqual([
      ['10', 'DUPLICATE', '11'],
      ['21', 'DUPLICATE', '20'],
      ['51', 'DUPLICATE', '50'],
    ]);
    expect(f[0]?.evidence).toMatch(
      /^Orang yang sama terdaftar 2 kali di DTKS dan tidak dikenal Dukcapil .*dipertahankan ID DTKS 11 \(keluarga lain\)$/,
    );
    expect(f[1]?.evidence).toMatch(/dipertahankan ID DTKS 20 \(keluarga yang sama\)$/);
    const gone = await p.db.all<{ id_dtks: string }>(`SELECT id_dtks FROM deactivations ORDER BY id_dtks`);
    expect(gone.map((x) => x.id_dtks)).toEqual(['10', '21', '51']);
  });

  it('takes a call name under the very NIK, with a default birth date of the same year, for the person', async () => {
    // The call-name guard accepts the very NIK with a slipped birth date; the pair must not be lost
    // for falling outside the condition for review (a call name with the exact birth date).
    const pair = await p.db.one<{ keputusan: string }>(
      `SELECT keputusan FROM dtks_only_pairs WHERE a = '50' AND b = '51'`,
    );
    expect(pair?.keputusan).toBe('DITERIMA');
    expect(await p.db.count(`SELECT count(*) FROM deactivations WHERE id_dtks = '50'`)).toBe(0);
  });

  it('never takes twins for one person, not even for review', async () => {
    const rows = ['30', '31'];
    expect(
      await p.db.count(
        `SELECT count(*) FROM findings WHERE id_dtks IN ('30', '31') AND rule IN ('duplicate.dtks_only', 'duplicate.uncertain')`,
      ),
    ).toBe(0);
    for (const id of rows) {
      expect(await p.db.count(`SELECT count(*) FROM deactivations WHERE id_dtks = '${id}'`)).toBe(0);
    }
  });

  it('asks about two rows of one household that may be one person, and SETUJU deactivates the one asked about', async () => {
    const asked = await p.findings('duplicate.uncertain');
    expect(asked.map((x) => [x.id_dtks, x.reason, x.kept_id_dtks])).toEqual([
      ['41', 'MATCH_UNCERTAIN', '40'],
    ]);
    expect(asked[0]?.evidence).toMatch(
      /^mungkin orang yang sama dengan ID DTKS 40 \(keduanya tidak dikenal Dukcapil\): nama sama/,
    );
    expect(await p.db.count(`SELECT count(*) FROM deactivations WHERE id_dtks IN ('40', '41')`)).toBe(0);
    const kunci = (
      await p.db.one<{ kunci: string }>(
        `SELECT kunci FROM findings WHERE rule = 'duplicate.uncertain' AND id_dtks = '41'`,
      )
    )?.kunci as string;
    const dir = await mkdtemp(join(tmpdir(), 'padan-setuju-'));
    const store = join(dir, 'keputusan.csv');
    await writeFile(
      store,
      `${DECISIONS_COLUMNS.join(',')}\n${kunci},41,duplicate.uncertain,SETUJU,,,,33.28.xlsx,${'0'.repeat(64)},Verifikasi,2,2026-11-20 10:00:00,run0\n`,
    );
    const next = await plan(dtksRows, dukcapilRows, undefined, { decisions: store });
    try {
      const gone = await next.db.all<{ id_dtks: string; reason: string; kept_id_dtks: string; rule: string }>(
        `SELECT id_dtks, reason, kept_id_dtks, rule FROM deactivations WHERE id_dtks IN ('40', '41')`,
      );
      expect(gone).toEqual([
        { id_dtks: '41', reason: 'DUPLICATE', kept_id_dtks: '40', rule: 'review.decision' },
      ]);
      expect(await next.db.count(`SELECT count(*) FROM reviews WHERE id_dtks = '41'`)).toBe(0);
    } finally {
      await next.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
