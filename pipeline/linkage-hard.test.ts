import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dtks, dukcapil, neighbours, type Person, type Plan, plan } from '../rules/testing.js';

/**
 * What real registers do that the easy cases do not (issue 12): twins, call names, a member typed
 * twice with a worn-down name, a person Dukcapil holds twice. One plan for the whole file.
 */
const budi: Person = { nik: '3328011411830001', nama: 'BUDI SANTOSO', tgl: '1983-11-14', jk: 'L' };
const siti: Person = { nik: '3328015203850002', nama: 'SITI AMINAH', tgl: '1985-03-12', jk: 'P' };
// Twins: one birth date, mother, KK and desa; NIKs one serial apart; names alike.
const aini: Person = { nik: '3328014909120004', nama: 'NUR AINI', tgl: '2012-09-09', jk: 'P' };
const aisyah: Person = { nik: '3328014909120005', nama: 'NUR AISYAH', tgl: '2012-09-09', jk: 'P' };
const hermawan: Person = { nik: '3328011005150006', nama: 'HERMAWAN', tgl: '2015-05-10', jk: 'L' };
const bagas: Person = { nik: '3328012208170007', nama: 'SETIA BAGAS', tgl: '2017-08-22', jk: 'L' };
// Another household; Dukcapil holds her twice (the copy with an old KK).
const sri: Person = { nik: '3328015507700008', nama: 'SRI WAHYUNI', tgl: '1970-07-15', jk: 'P' };
const KK2 = '3328010203100002';
// Registered in Kaligayam under her NIK, and again, without it, in a household in Tulungagung.
const suparmi: Person = { nik: '3328016204750010', nama: 'SUPARMI LESTARI', tgl: '1975-04-22', jk: 'P' };
// Registered in two households under his NIK, the second time under his last name alone and
// with the sex mistyped: the NIK itself says which sex is right.
const gunanto: Person = { nik: '3328012406160011', nama: 'ALDIANSYAH GUNANTO', tgl: '2016-06-24', jk: 'L' };
const tulungagung = {
  PROVINSI: 'JAWA TIMUR',
  'KABUPATEN/KOTA': 'KAB. TULUNGAGUNG',
  KECAMATAN: 'PAKEL',
  'DESA/KELURAHAN': 'BANGUNJAYA',
  'HUBUNGAN KELUARGA': 'KEPALA KELUARGA',
};

