import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db } from './db.js';
import { installParseMacros, PARSE_VERSION } from './parse.js';

let db: Db;

beforeAll(async () => {
  db = await Db.open({ path: ':memory:' });
  await installParseMacros(db);
  // Idempotent: the normalise stage may install them on a database that already has them.
  await installParseMacros(db);
});

afterAll(() => db.close());

/** One macro call on one value, through a prepared parameter like the pipeline's own values. */
async function call(expr: string, value: string | null): Promise<unknown> {
  const row = await db.one<{ v: unknown }>(`SELECT ${expr} AS v`, [value]);
  return row?.v;
}

const tanggal = (x: string | null) => call('padan_tanggal(?)', x);
const bentuk = (x: string | null) => call('padan_tanggal_bentuk(?)', x);

describe('PARSE_VERSION', () => {
  it('is a positive integer', () => {
    expect(Number.isInteger(PARSE_VERSION) && PARSE_VERSION > 0).toBe(true);
  });
});

describe('padan_tanggal / padan_tanggal_bentuk', () => {
  it.each([
    ['1990-01-02', '1990-01-02', 'ISO'],
    ['1990-1-2', '1990-01-02', 'ISO'],
    ['1990/01/02', '1990-01-02', 'ISO'],
    ['02-01-1990', '1990-01-02', 'DMY'],
    ['02/01/1990', '1990-01-02', 'DMY'],
    ['2-1-1990', '1990-01-02', 'DMY'],
    ['2/1/1990', '1990-01-02', 'DMY'],
    ['02.01.1990', '1990-01-02', 'DMY'],
    ['12/03/1985 00:00:00', '1985-03-12', 'DMY'],
    ['12/03-1985', '1985-03-12', 'DMY'],
    ['12 - 03 - 1985', '1985-03-12', 'DMY'],
    ['12 Maret 1985', '1985-03-12', 'DMY_NAMA_BULAN'],
    ['12 MARET 1985', '1985-03-12', 'DMY_NAMA_BULAN'],
    ['12 maret 1985', '1985-03-12', 'DMY_NAMA_BULAN'],
    ['12 mArEt 1985', '1985-03-12', 'DMY_NAMA_BULAN'],
    ['17 Agustus 1945', '1945-08-17', 'DMY_NAMA_BULAN'],
    ['17 Agt 1945', '1945-08-17', 'DMY_NAMA_BULAN'],
    ['17 ags 1945', '1945-08-17', 'DMY_NAMA_BULAN'],
    ['17-Agu-1945', '1945-08-17', 'DMY_NAMA_BULAN'],
    ['5 Mei 1990', '1990-05-05', 'DMY_NAMA_BULAN'],
    ['5 Des 1990', '1990-12-05', 'DMY_NAMA_BULAN'],
    ['5 Dec 1990', '1990-12-05', 'DMY_NAMA_BULAN'],
    ['1 Okt 2001', '2001-10-01', 'DMY_NAMA_BULAN'],
    ['12 Sept 1990', '1990-09-12', 'DMY_NAMA_BULAN'],
    ['12 sep. 1990', '1990-09-12', 'DMY_NAMA_BULAN'],
    ['28 Pebruari 1970', '1970-02-28', 'DMY_NAMA_BULAN'],
    ['10 Nopember 1945', '1945-11-10', 'DMY_NAMA_BULAN'],
    ['12 March 1985', '1985-03-12', 'DMY_NAMA_BULAN'],
    ['1 October 2001', '2001-10-01', 'DMY_NAMA_BULAN'],
    ['4 jul 1976', '1976-07-04', 'DMY_NAMA_BULAN'],
    ['32874', '1990-01-01', 'EXCEL_SERIAL'],
    ['32874.0', '1990-01-01', 'EXCEL_SERIAL'],
    ['31118', '1985-03-12', 'EXCEL_SERIAL'],
    ['45658', '2025-01-01', 'EXCEL_SERIAL'],
    ['61', '1900-03-01', 'EXCEL_SERIAL'],
    ['59', '1900-02-28', 'EXCEL_SERIAL'],
    ['1', '1900-01-01', 'EXCEL_SERIAL'],
    ['73050', '2099-12-31', 'EXCEL_SERIAL'],
    ['1990-01-02 10:11:12', '1990-01-02', 'ISO_DATETIME'],
    ['1990-01-02 00:00', '1990-01-02', 'ISO_DATETIME'],
    ['1990-01-02T10:11:12Z', '1990-01-02', 'ISO_DATETIME'],
    ['1990-01-02T10:11:12.123+07:00', '1990-01-02', 'ISO_DATETIME'],
    ['19900102', '1990-01-02', 'YYYYMMDD'],
    [' 1990-01-02 ', '1990-01-02', 'ISO'],
    ['\t02-01-1990\n', '1990-01-02', 'DMY'],
    ['\u00a012 Maret 1985\u00a0', '1985-03-12', 'DMY_NAMA_BULAN'],
    ['29-02-2000', '2000-02-29', 'DMY'],
  ])('%j -> %s (%s)', async (x, date, form) => {
    expect(await tanggal(x)).toBe(date);
    expect(await bentuk(x)).toBe(form);
  });

  it.each([
    'Januari',
    'Februari',
    'Maret',
    'April',
    'Mei',
    'Juni',
    'Juli',
    'Agustus',
    'September',
    'Oktober',
    'November',
    'Desember',
  ])('Indonesian month %s in any case', async (name) => {
    const month = [
      'Januari',
      'Februari',
      'Maret',
      'April',
      'Mei',
      'Juni',
      'Juli',
      'Agustus',
      'September',
      'Oktober',
      'November',
      'Desember',
    ].indexOf(name);
    const iso = `2001-${String(month + 1).padStart(2, '0')}-09`;
    for (const written of [name, name.toUpperCase(), name.toLowerCase()]) {
      expect(await tanggal(`9 ${written} 2001`)).toBe(iso);
      expect(await tanggal(`09-${written}-2001`)).toBe(iso);
    }
  });

  it.each([
    // Impossible dates: NULL, never rolled over, with the form still named.
    ['31-02-1990', 'DMY'],
    ['29-02-1990', 'DMY'],
    ['29-02-1900', 'DMY'],
    ['31-04-1990', 'DMY'],
    ['00-01-1990', 'DMY'],
    ['1-13-1990', 'DMY'],
    ['2023-02-29', 'ISO'],
    ['1990-13-01', 'ISO'],
    // Month-first is never guessed: day 12 of month 31 does not exist.
    ['12-31-1990', 'DMY'],
    ['31 Februari 1990', 'DMY_NAMA_BULAN'],
    ['19901302', 'YYYYMMDD'],
    ['1990-02-30 00:00:00', 'ISO_DATETIME'],
    // Outside 1880..2100.
    ['01-01-1700', 'DMY'],
    ['1700-01-01', 'ISO'],
    ['01-01-2101', 'DMY'],
    ['17000101', 'YYYYMMDD'],
    // Excel's 29 February 1900 and serials past 2099.
    ['60', 'EXCEL_SERIAL'],
    ['73051', 'EXCEL_SERIAL'],
    // Not a form: two-digit years (no century to take), a bare year, an unknown month, text.
    ['12-03-85', 'TIDAK_DIKENAL'],
    ['1985', 'TIDAK_DIKENAL'],
    ['12 Foo 1990', 'TIDAK_DIKENAL'],
    ['abc', 'TIDAK_DIKENAL'],
    ['123456', 'TIDAK_DIKENAL'],
    ['1990-01-02 garbage', 'TIDAK_DIKENAL'],
    // Empty.
    [null, 'KOSONG'],
    ['', 'KOSONG'],
    ['   ', 'KOSONG'],
    ['-', 'KOSONG'],
    ['NULL', 'KOSONG'],
    ['null', 'KOSONG'],
    ['0', 'KOSONG'],
    ['00-00-0000', 'KOSONG'],
    ['0000-00-00', 'KOSONG'],
    ['0000-00-00 00:00:00', 'KOSONG'],
  ])('%j -> NULL (%s)', async (x, form) => {
    expect(await tanggal(x)).toBeNull();
    expect(await bentuk(x)).toBe(form);
  });

  it('accepts values that are not text', async () => {
    expect(await db.one(`SELECT padan_tanggal(DATE '1990-01-02') AS a, padan_tanggal(32874) AS b`)).toEqual({
      a: '1990-01-02',
      b: '1990-01-01',
    });
  });
});

