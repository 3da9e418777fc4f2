import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRegionDir, historicalCodesPath, loadRegionReference } from '../connectors/regions.js';
import { Db } from './db.js';
import { InputError } from './errors.js';
import { loadRegions, resolveRegions } from './regions.js';

interface Row {
  id_dtks: string;
  kode_desa: string | null;
  kode_kecamatan: string | null;
  kode_kabupaten: string | null;
  kode_provinsi: string | null;
  metode: string | null;
  status: 'RESOLVED' | 'INVALID';
  masalah: string | null;
}

/** provinsi, kabupaten, kecamatan, desa, kode_wilayah; undefined/null = NULL. */
type Input = [string | null, string | null, string | null, string | null, (string | null)?];

let db: Db;
let tableNo = 0;

beforeAll(async () => {
  db = await Db.open({ path: ':memory:', threads: 2 });
  await loadRegionReference(db);
});

afterAll(() => db.close());

async function resolveRows(
  database: Db,
  inputs: Input[],
  options: { fuzzy?: boolean } = {},
): Promise<{ rows: Row[]; stats: Awaited<ReturnType<typeof resolveRegions>> }> {
  const source = `src_${++tableNo}`;
  await database.exec(
    `CREATE TABLE ${source} (id_dtks VARCHAR, provinsi VARCHAR, kabupaten VARCHAR, kecamatan VARCHAR, desa VARCHAR, kode_wilayah VARCHAR)`,
  );
  for (const [i, input] of inputs.entries()) {
    const [p, k, c, d, w] = input;
    await database.exec(`INSERT INTO ${source} VALUES (?, ?, ?, ?, ?, ?)`, [
      String(i + 1),
      p ?? null,
      k ?? null,
      c ?? null,
      d ?? null,
      w ?? null,
    ]);
  }
  const target = `res_${tableNo}`;
  const stats = await resolveRegions(database, { source, target, ...options });
  const rows = await database.all<Row>(`SELECT * FROM ${target} ORDER BY CAST(id_dtks AS INTEGER)`);
  return { rows, stats };
}

async function resolveOne(input: Input, options: { fuzzy?: boolean } = {}): Promise<Row> {
  const { rows } = await resolveRows(db, [input], options);
  expect(rows).toHaveLength(1);
  return rows[0] as Row;
}

/** A real desa of the reference with the names of its kecamatan, kab/kota and province. */
async function realDesa(
  where: string,
): Promise<{ kode: string; prov: string; kab: string; kec: string; desa: string }> {
  const row = await db.one<{ kode: string; prov: string; kab: string; kec: string; desa: string }>(`
    SELECT d.kode, p.nama AS prov, k.nama AS kab, c.nama AS kec, d.nama AS desa
    FROM ref_desa d JOIN ref_kecamatan c ON c.kode = d.kode_kecamatan JOIN ref_kabupaten k ON k.kode = c.kode_kabupaten
    JOIN ref_provinsi p ON p.kode = k.kode_provinsi
    WHERE ${where}
      -- unique by name inside its kecamatan, so the names alone must resolve it
      AND (SELECT count(*) FROM ref_desa x WHERE x.kode_kecamatan = d.kode_kecamatan AND x.nama_kunci = d.nama_kunci) = 1
    ORDER BY d.kode LIMIT 1`);
  if (!row) throw new Error(`no desa where ${where}`);
  return row;
}

// Kab. Tegal 33.28 / Kota Tegal 33.76; Adiwerna 33.28.11 (Kab.), Tegal Barat 33.76.01 (Kota).
const LEMAHDUWUR = '33.28.11.2013';
const PESURUNGAN_KIDUL = '33.76.01.1001';