describe('linkage on hard data', () => {
  let p: Plan;
  beforeAll(async () => {
    const child = { 'HUBUNGAN KELUARGA': 'ANAK', 'NAMA IBU KANDUNG': siti.nama };
    const other = { 'ID KELUARGA': 'KEL2', 'NOMOR KK': KK2, 'HUBUNGAN KELUARGA': 'KEPALA KELUARGA' };
    p = await plan(
      [
        dtks('01', budi),
        dtks('02', siti, { 'HUBUNGAN KELUARGA': 'ISTRI' }),
        dtks('03', aini, child),
        // The twin typed with her sister's NIK.
        dtks('04', { ...aisyah, nik: aini.nik }, child),
        // A call name, no NIK.
        dtks('05', { ...hermawan, nama: 'WAWAN', nik: '' }, child),
        dtks('06', bagas, child),
        // The same boy listed again, his name cut to an initial.
        dtks('07', { ...bagas, nama: 'SETIA B' }, child),
        // Sri without a NIK, and again in a third household with it.
        dtks('08', { ...sri, nik: '' }, other),
        dtks('09', sri, { ...other, 'ID KELUARGA': 'KEL3', 'NOMOR KK': '3328010404040003' }),
        dtks('10', suparmi, {
          ...other,
          'ID KELUARGA': 'KEL4',
          'NOMOR KK': '3328010505050004',
          'NAMA IBU KANDUNG': 'PAINEM',
        }),
        dtks(
          '11',
          { ...suparmi, nik: '', tgl: '1975-12-31' },
          {
            ...tulungagung,
            'ID KELUARGA': 'KEL5',
            'NOMOR KK': '3504180606060005',
            'NAMA IBU KANDUNG': 'PAINEM',
          },
        ),
        // Her namesake in Tulungagung, born the same day, the mother's name not filled in: perhaps
        // another person, so not taken for her.
        dtks(
          '12',
          { ...suparmi, nik: '' },
          {
            ...tulungagung,
            'ID KELUARGA': 'KEL6',
            'NOMOR KK': '3504180707070006',
            'NAMA IBU KANDUNG': '',
          },
        ),
        dtks('13', gunanto, { ...other, 'ID KELUARGA': 'KEL7', 'NOMOR KK': '3328010808080007' }),
        dtks(
          '14',
          { ...gunanto, nama: 'GUNANTO', jk: 'P' },
          { ...other, 'ID KELUARGA': 'KEL8', 'NOMOR KK': '3328010909090008' },
        ),
      ],
      [
        ...[budi, siti].map((x) => dukcapil(x)),
        ...[aini, aisyah, hermawan, bagas].map((x) =>
          dukcapil(x, { STAT_HBKEL: '4', NAMA_LGKP_IBU: siti.nama }),
        ),
        dukcapil(sri, { NO_KK: KK2 }),
        dukcapil(sri, { NO_KK: '3328010101990009' }),
        dukcapil(suparmi, { NO_KK: '3328010505050004', NAMA_LGKP_IBU: 'PAINEM' }),
        dukcapil(gunanto, { NO_KK: '3328010808080007' }),
        ...neighbours(),
      ],
    );
  }, 60_000);
  afterAll(() => p.close());

  const deactivated = async () =>
    p.db.all<{ id_dtks: string; reason: string; kept_id_dtks: string | null }>(
      'SELECT id_dtks, reason, kept_id_dtks FROM deactivations ORDER BY id_dtks',
    );
  const nikFixes = async () =>
    (await p.findings('nik.corrected')).map((x) => [x.id_dtks, x.new_value]).sort();

  it('keeps twins apart: the twin with her sister’s NIK gets her own, neither goes', async () => {
    expect(await nikFixes()).toContainEqual(['04', aisyah.nik]);
    const gone = (await deactivated()).map((x) => x.id_dtks);
    expect(gone).not.toContain('03');
    expect(gone).not.toContain('04');
  });

  it('finds a member typed under a call name through the household', async () => {
    expect(await nikFixes()).toContainEqual(['05', hermawan.nik]);
    const nama = await p.findings('field.from_dukcapil');
    expect(nama.filter((x) => x.field === 'nama').map((x) => [x.id_dtks, x.new_value])).toContainEqual([
      '05',
      'HERMAWAN',
    ]);
  });

  it('takes a member listed twice with a worn-down name for one person', async () => {
    expect(await deactivated()).toContainEqual({ id_dtks: '07', reason: 'DUPLICATE', kept_id_dtks: '06' });
  });

  it('treats a NIK Dukcapil holds twice as one person: no uncertainty, one row stays', async () => {
    expect(await nikFixes()).toContainEqual(['08', sri.nik]);
    expect((await p.findings('match.uncertain')).map((x) => x.id_dtks)).not.toContain('08');
    const sriRows = (await deactivated()).filter((x) => x.id_dtks === '08' || x.id_dtks === '09');
    expect(sriRows).toHaveLength(1);
    expect(sriRows[0]?.reason).toBe('DUPLICATE');
    const summary = await p.db.one<{ niks: number; same: number }>(
      `SELECT (SELECT count(*) FROM (SELECT nik FROM dukcapil WHERE nik_bentuk = 'ANGKA16' GROUP BY nik HAVING count(*) > 1)) AS niks,
        (SELECT count(*) FROM dukcapil_salinan) AS same`,
    );
    expect(summary).toEqual({ niks: 1, same: 1 });
  });

  it('takes a row for the person whose record a row of another household holds, the region and KK aside', async () => {
    expect(await nikFixes()).toContainEqual(['11', suparmi.nik]);
    const fix = (await p.findings('nik.corrected')).find((x) => x.id_dtks === '11');
    expect(fix?.evidence).toMatch(/terdaftar juga sebagai ID DTKS 10 di keluarga lain/);
    expect(await deactivated()).toContainEqual({ id_dtks: '11', reason: 'DUPLICATE', kept_id_dtks: '10' });
  });

  it('does not take a namesake elsewhere without the mother’s name for the person whose record is held', async () => {
    expect((await nikFixes()).map(([id]) => id)).not.toContain('12');
    expect((await deactivated()).map((x) => x.id_dtks)).not.toContain('12');
  });

  it('takes a row under the record’s very NIK with its name worn down and its sex mistyped for the person', async () => {
    expect((await p.findings('match.uncertain')).map((x) => x.id_dtks)).not.toContain('14');
    expect(await deactivated()).toContainEqual({ id_dtks: '14', reason: 'DUPLICATE', kept_id_dtks: '13' });
  });

  it('reads call names, worn-down names and one person typed twice as DOMAIN.md describes them', async () => {
    const yes = async (sql: string) => (await p.db.one<{ v: boolean }>(`SELECT ${sql} AS v`))?.v;
    for (const [short, formal] of [
      ['PARMAN', 'SUPARMAN'],
      ['WAWAN', 'HERMAWAN'],
      ['IWAN', 'RIDWAN'],
      ['YATI', 'NURHAYATI'],
      ['ANI', 'MAHARANI'],
      ['DIDI', 'RUSDI'],
    ])
      expect(await yes(`padan_panggilan('${short}', '${formal}')`), short).toBe(true);
    for (const [short, formal] of [
      ['AN', 'HERMAWAN'],
      ['WATI', 'WATI'],
      ['ANI', 'RANI'],
      ['BUDI', 'HERMAWAN'],
    ])
      expect(await yes(`padan_panggilan('${short}', '${formal}')`), short).toBe(false);
    expect(await yes(`padan_nama_aus('SETIA B', 'SETIA BAGAS')`)).toBe(true);
    expect(await yes(`padan_nama_aus('SUKARON', 'SUKARNO')`)).toBe(true);
    expect(await yes(`padan_nama_aus('NUR AISYAH', 'NUR AINI')`)).toBe(false);
    const same = (a: string, b: string, ta: string, tb: string, ja = 'P', jb = 'P') =>
      yes(
        `padan_satu_orang('${a}', '${b}', '${a.replaceAll(' ', '')}', '${b.replaceAll(' ', '')}', DATE '${ta}', DATE '${tb}', '${ja}', '${jb}')`,
      );
    expect(await same('NUR AINI', 'NUR AINI', '2012-09-09', '2012-09-09', 'P', 'L')).toBe(true);
    expect(await same('NUR AINI', 'NUR AISYAH', '2012-09-09', '2012-09-09')).toBe(false);
    expect(await same('PUTRA', 'PUTRI', '2012-09-09', '2012-09-09', 'L', 'P')).toBe(false);
    expect(await same('SETIA BAGAS', 'SETIA B', '2017-08-22', '2017-08-22', 'L', 'L')).toBe(true);
    expect(await same('AHMAD', 'AHMAD SURYADI', '2010-01-01', '1980-05-05', 'L', 'L')).toBe(false);
  });
});