describe('padan_jenis_kelamin', () => {
  it.each([
    ['LAKI-LAKI', 'L'],
    ['Laki-laki', 'L'],
    ['LAKI LAKI', 'L'],
    ['laki laki', 'L'],
    ['LAKI2', 'L'],
    ['LAKI', 'L'],
    ['L', 'L'],
    [' l ', 'L'],
    ['1', 'L'],
    ['1.0', 'L'],
    ['PRIA', 'L'],
    ['LK', 'L'],
    ['PEREMPUAN', 'P'],
    ['Perempuan', 'P'],
    ['P', 'P'],
    ['p', 'P'],
    ['2', 'P'],
    ['WANITA', 'P'],
    ['PR', 'P'],
    ['X', null],
    ['3', null],
    ['0', null],
    ['LAKI PEREMPUAN', null],
    ['', null],
    [null, null],
  ])('%j -> %j', async (x, expected) => {
    expect(await call('padan_jenis_kelamin(?)', x)).toBe(expected);
  });
});

describe('padan_hubungan', () => {
  const order = [
    'KEPALA KELUARGA',
    'ISTRI',
    'SUAMI',
    'ANAK',
    'MENANTU',
    'CUCU',
    'ORANG TUA',
    'MERTUA',
    'FAMILI LAIN',
    'LAINNYA',
  ];
  it.each(order.map((name, i) => [i + 1, name]))(
    'code %i is %s, also as text and zero-padded',
    async (code, name) => {
      expect(await call('padan_hubungan(?)', String(code))).toBe(name);
      expect(await call('padan_hubungan(?)', `${code}.0`)).toBe(name);
      if (code < 10) expect(await call('padan_hubungan(?)', `0${code}`)).toBe(name);
      expect(await call('padan_hubungan(?)', name)).toBe(name);
      expect(await call('padan_hubungan(?)', name.toLowerCase())).toBe(name);
    },
  );

  it.each([
    ['KK', 'KEPALA KELUARGA'],
    ['Kepala', 'KEPALA KELUARGA'],
    ['KRT', 'KEPALA KELUARGA'],
    ['Kepala Rumah Tangga', 'KEPALA KELUARGA'],
    ['ISTERI', 'ISTRI'],
    ['Anak Kandung', 'ANAK'],
    ['ANAK TIRI', 'ANAK'],
    ['anak angkat', 'ANAK'],
    ['FAMILI', 'FAMILI LAIN'],
    ['FAMILY LAIN', 'FAMILI LAIN'],
    ['PEMBANTU', 'LAINNYA'],
    ['ORANGTUA', 'ORANG TUA'],
    ['  orang   tua ', 'ORANG TUA'],
    ['11', null],
    ['0', null],
    ['00', null],
    ['TETANGGA', null],
    ['', null],
    [null, null],
  ])('%j -> %j', async (x, expected) => {
    expect(await call('padan_hubungan(?)', x)).toBe(expected);
  });
});