describe('loadRegionReference', () => {
  it('loads the Kemendagri 2025 list and the retired codes', async () => {
    const counts = await loadRegionReference(db);
    expect(counts).toEqual({ provinsi: 38, kabupaten: 514, kecamatan: 7285, desa: 83762, kodeLama: 620 });
    expect(existsSync(defaultRegionDir())).toBe(true);
    expect(existsSync(historicalCodesPath())).toBe(true);
  });

  it('keeps codes dotted and types kab/kota and desa/kelurahan', async () => {
    expect(
      await db.count(
        `SELECT count(*) FROM ref_desa WHERE NOT regexp_matches(kode, '^\\d\\d\\.\\d\\d\\.\\d\\d\\.\\d{4}$')`,
      ),
    ).toBe(0);
    expect(await db.count(`SELECT count(*) FROM ref_desa WHERE kode_kecamatan <> substr(kode, 1, 8)`)).toBe(
      0,
    );
    expect(
      await db.all(`SELECT jenis, count(*) AS n FROM ref_kabupaten GROUP BY jenis ORDER BY jenis`),
    ).toEqual([
      { jenis: 'KABUPATEN', n: 416 },
      { jenis: 'KOTA', n: 98 },
    ]);
    // Kab/kota codes 01-69 are kabupaten, 71-99 kota.
    expect(
      await db.count(
        `SELECT count(*) FROM ref_kabupaten WHERE (jenis = 'KOTA') <> (substr(kode, 4, 2) >= '71')`,
      ),
    ).toBe(0);
    expect(await db.one(`SELECT * FROM ref_kabupaten WHERE kode = '33.76'`)).toEqual({
      kode: '33.76',
      kode_provinsi: '33',
      nama: 'Kota Tegal',
      jenis: 'KOTA',
      nama_kunci: 'TEGAL',
    });
    expect(await db.one(`SELECT * FROM ref_desa WHERE kode = '91.71.05.1002'`)).toMatchObject({
      jenis: 'KELURAHAN',
    });
    expect(await db.one(`SELECT jenis FROM ref_desa WHERE kode = '${LEMAHDUWUR}'`)).toEqual({
      jenis: 'DESA',
    });
  });

  it('normalises names with prefixes removed', async () => {
    expect(await db.one(`SELECT nama_kunci FROM ref_kabupaten WHERE kode = '31.01'`)).toEqual({
      nama_kunci: 'KEPULAUAN SERIBU',
    });
    expect(await db.one(`SELECT nama_kunci FROM ref_kabupaten WHERE kode = '31.71'`)).toEqual({
      nama_kunci: 'JAKARTA PUSAT',
    });
    const keys = await db.one(`SELECT
      padan_wilayah_kunci('  Kab.   Tegal ', 'kabupaten') AS a,
      padan_wilayah_kunci('KOTA ADM. JAKARTA PUSAT', 'kabupaten') AS b,
      padan_wilayah_kunci('Kec. Adiwerna', 'kecamatan') AS c,
      padan_wilayah_kunci('Kota Agung', 'kecamatan') AS d,
      padan_wilayah_kunci('DS. Lemah-duwur', 'desa') AS e,
      padan_wilayah_kunci('Pasi Kuala Ba''u', 'desa') AS f,
      padan_wilayah_kunci('PROP. KEP. RIAU', 'provinsi') AS g,
      padan_wilayah_kunci('Kota', 'kabupaten') AS h,
      padan_wilayah_jenis('KOTA TEGAL', 'kabupaten') AS i,
      padan_wilayah_jenis('Kab. Tegal', 'kabupaten') AS j,
      padan_wilayah_jenis('TEGAL', 'kabupaten') AS k`);
    expect(keys).toEqual({
      a: 'TEGAL',
      b: 'JAKARTA PUSAT',
      c: 'ADIWERNA',
      // A kecamatan may be called "Kota ...": only the level's own prefixes go.
      d: 'KOTA AGUNG',
      e: 'LEMAH DUWUR',
      f: 'PASI KUALA BAU',
      g: 'KEPULAUAN RIAU',
      h: 'KOTA',
      i: 'KOTA',
      j: 'KABUPATEN',
      k: null,
    });
  });

  it('keeps the retired Papua codes, with their successors, for NIK prefixes', async () => {
    expect(await db.one(`SELECT * FROM ref_kode_lama WHERE kode = '91.01'`)).toEqual({
      kode: '91.01',
      tingkat: 'kabupaten',
      nama: 'KAB. MERAUKE',
      kode_baru: '93.01',
    });
    expect(await db.one(`SELECT kode_baru FROM ref_kode_lama WHERE kode = '92.71'`)).toEqual({
      kode_baru: '96.71',
    });
    expect(await db.one(`SELECT kode_baru FROM ref_kode_lama WHERE kode = '91.01.01'`)).toEqual({
      kode_baru: '93.01.01',
    });
    expect(await db.count(`SELECT count(*) FROM ref_kode_lama WHERE tingkat = 'kabupaten'`)).toBe(26);
    expect(
      await db.count(`SELECT count(*) FROM ref_kode_lama WHERE kode_baru IS NULL AND tingkat = 'kabupaten'`),
    ).toBe(0);
    // NIK prefixes: current and retired kecamatan.
    expect(await db.count(`SELECT count(*) FROM ref_kode_nik`)).toBe(7285 + 594);
    expect(
      await db.count(
        `SELECT count(*) FROM ref_kode_nik WHERE kode_kecamatan IN ('91.01.01', '33.28.11', '93.01.01')`,
      ),
    ).toBe(3);
    expect(
      await db.all(
        `SELECT kode, tingkat, lama FROM ref_kode_prefix WHERE kode IN ('91', '91.01', '93.01', '92.71') ORDER BY kode`,
      ),
    ).toEqual([
      { kode: '91', tingkat: 'provinsi', lama: false },
      { kode: '91.01', tingkat: 'kabupaten', lama: true },
      { kode: '92.71', tingkat: 'kabupaten', lama: true },
      { kode: '93.01', tingkat: 'kabupaten', lama: false },
    ]);
  });

  it('reads a user --regions directory in the same layout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'padan-regions-'));
    try {
      writeFileSync(join(dir, 'provinces.csv'), 'code,name\n99,Provinsi Uji\n');
      // Undotted codes are accepted and dotted; a kab and a kota share a name.
      writeFileSync(
        join(dir, 'regencies.csv'),
        'code,province_code,name\n9901,99,Kabupaten Sukamaju\n9971,99,Kota Sukamaju\n',
      );
      writeFileSync(
        join(dir, 'districts.csv'),
        'code,regency_code,name\n99.01.01,99.01,Cempaka\n99.71.01,99.71,Melati\n',
      );
      writeFileSync(
        join(dir, 'villages.csv'),
        'code,district_code,name\n99.01.01.2001,99.01.01,Mawar\n99.71.01.1001,99.71.01,Mawar\n99.71.01.1002,99.71.01,"Soka""an"\n',
      );
      const custom = await Db.open({ path: ':memory:' });
      try {
        expect(await loadRegionReference(custom, dir)).toEqual({
          provinsi: 1,
          kabupaten: 2,
          kecamatan: 2,
          desa: 3,
          kodeLama: 620,
        });
        expect(await custom.all(`SELECT kode, jenis FROM ref_kabupaten ORDER BY kode`)).toEqual([
          { kode: '99.01', jenis: 'KABUPATEN' },
          { kode: '99.71', jenis: 'KOTA' },
        ]);
        const { rows } = await resolveRows(custom, [
          ['PROVINSI UJI', 'SUKAMAJU', 'MELATI', 'MAWAR'],
          ['PROVINSI UJI', 'KAB SUKAMAJU', 'MELATI', 'MAWAR'],
          ['PROVINSI UJI', 'SUKAMAJU', null, 'MAWAR'],
          ['PROVINSI UJI', 'SUKAMAJU', null, 'MAWAR', '9901012001'],
          ['PROVINSI UJI', 'KOTA SUKAMAJU', 'MELATI', 'SOKAAN'],
          // The default list is not loaded here.
          ['JAWA TENGAH', 'TEGAL', 'ADIWERNA', 'LEMAHDUWUR'],
        ]);
        expect(rows.map((r) => [r.status, r.kode_desa ?? r.masalah])).toEqual([
          ['RESOLVED', '99.71.01.1001'],
          ['INVALID', 'Kecamatan "MELATI" tidak ditemukan di Kab. Sukamaju'],
          ['INVALID', 'Nama "SUKAMAJU" cocok dengan Kab. Sukamaju dan Kota Sukamaju'],
          ['RESOLVED', '99.01.01.2001'],
          ['RESOLVED', '99.71.01.1002'],
          ['INVALID', 'Provinsi "JAWA TENGAH" tidak dikenal'],
        ]);
      } finally {
        custom.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says which file is missing from a --regions directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'padan-regions-'));
    const custom = await Db.open({ path: ':memory:' });
    try {
      writeFileSync(join(dir, 'provinces.csv'), 'code,nama\n99,Uji\n');
      await expect(loadRegionReference(custom, dir)).rejects.toThrow(
        /^provinces\.csv lacks column name; its header must be code,name$/,
      );
      // Named by the option, as bad input, when the run loads it.
      const error = await loadRegions(custom, dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).message).toBe(
        `--regions ${dir}: provinces.csv lacks column name; its header must be code,name`,
      );
      writeFileSync(join(dir, 'provinces.csv'), 'code,name\n"99,Uji\n');
      await expect(loadRegions(custom, dir)).rejects.toThrow(/: provinces\.csv cannot be read as CSV \(/);
      rmSync(join(dir, 'provinces.csv'));
      await expect(loadRegionReference(custom, dir)).rejects.toThrow(/^provinces\.csv not found$/);
    } finally {
      custom.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('resolveRegions: names', () => {
  it('resolves exact names, whatever the prefixes, case, punctuation and spacing', async () => {
    const { rows, stats } = await resolveRows(db, [
      ['JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNA', 'LEMAHDUWUR'],
      ['Jawa Tengah', 'Kabupaten Tegal', 'Kecamatan Adiwerna', 'Desa Lemahduwur'],
      ['  prov.  jawa   tengah ', ' kab  tegal', 'kec.adiwerna', 'ds. lemah-duwur'],
      ['PROVINSI JAWA TENGAH', 'KAB TEGAL', 'KEC. ADIWERNA', 'LEMAH DUWUR'],
      ['JATENG', 'TEGAL', 'ADIWERNA', 'LEMAHDUWUR'],
    ]);
    for (const row of rows) {
      expect(row).toMatchObject({
        kode_desa: LEMAHDUWUR,
        kode_kecamatan: '33.28.11',
        kode_kabupaten: '33.28',
        kode_provinsi: '33',
        metode: 'NAMA',
        status: 'RESOLVED',
        masalah: null,
      });
    }
    expect(stats).toEqual({ rows: 5, resolved: 5, invalid: 0, byMethod: { NAMA: 5 } });
  });

  it('reads the province names operators type', async () => {
    const cases: [string, string][] = [
      ['DKI JAKARTA', '31'],
      ['D.K.I. Jakarta', '31'],
      ['Daerah Khusus Ibukota Jakarta', '31'],
      ['DI YOGYAKARTA', '34'],
      ['D.I. YOGYAKARTA', '34'],
      ['D.I YOGYAKARTA', '34'],
      ['DIY', '34'],
      ['YOGYAKARTA', '34'],
      ['KEP. BANGKA BELITUNG', '19'],
      ['BABEL', '19'],
      ['KEP. RIAU', '21'],
      ['NTB', '52'],
      ['NTT', '53'],
      ['Nusa Tenggara Timur', '53'],
      ['NAD', '11'],
      ['JATIM', '35'],
    ];
    const inputs: Input[] = [];
    for (const [name, kode] of cases) {
      const d = await realDesa(`d.kode LIKE '${kode}.%'`);
      inputs.push([name, d.kab, d.kec, d.desa]);
    }
    const { rows } = await resolveRows(db, inputs);
    expect(rows.map((r) => [r.status, r.kode_provinsi])).toEqual(cases.map(([, kode]) => ['RESOLVED', kode]));
  });

  it('reads numerals, abbreviations and a prefix word that belongs to the name', async () => {
    const roman = await realDesa(`d.nama LIKE '% II' AND d.nama NOT LIKE '% I II'`);
    const sei = await realDesa(`d.nama LIKE 'Sei %'`);
    const kotabaru = await realDesa(`d.kode LIKE '63.02.%'`);
    const { rows } = await resolveRows(db, [
      [roman.prov, roman.kab, roman.kec, roman.desa.replace(/ II$/, ' 2')],
      [sei.prov, sei.kab, sei.kec, sei.desa.replace(/^Sei /, 'SUNGAI ')],
      // Kab. Kotabaru typed with a space: KOTA here is part of the name, not the type.
      [kotabaru.prov, 'KOTA BARU', kotabaru.kec, kotabaru.desa],
      [kotabaru.prov, 'KOTABARU', kotabaru.kec, kotabaru.desa],
    ]);
    expect(rows.map((r) => r.kode_desa)).toEqual([roman.kode, sei.kode, kotabaru.kode, kotabaru.kode]);
  });

  it('never takes a kota for the kabupaten of the same name', async () => {
    const { rows } = await resolveRows(db, [
      ['JAWA TENGAH', 'KOTA TEGAL', 'ADIWERNA', 'LEMAHDUWUR'],
      ['JAWA TENGAH', 'KAB. TEGAL', 'TEGAL BARAT', 'PESURUNGAN KIDUL'],
      ['JAWA TENGAH', 'KABUPATEN TEGAL', 'TEGAL BARAT', 'PESURUNGAN KIDUL'],
      ['JAWA TENGAH', 'KOTA TEGAL', 'TEGAL BARAT', 'PESURUNGAN KIDUL'],
      ['JAWA TIMUR', 'KOTA MALANG', 'KEPANJEN', 'KEPANJEN'],
      ['JAWA TIMUR', 'KAB. MALANG', 'KLOJEN', 'KLOJEN'],
      ['JAWA BARAT', 'KOTA BOGOR', 'CIBINONG', 'CIBINONG'],
    ]);
    expect(rows.map((r) => [r.status, r.kode_kabupaten, r.kode_desa])).toEqual([
      ['INVALID', '33.76', null],
      ['INVALID', '33.28', null],
      ['INVALID', '33.28', null],
      ['RESOLVED', '33.76', PESURUNGAN_KIDUL],
      ['INVALID', '35.73', null],
      ['INVALID', '35.07', null],
      ['INVALID', '32.71', null],
    ]);
    expect(rows[0]?.masalah).toBe('Kecamatan "ADIWERNA" tidak ditemukan di Kota Tegal');
    expect(rows[1]?.masalah).toBe('Kecamatan "TEGAL BARAT" tidak ditemukan di Kab. Tegal');
  });

  it('says so when a KOTA/KAB prefix names the wrong type', async () => {
    const row = await resolveOne(['JAWA BARAT', 'KOTA KUNINGAN', 'KUNINGAN', 'KUNINGAN']);
    expect(row).toMatchObject({ status: 'INVALID', kode_provinsi: '32', kode_kabupaten: null });
    expect(row.masalah).toBe(
      'Kab/Kota "KOTA KUNINGAN" tidak ditemukan di Prov. Jawa Barat (yang ada: Kab. Kuningan)',
    );
  });

  it('lets the lower levels choose for a bare kab/kota name', async () => {
    const { rows } = await resolveRows(db, [
      ['JAWA TENGAH', 'TEGAL', 'ADIWERNA', 'LEMAHDUWUR'],
      ['JAWA TENGAH', 'TEGAL', 'TEGAL BARAT', 'PESURUNGAN KIDUL'],
      ['JAWA TIMUR', 'MALANG', 'KLOJEN', 'KLOJEN'],
      ['JAWA TIMUR', 'MALANG', 'KEPANJEN', 'KEPANJEN'],
      ['JAWA TIMUR', 'KEDIRI', 'MOJOROTO', 'MOJOROTO'],
      ['JAWA BARAT', 'BOGOR', 'BOGOR TENGAH', 'PANARAGAN'],
      ['JAWA BARAT', 'BOGOR', 'CIBINONG', 'CIBINONG'],
    ]);
    expect(rows.map((r) => [r.status, r.metode, r.kode_kabupaten])).toEqual([
      ['RESOLVED', 'NAMA', '33.28'],
      ['RESOLVED', 'NAMA', '33.76'],
      ['RESOLVED', 'NAMA', '35.73'],
      ['RESOLVED', 'NAMA', '35.07'],
      ['RESOLVED', 'NAMA', '35.71'],
      ['RESOLVED', 'NAMA', '32.71'],
      ['RESOLVED', 'NAMA', '32.01'],
    ]);
  });

  it('keeps a bare kab/kota name INVALID when nothing below picks one', async () => {
    const { rows } = await resolveRows(db, [
      // Tajur is a desa in Kab. Bogor and a kelurahan in Kota Bogor; no kecamatan given.
      ['JAWA BARAT', 'BOGOR', null, 'TAJUR'],
      ['JAWA TENGAH', 'TEGAL', null, null],
    ]);
    expect(rows[0]).toMatchObject({
      status: 'INVALID',
      kode_desa: null,
      kode_kabupaten: null,
      kode_provinsi: '32',
    });
    expect(rows[0]?.masalah).toBe('Nama "BOGOR" cocok dengan Kab. Bogor dan Kota Bogor');
    expect(rows[1]).toMatchObject({ status: 'INVALID', kode_provinsi: '33', kode_kabupaten: null });
    expect(rows[1]?.masalah).toBe('Desa kosong');
  });

  it('tells apart a desa and a kelurahan of the same name only by prefix or code', async () => {
    const { rows } = await resolveRows(db, [
      ['PAPUA', 'KOTA JAYAPURA', 'HERAM', 'WAENA'],
      ['PAPUA', 'KOTA JAYAPURA', 'HERAM', 'KEL. WAENA'],
      ['PAPUA', 'KOTA JAYAPURA', 'HERAM', 'DESA WAENA'],
      ['PAPUA', 'KOTA JAYAPURA', 'HERAM', 'WAENA', '91.71.05.2005'],
    ]);
    expect(rows.map((r) => [r.status, r.kode_desa])).toEqual([
      ['INVALID', null],
      ['RESOLVED', '91.71.05.1002'],
      ['RESOLVED', '91.71.05.2005'],
      ['RESOLVED', '91.71.05.2005'],
    ]);
    expect(rows[0]).toMatchObject({ kode_kecamatan: '91.71.05' });
    expect(rows[0]?.masalah).toBe('Nama "WAENA" cocok dengan Kel. Waena dan Desa Waena');
    expect(rows[3]?.metode).toBe('NAMA_KODE');
  });

  it('reports an unknown desa, kecamatan, kab/kota or province where it was looked for', async () => {
    const { rows } = await resolveRows(db, [
      ['JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNA', 'SUKAMAJU'],
      ['JAWA TENGAH', 'KAB. TEGAL', 'CIBINONG', 'SUKAMAJU'],
      ['JAWA TENGAH', 'KAB. BOGOR', 'CIBINONG', 'CIBINONG'],
      ['NEGERI ANTAH', 'KAB. TEGAL', 'ADIWERNA', 'LEMAHDUWUR'],
      ['JAWA TENGAH', 'TEGAL', 'SUKAMAJU', 'SUKAMAJU'],
    ]);
    expect(
      rows.map((r) => [r.status, r.kode_provinsi, r.kode_kabupaten, r.kode_kecamatan, r.masalah]),
    ).toEqual([
      ['INVALID', '33', '33.28', '33.28.11', 'Desa "SUKAMAJU" tidak ditemukan di Kec. Adiwerna'],
      ['INVALID', '33', '33.28', null, 'Kecamatan "CIBINONG" tidak ditemukan di Kab. Tegal'],
      ['INVALID', '33', null, null, 'Kab/Kota "KAB. BOGOR" tidak ditemukan di Prov. Jawa Tengah'],
      ['INVALID', null, null, null, 'Provinsi "NEGERI ANTAH" tidak dikenal'],
      ['INVALID', '33', null, null, 'Kecamatan "SUKAMAJU" tidak ditemukan di Kab. Tegal atau Kota Tegal'],
    ]);
  });

  it('handles NULL and empty names', async () => {
    const { rows } = await resolveRows(db, [
      [null, null, null, null],
      ['', '  ', '', ''],
      // An empty level stands for every child of a named parent ...
      [null, 'KAB. TEGAL', 'ADIWERNA', 'LEMAHDUWUR'],
      ['JAWA TENGAH', 'KAB. TEGAL', null, 'LEMAHDUWUR'],
      ['JAWA TENGAH', null, 'ADIWERNA', 'LEMAHDUWUR'],
      // ... but two empty levels in a row are too little to go on.
      [null, null, 'ADIWERNA', 'LEMAHDUWUR'],
      ['JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNA', null],
    ]);
    expect(rows.map((r) => [r.status, r.kode_desa])).toEqual([
      ['INVALID', null],
      ['INVALID', null],
      ['RESOLVED', LEMAHDUWUR],
      ['RESOLVED', LEMAHDUWUR],
      ['RESOLVED', LEMAHDUWUR],
      ['INVALID', null],
      ['INVALID', null],
    ]);
    expect(rows[0]?.masalah).toBe('Nama wilayah kosong');
    expect(rows[1]?.masalah).toBe('Nama wilayah kosong');
    expect(rows[2]?.masalah).toBe('Provinsi kosong, diisi Prov. Jawa Tengah');
    expect(rows[3]?.masalah).toBe('Kecamatan kosong, diisi Kec. Adiwerna');
    expect(rows[5]?.masalah).toBe('Kab/Kota kosong');
    expect(rows[6]).toMatchObject({ kode_kecamatan: '33.28.11', masalah: 'Desa kosong' });
  });

  it('finds a kab/kota named under its province from before the Papua split', async () => {
    const row = await resolveOne(['PAPUA', 'KAB. MERAUKE', 'MERAUKE', 'KELAPA LIMA']);
    expect(row).toMatchObject({
      status: 'RESOLVED',
      metode: 'NAMA_LAMA',
      kode_kabupaten: '93.01',
      kode_provinsi: '93',
      masalah: 'Kab/Kota "KAB. MERAUKE" kini di Prov. Papua Selatan (pemekaran wilayah)',
    });
    const current = await resolveOne(['PAPUA SELATAN', 'MERAUKE', 'MERAUKE', 'KELAPA LIMA']);
    expect(current).toMatchObject({ status: 'RESOLVED', metode: 'NAMA', kode_desa: row.kode_desa });
  });
});

describe('resolveRegions: close spellings', () => {
  it('accepts a unique close spelling at any level', async () => {
    const { rows, stats } = await resolveRows(db, [
      ['JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNAA', 'LEMAHDUWUR'],
      ['JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNA', 'LEMAHDUWR'],
      ['JAWA TENGH', 'KAB. TEGAL', 'ADIWERNA', 'LEMAHDUWUR'],
      ['JAWA TENGAH', 'KAB. TEGL', 'ADIWERNA', 'LEMAHDUWUR'],
      // A bare name typo'd keeps both the kab and the kota; the kecamatan chooses.
      ['JAWA TENGAH', 'TEGL', 'ADIWERNA', 'LEMAHDUWUR'],
      ['JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNA', 'HARJOSRI LOR'],
    ]);
    expect(rows.map((r) => [r.status, r.metode, r.kode_desa])).toEqual([
      ['RESOLVED', 'NAMA_MIRIP', LEMAHDUWUR],
      ['RESOLVED', 'NAMA_MIRIP', LEMAHDUWUR],
      ['RESOLVED', 'NAMA_MIRIP', LEMAHDUWUR],
      ['RESOLVED', 'NAMA_MIRIP', LEMAHDUWUR],
      ['RESOLVED', 'NAMA_MIRIP', LEMAHDUWUR],
      ['RESOLVED', 'NAMA_MIRIP', '33.28.11.2006'],
    ]);
    expect(rows[0]?.masalah).toBe('Kecamatan "ADIWERNAA" dibaca sebagai Kec. Adiwerna');
    expect(rows[1]?.masalah).toBe('Desa "LEMAHDUWR" dibaca sebagai Desa Lemahduwur');
    expect(stats.byMethod).toEqual({ NAMA_MIRIP: 6 });
  });

  it('rejects spellings that are too far, ambiguous, or lose a distinguishing word', async () => {
    const { rows } = await resolveRows(db, [
      // Too different.
      ['JAWA TENGAH', 'KAB. TEGAL', 'ADWRN', 'LEMAHDUWUR'],
      ['JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNA', 'LEMAHDWR'],
      // Harjosari Lor and Harjosari Kidul are both in Adiwerna: HARJOSARI is neither.
      ['JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNA', 'HARJOSARI'],
      ['JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNA', 'HARJOSARI WETAN'],
      // Between two real neighbours (Kesamiran, Kesadikan in Kec. Tarub): no clear winner.
      ['JAWA TENGAH', 'KAB. TEGAL', 'TARUB', 'KESAMIKAN'],
      // KOTA binds even for a close spelling.
      ['JAWA TENGAH', 'KOTA TEGL', 'ADIWERNA', 'LEMAHDUWUR'],
    ]);
    expect(rows.map((r) => r.status)).toEqual([
      'INVALID',
      'INVALID',
      'INVALID',
      'INVALID',
      'INVALID',
      'INVALID',
    ]);
    expect(rows[0]?.masalah).toBe('Kecamatan "ADWRN" tidak ditemukan di Kab. Tegal');
    expect(rows[2]?.masalah).toBe('Desa "HARJOSARI" tidak ditemukan di Kec. Adiwerna');
    expect(rows[5]?.kode_kabupaten).toBe('33.76');
  });

  it('can be switched off', async () => {
    const row = await resolveOne(['JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNAA', 'LEMAHDUWUR'], { fuzzy: false });
    expect(row).toMatchObject({ status: 'INVALID', kode_kabupaten: '33.28', kode_kecamatan: null });
  });
});

describe('resolveRegions: KODE WILAYAH', () => {
  it('confirms names that agree, dotted or not', async () => {
    const { rows } = await resolveRows(db, [
      ['JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNA', 'LEMAHDUWUR', '33.28.11.2013'],
      ['JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNA', 'LEMAHDUWUR', '3328112013'],
      ['JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNA', 'LEMAHDUWUR', ' 33 28 11 2013 '],
      ['JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNA', 'LEMAHDUWUR', '3328112013.0'],
      // The forms the parse macro accepts: parts run together, a dropped leading zero.
      ['JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNA', 'LEMAHDUWUR', '3328.11.2013'],
      ['JAWA TENGAH', 'KAB. TEGAL', 'MARGASARI', 'KALIGAYAM', '33.28.1.2002'],
      // Placeholders count as no code.
      ['JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNA', 'LEMAHDUWUR', '0000000000'],
      ['JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNA', 'LEMAHDUWUR', '-'],
    ]);
    expect(rows.map((r) => [r.status, r.metode, r.kode_desa, r.masalah])).toEqual([
      ['RESOLVED', 'NAMA_KODE', LEMAHDUWUR, null],
      ['RESOLVED', 'NAMA_KODE', LEMAHDUWUR, null],
      ['RESOLVED', 'NAMA_KODE', LEMAHDUWUR, null],
      ['RESOLVED', 'NAMA_KODE', LEMAHDUWUR, null],
      ['RESOLVED', 'NAMA_KODE', LEMAHDUWUR, null],
      ['RESOLVED', 'NAMA_KODE', '33.28.01.2002', null],
      ['RESOLVED', 'NAMA', LEMAHDUWUR, null],
      ['RESOLVED', 'NAMA', LEMAHDUWUR, null],
    ]);
  });

  it('marks a code that contradicts the names INVALID, keeping the levels both agree on', async () => {
    const { rows } = await resolveRows(db, [
      ['JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNA', 'LEMAHDUWUR', '33.28.11.2001'],
      ['JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNA', 'LEMAHDUWUR', '33.76.01.1001'],
      // Names stop at Adiwerna; the code is elsewhere.
      ['JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNA', 'SUKAMAJU', '33.28.10.2001'],
    ]);
    expect(rows[0]).toMatchObject({
      status: 'INVALID',
      kode_desa: null,
      kode_kecamatan: '33.28.11',
      kode_kabupaten: '33.28',
      metode: null,
      masalah: `Kode wilayah 33.28.11.2001 bertentangan dengan nama wilayah (${LEMAHDUWUR})`,
    });
    expect(rows[1]).toMatchObject({ status: 'INVALID', kode_kabupaten: null, kode_provinsi: '33' });
    expect(rows[2]).toMatchObject({ status: 'INVALID', kode_kecamatan: null, kode_kabupaten: '33.28' });
    expect(rows[2]?.masalah).toBe(
      'Kode wilayah 33.28.10.2001 bertentangan dengan nama wilayah (33.28.11); Desa "SUKAMAJU" tidak ditemukan di Kec. Adiwerna',
    );
  });

  it('lets the code decide inside what the names did resolve', async () => {
    const { rows, stats } = await resolveRows(db, [
      ['JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNA', 'SUKAMAJU', '33.28.11.2001'],
      ['JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNA', null, '3328112001'],
      [null, null, null, null, '33.28.11.2001'],
      // Bare TEGAL and no kecamatan: the code picks the kab or the kota.
      ['JAWA BARAT', 'BOGOR', null, 'TAJUR', '32.71.02.1006'],
    ]);
    expect(rows.map((r) => [r.status, r.metode, r.kode_desa])).toEqual([
      ['RESOLVED', 'KODE', '33.28.11.2001'],
      ['RESOLVED', 'KODE', '33.28.11.2001'],
      ['RESOLVED', 'KODE', '33.28.11.2001'],
      ['RESOLVED', 'NAMA_KODE', '32.71.02.1006'],
    ]);
    expect(rows[0]?.masalah).toBe(
      'Desa "SUKAMAJU" tidak ditemukan di Kec. Adiwerna; ditetapkan dari kode wilayah 33.28.11.2001',
    );
    expect(rows[2]?.masalah).toBe('Nama wilayah kosong; ditetapkan dari kode wilayah 33.28.11.2001');
    expect(stats.byMethod).toEqual({ KODE: 3, NAMA_KODE: 1 });
  });

  it('marks a malformed or unknown code INVALID even when the names resolve', async () => {
    const { rows } = await resolveRows(db, [
      ['JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNA', 'LEMAHDUWUR', '33.28.11.201'],
      ['JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNA', 'LEMAHDUWUR', '3.32811E+09'],
      ['JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNA', 'LEMAHDUWUR', '33.28.99.2001'],
    ]);
    for (const row of rows) {
      expect(row).toMatchObject({
        status: 'INVALID',
        kode_desa: null,
        kode_kecamatan: '33.28.11',
        metode: null,
      });
    }
    expect(rows[0]?.masalah).toBe(
      `Kode wilayah "33.28.11.201" tidak sah (harus 10 angka, mis. 33.28.01.2001), nama wilayah menunjuk ${LEMAHDUWUR}`,
    );
    expect(rows[2]?.masalah).toBe(
      `Kode wilayah 33.28.99.2001 tidak ada dalam daftar wilayah Kemendagri, nama wilayah menunjuk ${LEMAHDUWUR}`,
    );
  });

  it('reads a code from before the Papua split as its successor kecamatan', async () => {
    const names = ['PAPUA SELATAN', 'MERAUKE', 'MERAUKE', 'KELAPA LIMA'] as const;
    const { rows } = await resolveRows(db, [
      [...names, '91.01.01.1006'],
      // 91.01.02 (Muting) is now 93.01.02, not Kec. Merauke.
      [...names, '91.01.02.2001'],
      // The old code alone cannot name a desa.
      [null, null, null, null, '91.01.01.1006'],
    ]);
    expect(rows[0]).toMatchObject({ status: 'RESOLVED', metode: 'NAMA_KODE', kode_kecamatan: '93.01.01' });
    expect(rows[0]?.masalah).toBe(
      'Kode wilayah 91.01.01.1006 adalah kode lama (sebelum pemekaran), kini Kec. Merauke (93.01.01)',
    );
    expect(rows[1]).toMatchObject({ status: 'INVALID', kode_kabupaten: '93.01', kode_kecamatan: null });
    expect(rows[1]?.masalah).toMatch(
      /^Kode wilayah 91\.01\.02\.2001 adalah kode lama .*bertentangan dengan nama wilayah/,
    );
    expect(rows[2]).toMatchObject({ status: 'INVALID', kode_kecamatan: '93.01.01' });
  });
});

describe('resolveRegions: contract', () => {
  it('writes exactly one row per source row, for many rows with few distinct tuples', async () => {
    await db.exec(`
      CREATE TABLE big_src AS
      WITH t(i, provinsi, kabupaten, kecamatan, desa, kode_wilayah) AS (VALUES
        (0, 'JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNA', 'LEMAHDUWUR', NULL),
        (1, 'JAWA TENGAH', 'TEGAL', 'TEGAL BARAT', 'PESURUNGAN KIDUL', NULL),
        (2, 'JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNA', 'SUKAMAJU', NULL),
        (3, NULL, NULL, NULL, NULL, NULL),
        (4, 'JAWA TENGAH', 'KAB. TEGAL', 'ADIWERNAA', 'LEMAHDUWUR', '33.28.11.2013'),
        (5, 'JAWA TIMUR', 'MALANG', 'KLOJEN', 'KLOJEN', NULL),
        (6, 'JAWA BARAT', 'BOGOR', NULL, 'TAJUR', NULL))
      SELECT 'ID' || lpad(CAST(r.range AS VARCHAR), 7, '0') AS id_dtks, t.provinsi, t.kabupaten, t.kecamatan, t.desa,
        t.kode_wilayah
      FROM range(150000) r JOIN t ON t.i = r.range % 7`);
    const stats = await resolveRegions(db, { source: 'big_src', target: 'big_res' });
    expect(stats.rows).toBe(150000);
    expect(stats.resolved + stats.invalid).toBe(150000);
    expect(await db.count(`SELECT count(DISTINCT id_dtks) FROM big_res`)).toBe(150000);
    expect(
      await db.count(`SELECT count(*) FROM big_src s ANTI JOIN big_res r ON r.id_dtks = s.id_dtks`),
    ).toBe(0);
    // 7 tuples: Lemahduwur, Pesurungan Kidul, Klojen, the typo + code resolve; 3 do not.
    const invalid = await db.count(
      `SELECT count(*) FROM big_src WHERE CAST(substr(id_dtks, 3) AS INTEGER) % 7 IN (2, 3, 6)`,
    );
    expect(stats.invalid).toBe(invalid);
    expect(stats.byMethod).toEqual({
      NAMA:
        150000 - invalid - (await db.count(`SELECT count(*) FROM big_src WHERE kode_wilayah IS NOT NULL`)),
      NAMA_KODE: await db.count(`SELECT count(*) FROM big_src WHERE kode_wilayah IS NOT NULL`),
    });
  });

  it('is deterministic', async () => {
    const inputs: Input[] = [
      ['JAWA TENGAH', 'TEGAL', 'ADIWERNA', 'LEMAHDUWUR'],
      ['JAWA BARAT', 'BOGOR', null, 'TAJUR'],
      ['PAPUA', 'KOTA JAYAPURA', 'HERAM', 'WAENA'],
      ['JAWA TENGAH', 'TEGL', 'ADIWERNAA', 'LEMAHDUWR'],
    ];
    const first = await resolveRows(db, inputs);
    const second = await resolveRows(db, inputs);
    expect(second.rows).toEqual(first.rows);
  });

  it('refuses a source without the expected columns', async () => {
    await db.exec(`CREATE TABLE bad_src (id_dtks VARCHAR, provinsi VARCHAR)`);
    await expect(resolveRegions(db, { source: 'bad_src' })).rejects.toThrow(
      /kabupaten, kecamatan, desa, kode_wilayah/,
    );
  });

  it('refuses to run before the reference is loaded', async () => {
    const empty = await Db.open({ path: ':memory:' });
    try {
      await empty.exec(
        `CREATE TABLE s (id_dtks VARCHAR, provinsi VARCHAR, kabupaten VARCHAR, kecamatan VARCHAR, desa VARCHAR, kode_wilayah VARCHAR)`,
      );
      await expect(resolveRegions(empty, { source: 's' })).rejects.toThrow(/loadRegionReference/);
    } finally {
      empty.close();
    }
  });
});