describe('padan_stat_hidup', () => {
  it.each([
    ['HIDUP', 'HIDUP'],
    ['hidup', 'HIDUP'],
    ['1', 'HIDUP'],
    ['MATI', 'MATI'],
    ['2', 'MATI'],
    ['MENINGGAL', 'MATI'],
    ['Meninggal Dunia', 'MATI'],
    ['WAFAT', 'MATI'],
    ['3', null],
    ['0', null],
    ['HILANG', null],
    ['', null],
    [null, null],
  ])('%j -> %j', async (x, expected) => {
    expect(await call('padan_stat_hidup(?)', x)).toBe(expected);
  });
});

describe('padan_flag', () => {
  it.each([
    ['1', true],
    ['0', false],
    ['Y', true],
    ['T', false],
    ['YA', true],
    ['Ya', true],
    ['TIDAK', false],
    ['YES', true],
    ['NO', false],
    ['TRUE', true],
    ['false', false],
    ['N', false],
    ['1.0', true],
    ['2', null],
    ['MUNGKIN', null],
    ['', null],
    [null, null],
  ])('%j -> %j', async (x, expected) => {
    expect(await call('padan_flag(?)', x)).toBe(expected);
  });
});

describe('padan_nik_bersih / padan_nik_bentuk', () => {
  it.each([
    ['3328015203850002', '3328015203850002', 'ANGKA16'],
    [' 3328015203850002 ', '3328015203850002', 'ANGKA16'],
    ["'3328015203850002", '3328015203850002', 'ANGKA16'],
    ['3328 0112 0385 0002', '3328011203850002', 'ANGKA16'],
    ['3328.0112.0385.0002', '3328011203850002', 'ANGKA16'],
    ['3328-0112-0385-0002', '3328011203850002', 'ANGKA16'],
    ['33.28.01.120385.0002', '3328011203850002', 'ANGKA16'],
    ['="3328015203850002"', '3328015203850002', 'ANGKA16'],
    ['0000000000000000', '0000000000000000', 'ANGKA16'],
    // Excel damage: kept exactly as written, never repaired.
    ['3.32801E+15', '3.32801E+15', 'EXCEL'],
    ['3,32801E+15', '3,32801E+15', 'EXCEL'],
    ['3.32801e15', '3.32801e15', 'EXCEL'],
    [' 3.32801E+15 ', '3.32801E+15', 'EXCEL'],
    ['3328011203850000.0', '3328011203850000.0', 'EXCEL'],
    ['3.328.011.203.850.000', '3.328.011.203.850.000', 'EXCEL'],
    ['332801520385', '332801520385', 'ANGKA_LAIN'],
    ['33280152038500021', '33280152038500021', 'ANGKA_LAIN'],
    ['3328 0152 0385', '332801520385', 'ANGKA_LAIN'],
    ['3328O15203850002', '3328O15203850002', 'BUKAN_ANGKA'],
    ['NIK 3328015203850002', 'NIK 3328015203850002', 'BUKAN_ANGKA'],
    [null, null, 'KOSONG'],
    ['', null, 'KOSONG'],
    ['   ', null, 'KOSONG'],
    ['-', null, 'KOSONG'],
    ['0', null, 'KOSONG'],
    ['NULL', null, 'KOSONG'],
    ['BELUM ADA', null, 'KOSONG'],
  ])('%j -> %j (%s)', async (x, clean, form) => {
    expect(await call('padan_nik_bersih(?)', x)).toBe(clean);
    expect(await call('padan_nik_bentuk(?)', x)).toBe(form);
    expect(await call('padan_kk_bersih(?)', x)).toBe(clean);
    expect(await call('padan_kk_bentuk(?)', x)).toBe(form);
  });

  it('accepts numbers: a BIGINT is its digits, a DOUBLE is named EXCEL', async () => {
    expect(
      await db.one(
        `SELECT padan_nik_bersih(3328015203850002::BIGINT) AS a, padan_nik_bentuk(3328015203850002::DOUBLE) AS b`,
      ),
    ).toEqual({ a: '3328015203850002', b: 'EXCEL' });
  });
});

describe('padan_nik_placeholder', () => {
  it.each([
    '0000000000000000',
    '1111111111111111',
    '9999999999999999',
    '1234567890123456',
    '0123456789012345',
    '9876543210987654',
    '1212121212121212',
    '1234123412341234',
    '3328010000000000',
    '3328000000000000',
    '3300000000000000',
    '0000000000000001',
  ])('%s is a placeholder', async (nik) => {
    expect(await call('padan_nik_placeholder(?)', nik)).toBe(true);
  });

  it.each([
    '3328015203850002',
    '3328011203850002',
    '3328010101000001',
    '1101011101010101',
    '3328011201100003',
    '3174051208900000',
  ])('%s is not a placeholder', async (nik) => {
    expect(await call('padan_nik_placeholder(?)', nik)).toBe(false);
  });

  it.each(['3.32801E+15', '332801520385', null])('%j (not 16 digits) gives NULL', async (nik) => {
    expect(await call('padan_nik_placeholder(?)', nik)).toBeNull();
  });
});

describe('NIK decomposition', () => {
  const REF = `DATE '2025-01-01'`;
  const parts = (nik: string | null) =>
    db.one(
      `SELECT padan_nik_lahir($1, ${REF}) AS lahir, padan_nik_jk($1) AS jk, padan_nik_ddmmyy($1) AS ddmmyy,
        padan_nik_serial($1) AS serial, padan_nik_kec($1) AS kec, padan_nik_kab($1) AS kab, padan_nik_prov($1) AS prov`,
      [nik],
    );

  it('reads a woman: day + 40', async () => {
    expect(await parts('3328015203850002')).toEqual({
      lahir: '1985-03-12',
      jk: 'P',
      ddmmyy: '120385',
      serial: '0002',
      kec: '33.28.01',
      kab: '33.28',
      prov: '33',
    });
  });

  it('reads a man', async () => {
    expect(await parts('3328011203850002')).toMatchObject({ lahir: '1985-03-12', jk: 'L', ddmmyy: '120385' });
    expect(await parts('3174053112990001')).toMatchObject({
      lahir: '1999-12-31',
      jk: 'L',
      kec: '31.74.05',
      serial: '0001',
    });
  });

  it('compares century-free with a birth date', async () => {
    const row = await db.one<{ same: boolean; other: boolean }>(
      `SELECT padan_nik_ddmmyy('3328015203850002') = strftime(DATE '1985-03-12', '%d%m%y') AS same,
        padan_nik_ddmmyy('3328015203850002') = strftime(DATE '1985-03-13', '%d%m%y') AS other`,
    );
    expect(row).toEqual({ same: true, other: false });
  });

  it.each([
    ['3328016902000001', '2000-02-29', 'P'],
    ['3328010101000001', '2000-01-01', 'L'],
    ['3328011212240001', '2024-12-12', 'L'],
    ['3328010101250001', '2025-01-01', 'L'],
    ['3328011201250001', '1925-01-12', 'L'],
    ['3328017112300001', '1930-12-31', 'P'],
  ])('%s: century chosen so the date is not after the reference (%s)', async (nik, lahir, jk) => {
    expect(await parts(nik)).toMatchObject({ lahir, jk });
  });

  it('moves the century with the reference date', async () => {
    const nik = '3328011503150001';
    expect(await call(`padan_nik_lahir(?, DATE '2020-01-01')`, nik)).toBe('2015-03-15');
    expect(await call(`padan_nik_lahir(?, DATE '2015-03-15')`, nik)).toBe('2015-03-15');
    expect(await call(`padan_nik_lahir(?, DATE '2015-03-14')`, nik)).toBe('1915-03-15');
    expect(await call(`padan_nik_lahir(?, DATE '2010-01-01')`, nik)).toBe('1915-03-15');
    // 29 February 2000 after the reference: 1900 was not a leap year, so no date at all.
    expect(await call(`padan_nik_lahir(?, DATE '1999-12-31')`, '3328012902000001')).toBeNull();
    // A reference given as text works; no reference, no century.
    expect(await call(`padan_nik_lahir(?, '2020-01-01')`, nik)).toBe('2015-03-15');
    expect(await call('padan_nik_lahir(?, NULL)', nik)).toBeNull();
  });

  it.each([
    ['3328013203850002', 'day 32', null, null],
    ['3328014003850002', 'day 40', null, null],
    ['3328017203850002', 'day 72', null, null],
    ['3328010003850002', 'day 00', null, null],
    ['3328011213850002', 'month 13', 'L', null],
    ['3328011200850002', 'month 00', 'L', null],
    ['3328013102850002', '31 February', 'L', '310285'],
    ['3328017102850002', '31 February, woman', 'P', '310285'],
    ['3328012902010001', '29 February 2001', 'L', '290201'],
  ])('%s (%s): no birth date', async (nik, _why, jk, ddmmyy) => {
    expect(await parts(nik)).toMatchObject({ lahir: null, jk, ddmmyy });
  });

  it.each(['3.32801E+15', '332801520385', '3328 0152 0385 0002', null])(
    '%j (not 16 digits): all NULL',
    async (nik) => {
      expect(await parts(nik)).toEqual({
        lahir: null,
        jk: null,
        ddmmyy: null,
        serial: null,
        kec: null,
        kab: null,
        prov: null,
      });
    },
  );
});

describe('KK decomposition', () => {
  it.each([
    ['3328011201100003', '2010-01-12'],
    ['3328013112990001', '1999-12-31'],
    ['3328010101250001', '2025-01-01'],
    ['3328010201250001', '1925-01-02'],
    ['3328015201100003', null], // no +40 in a KK
    ['3328013102100003', null],
    ['3328011213100003', null],
    ['3.32801E+15', null],
  ])('%s issued %j', async (kk, date) => {
    expect(await call(`padan_kk_tanggal(?, DATE '2025-01-01')`, kk)).toBe(date);
  });

  it('gives the issuing kecamatan dotted', async () => {
    expect(await call('padan_kk_kec(?)', '3328011201100003')).toBe('33.28.01');
    expect(await call('padan_kk_kec(?)', '332801120110')).toBeNull();
  });
});

describe('padan_kode_wilayah', () => {
  it.each([
    ['33.28.01.2001', '33.28.01.2001'],
    ['3328012001', '33.28.01.2001'],
    [' 3328012001 ', '33.28.01.2001'],
    ['33 28 01 2001', '33.28.01.2001'],
    ['33-28-01-2001', '33.28.01.2001'],
    ['3328.01.2001', '33.28.01.2001'],
    ['3328012001.0', '33.28.01.2001'],
    ['33.28.1.2001', '33.28.01.2001'],
    ['332801200', null],
    ['33280120011', null],
    ['33.28.01.201', null],
    ['33.28.001.2001', null],
    ['3.328012E+09', null],
    ['abc', null],
    ['', null],
    [null, null],
  ])('%j -> %j', async (x, expected) => {
    expect(await call('padan_kode_wilayah(?)', x)).toBe(expected);
  });
});

describe('padan_kode_desa_dukcapil', () => {
  it.each([
    [['33', '28', '1', '2001'], '33.28.01.2001'],
    [['33', '28', '01', '2001'], '33.28.01.2001'],
    [['33', '8', '3', '2001'], '33.08.03.2001'],
    [['33.0', '28.0', '3.0', '2001.0'], '33.28.03.2001'],
    [[' 33 ', '028', '01', '2001'], '33.28.01.2001'],
    [['11', '1', '1', '1'], '11.01.01.0001'],
    [['33', '28', null, '2001'], null],
    [['33', '28', '', '2001'], null],
    [['33', '28', '0', '2001'], null],
    [['33', '28', 'x', '2001'], null],
    [['33', '28', '123', '2001'], null],
    [['33', '28', '01', '12001'], null],
    [['333', '28', '01', '2001'], null],
    [['33', '28', '3.5', '2001'], null],
  ])('%j -> %j', async (parts, expected) => {
    const row = await db.one<{ v: string | null }>(`SELECT padan_kode_desa_dukcapil(?, ?, ?, ?) AS v`, parts);
    expect(row?.v).toBe(expected);
  });

  it('accepts integer columns', async () => {
    expect(await db.one('SELECT padan_kode_desa_dukcapil(33, 8, 3, 2001) AS v')).toEqual({
      v: '33.08.03.2001',
    });
  });
});

describe('padan_teks', () => {
  it.each([
    ['SITI NURHALIZA', 'SITI NURHALIZA'],
    ['  Siti   Nurhaliza  ', 'Siti Nurhaliza'],
    ['SITI\tNUR\nHALIZA', 'SITI NUR HALIZA'],
    ['SITI\u00a0NUR', 'SITI NUR'],
    ['SI\u200bTI', 'SITI'],
    ['\ufeffSITI', 'SITI'],
    ['-', '-'],
    ['', null],
    ['   ', null],
    ['\t\n', null],
    [null, null],
  ])('%j -> %j', async (x, expected) => {
    expect(await call('padan_teks(?)', x)).toBe(expected);
  });
});

describe('padan_cp1252', () => {
  it.each([
    ['\u0093SITI\u0094', '\u201cSITI\u201d'],
    ['JUM\u0092AT', 'JUM\u2019AT'],
    ['\u0080 100', '\u20ac 100'],
    ['1990\u00962000', '1990\u20132000'],
    ['\u008a\u009a\u008e\u009e\u009f\u008c\u009c', '\u0160\u0161\u017d\u017e\u0178\u0152\u0153'],
    ['\u0085\u0086\u0087\u0089\u0095\u0097\u0099', '\u2026\u2020\u2021\u2030\u2022\u2014\u2122'],
    ['\u0082\u0083\u0084\u0088\u008b\u0091\u0098\u009b', '\u201a\u0192\u201e\u02c6\u2039\u2018\u02dc\u203a'],
    // Undefined in Windows-1252: left as they are, not deleted.
    ['A\u0081B\u008dC\u008fD\u0090E\u009d', 'A\u0081B\u008dC\u008fD\u0090E\u009d'],
    ['JOS\u00c9 caf\u00e9', 'JOS\u00c9 caf\u00e9'],
    ['SITI', 'SITI'],
    [null, null],
  ])('%j -> %j', async (x, expected) => {
    expect(await call('padan_cp1252(?)', x)).toBe(expected);
  });
});

describe('throughput (measured, not asserted)', () => {
  it('parses 2M mixed date texts', async () => {
    const rows = 2_000_000;
    await db.exec(`
      CREATE OR REPLACE TEMP TABLE bench_tanggal AS
      WITH d AS (SELECT i, DATE '1940-01-01' + CAST(i * 7919 % 30000 AS INTEGER) AS d FROM range(${rows}) r(i))
      SELECT i, CASE WHEN i % 10 IN (8, 9) THEN NULL ELSE d END AS expected, CASE i % 10
        WHEN 0 THEN strftime(d, '%Y-%m-%d')
        WHEN 1 THEN strftime(d, '%d-%m-%Y')
        WHEN 2 THEN strftime(d, '%d/%m/%Y')
        WHEN 3 THEN strftime(d, '%-d/%-m/%Y')
        WHEN 4 THEN day(d) || ' ' || ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus',
          'September', 'Oktober', 'November', 'Desember'][month(d)] || ' ' || year(d)
        WHEN 5 THEN CAST(d - DATE '1899-12-30' AS VARCHAR)
        WHEN 6 THEN strftime(d, '%Y-%m-%d %H:%M:%S')
        WHEN 7 THEN strftime(d, '%Y%m%d')
        WHEN 8 THEN ''
        ELSE '31-02-1990' END AS x
      FROM d`);
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    const row = await db.one<{ n: number; wrong: number }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE padan_tanggal(x) IS DISTINCT FROM expected) AS wrong
       FROM bench_tanggal`,
    );
    const seconds = (performance.now() - started) / 1000;
    // CPU time of all DuckDB threads: a figure that holds on a shared machine, where wall time does not.
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    console.log(
      `padan_tanggal: ${rows} mixed rows in ${seconds.toFixed(2)} s wall = ${Math.round(rows / seconds).toLocaleString('en')} rows/s; ` +
        `${((cpuSeconds / rows) * 1e9).toFixed(0)} ns CPU a row = ${Math.round(rows / cpuSeconds).toLocaleString('en')} rows per CPU-second`,
    );
    // Every generated valid form reads back as its date, the empty and impossible ones as NULL.
    expect(row).toEqual({ n: rows, wrong: 0 });
  });
});
