import type { Db } from './db.js';

/**
 * Parsing of every raw value form of SPEC.md section 1, as DuckDB SQL macros so that the normalise
 * stage runs vectorised and multi-threaded over the whole register.
 *
 * Rules shared by every macro:
 * - Never throw on garbage: only `try_cast`, regular expressions and lookups; anything not
 *   recognised gives NULL (or 'TIDAK_DIKENAL' / 'BUKAN_ANGKA' for the `*_bentuk` classifiers).
 * - Parameters are untyped and cast to VARCHAR (DATE for `ref`) inside: a typed macro parameter
 *   refuses a VARCHAR literal for a DATE and an integer column for a VARCHAR, and the cast of a
 *   VARCHAR to VARCHAR costs nothing.
 * - Nothing is guessed: a day-first date is never read month-first, an Excel-mangled NIK is never
 *   "repaired", a two-digit year outside a NIK/KK is not read.
 * - Macros are expanded textually by DuckDB and it does not share a sub-expression used several
 *   times (measured: a `trim` used in each branch doubles the cost of `padan_tanggal`), so the hot
 *   paths test the common clean form on the raw value first and only fall back to the slower,
 *   tolerant path (trim, markers, separators) for the rest.
 */

/** Bump when any macro changes what it returns for some input; recorded in the manifest. */
export const PARSE_VERSION = 1;

// ---------------------------------------------------------------------------------------------
// Shared pieces (TypeScript constants pasted into the SQL so each regex is written once).

/**
 * Characters treated as blanks: ASCII whitespace plus the ones Excel and web forms leave behind
 * (no-break space U+00A0, figure space, narrow no-break space, zero-width space, BOM U+FEFF).
 */
const BLANK_CLASS = String.raw`[\s\x{00A0}\x{2007}\x{202F}\x{200B}\x{FEFF}]`;
/** Years we accept in a date: before 1880 or after 2100 is a typing error, not a birth or death. */
const YEAR_OK = `(?:18[89][0-9]|19[0-9][0-9]|20[0-9][0-9]|2100)`;
/** The plain ISO date 'YYYY-MM-DD' with a year in range: the most common form, cast directly. */
const ISO_PLAIN = `^${YEAR_OK}-[0-9]{2}-[0-9]{2}$`;
/** The plain day-first date 'D-M-YYYY', 'DD/MM/YYYY' or 'DD.MM.YYYY', one separator throughout. */
const DMY_PLAIN = ['-', '/', '[.]'].map((sep) => `^[0-9]{1,2}${sep}[0-9]{1,2}${sep}${YEAR_OK}$`).join('|');
/** The plain ISO datetime 'YYYY-MM-DD HH:MM[:SS[.fff]]' or with 'T': its first 10 characters are the date. */
const ISO_DATETIME_PLAIN = `^${YEAR_OK}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.][0-9]+)?)?$`;
/** Separator between date parts: '-', '/' or '.', with stray spaces around it. */
const DATE_SEP = String.raw`\s*[-/.]\s*`;
/** A time of day after a date (exports of datetime columns): '00:00:00', 'T10:30', '10.30 WIB', '12:00 AM'. */
const TIME = String.raw`(?:T|\s+)[0-9]{1,2}[:.][0-9]{2}(?:[:.][0-9]{2}(?:[.,][0-9]+)?)?\s*(?:Z|[+-][0-9]{2}:?[0-9]{2}|[AaPp]\.?[Mm]\.?|WIB|WITA|WIT|UTC|GMT)?`;

/** Regular expressions of the date forms; `year` is `[0-9]{4}` for the shape, YEAR_OK for parsing. */
const dateForms = (year: string) => ({
  iso: `^(${year})${DATE_SEP}([0-9]{1,2})${DATE_SEP}([0-9]{1,2})$`,
  isoDatetime: `^(${year})${DATE_SEP}([0-9]{1,2})${DATE_SEP}([0-9]{1,2})${TIME}$`,
  dmy: `^([0-9]{1,2})${DATE_SEP}([0-9]{1,2})${DATE_SEP}(${year})(?:${TIME})?$`,
  dmyNamaBulan: String.raw`^([0-9]{1,2})[\s\-/.,]*([A-Za-z]+)\.?[\s\-/.,]*(${year})$`,
  excelSerial: `^([0-9]{1,5})(?:[.,][0-9]+)?$`,
  yyyymmdd: String.raw`^(${year})([0-9]{2})([0-9]{2})(?:\.0+)?$`,
});
const SHAPE = dateForms(`[0-9]{4}`);
const PARSE = dateForms(YEAR_OK);

/**
 * A bare number that reads as a year (1880..2100, e.g. '1985' or '1985.0'): operators type the
 * birth year alone far more often than Excel stores a birth date in 1905, so it is not a serial.
 */
const YEAR_ONLY = `^${YEAR_OK}(?:[.,][0-9]+)?$`;

/**
 * An empty date: blanks, only zeros and separators ('0', '00-00-0000', '0000-00-00 00:00:00' are
 * what databases and Excel write for "no date") or a written "nothing" (NULL, N/A, TIDAK ADA...).
 */
const DATE_EMPTY = String.raw`^(?:[-_./:\s0]*|(?i:null|none|nan|nat|n/?a|#n/a|tidak ada|tdk ada|tidak tahu|tdk tahu|tidak diketahui|belum ada|blm ada|kosong))$`;

/**
 * An empty NIK/KK: blanks or separators only, zeros of any length but 16 (a sixteen-zero NIK is a
 * placeholder, reported as such by padan_nik_placeholder) or a written "nothing": BELUM ADA / TIDAK
 * PUNYA are how operators say the person has no NIK yet.
 */
const NIK_EMPTY = String.raw`^(?:[-_./\s]*|0{1,15}|0{17,}|(?i:null|none|nan|n/?a|#n/a|tidak ada|tdk ada|belum ada|blm ada|tidak punya|tdk punya|belum punya|blm punya|belum|kosong))$`;

/**
 * Excel damage to a long number: scientific notation ('3.32801E+15', '3,32801E+15', '3.32801e15'),
 * a float rendering ('3328011203850000.0', what pandas and Parquet doubles print) or thousands
 * grouping ('3.328.011.203.850.000'): in each case the number went through a floating-point cell
 * and its last digits cannot be trusted, so the value is named, never repaired.
 */
const NIK_EXCEL = `^(?:[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]+|[0-9]{10,}[.,]0+|[0-9]{1,3}(?:[.,][0-9]{3}){3,}(?:[.,]0+)?)$`;

/** Digits in groups typed by a person: '3328 0112 0385 0002', '3328.0112.0385.0002', '3328-01-...'. */
const DIGIT_GROUPS = String.raw`^[0-9]+(?:[\s\x{00A0}.\-_\x{2013}]+[0-9]+)*$`;

/** Key for the small code lists: upper case, a spreadsheet '.0' dropped, then letters and digits only. */
const KEY = (x: string) =>
  String.raw`regexp_replace(upper(CAST(${x} AS VARCHAR)), '\.0+$|[^A-Z0-9]', '', 'g')`;

// ---------------------------------------------------------------------------------------------
// Macros.

/** Helpers (prefixed `padan__`): not part of the contract, used by the macros below. */
export const HELPER_MACROS_SQL = String.raw`
-- Trim every blank of BLANK_CLASS: DuckDB's trim() alone keeps tabs and the BOM, and
-- trim(x, characters) is four times slower than this regular expression (measured).
CREATE OR REPLACE MACRO padan__rapi(x) AS
  regexp_replace(CAST(x AS VARCHAR), '^${BLANK_CLASS}+|${BLANK_CLASS}+$', '', 'g');

-- True when x starts or ends with a blank: only those rows pay for the trim.
CREATE OR REPLACE MACRO padan__bertepi(x) AS regexp_matches(x, '^${BLANK_CLASS}|${BLANK_CLASS}$');

-- Month name or abbreviation to its number: Indonesian (with the old spellings PEBRUARI and
-- NOPEMBER still printed on many documents), the short forms operators type, and English because
-- some exports are made on English-locale machines. NULL for anything else.
CREATE OR REPLACE MACRO padan__bulan(b) AS MAP {
  'JANUARI': 1, 'JAN': 1, 'JANUARY': 1,
  'FEBRUARI': 2, 'PEBRUARI': 2, 'FEB': 2, 'PEB': 2, 'FEBRUARY': 2,
  'MARET': 3, 'MAR': 3, 'MARCH': 3,
  'APRIL': 4, 'APR': 4,
  'MEI': 5, 'MAY': 5,
  'JUNI': 6, 'JUN': 6, 'JUNE': 6,
  'JULI': 7, 'JUL': 7, 'JULY': 7,
  'AGUSTUS': 8, 'AGU': 8, 'AGT': 8, 'AGS': 8, 'AGUST': 8, 'AUG': 8, 'AUGUST': 8,
  'SEPTEMBER': 9, 'SEP': 9, 'SEPT': 9,
  'OKTOBER': 10, 'OKT': 10, 'OCT': 10, 'OCTOBER': 10,
  'NOVEMBER': 11, 'NOPEMBER': 11, 'NOV': 11, 'NOP': 11,
  'DESEMBER': 12, 'DES': 12, 'DEC': 12, 'DECEMBER': 12
}[upper(b)];

-- Excel 1900 date system: serial 1 is 1900-01-01 and Excel counts a 29 February 1900 that never
-- existed as serial 60, so serials from 61 on are DATE '1899-12-30' + n, serials 1..59 are one day
-- later than that formula, and 60 is no date. Above 73050 (2099-12-31) is not a plausible date.
CREATE OR REPLACE MACRO padan__excel_serial(n) AS CASE
  WHEN n BETWEEN 61 AND 73050 THEN DATE '1899-12-30' + n
  WHEN n BETWEEN 1 AND 59 THEN DATE '1899-12-31' + n
END;

-- The date of a text, one branch per form of SPEC 1.1, sonst for a text that has none of them.
-- Each parsing regex carries the year range, so an out-of-range year falls through to sonst
-- (NULL in the end: shapes are mutually exclusive, nothing else can match). The order is for
-- speed: every test is a regular expression, so the common plain forms go first with the cheapest
-- parse (CPU per row, measured: a regex test 50-90 ns, strptime 130 ns, regexp_replace + cast
-- 190 ns), and the tolerant variants (spaces around separators, mixed separators, one-digit ISO
-- parts, any time suffix) come after.
CREATE OR REPLACE MACRO padan__tanggal_inti(s, sonst) AS CASE
  WHEN regexp_matches(s, '${ISO_PLAIN}') THEN try_cast(s AS DATE)
  -- Day first, always: SPEC has no month-first form, so '12-31-1990' is an impossible date, not a guess.
  -- strptime with the one format that fits (a failing strptime is slow, translate() even more).
  WHEN regexp_matches(s, '${DMY_PLAIN}') THEN CAST(CASE
    WHEN contains(s, '/') THEN try_strptime(s, '%d/%m/%Y')
    WHEN contains(s, '.') THEN try_strptime(s, '%d.%m.%Y')
    ELSE try_strptime(s, '%d-%m-%Y')
  END AS DATE)
  -- Datetimes keep the written date part; no time-zone shift is applied to a birth date.
  WHEN regexp_matches(s, '${ISO_DATETIME_PLAIN}') THEN try_cast(left(s, 10) AS DATE)
  WHEN regexp_matches(s, '${PARSE.dmy}') THEN try_cast(regexp_replace(s, '${PARSE.dmy}', '\3-\2-\1') AS DATE)
  WHEN regexp_matches(s, '${PARSE.dmyNamaBulan}') THEN try_cast(
    regexp_replace(s, '${PARSE.dmyNamaBulan}', '\3-')
    || padan__bulan(regexp_extract(s, '${PARSE.dmyNamaBulan}', 2))
    || regexp_replace(s, '${PARSE.dmyNamaBulan}', '-\1') AS DATE)
  -- The serial's integer part (a fraction is the time of day); the regex guarantees the cast.
  WHEN regexp_matches(s, '${PARSE.excelSerial}') AND NOT regexp_matches(s, '${YEAR_ONLY}')
    THEN padan__excel_serial(CAST(floor(CAST(replace(s, ',', '.') AS DOUBLE)) AS INTEGER))
  -- ISO with one-digit parts, '/' or '.' separators: rebuilt as Y-M-D for the cast.
  WHEN regexp_matches(s, '${PARSE.iso}') THEN try_cast(regexp_replace(s, '${PARSE.iso}', '\1-\2-\3') AS DATE)
  WHEN regexp_matches(s, '${PARSE.isoDatetime}') THEN try_cast(regexp_replace(s, '${PARSE.isoDatetime}', '\1-\2-\3') AS DATE)
  WHEN regexp_matches(s, '${PARSE.yyyymmdd}') THEN try_cast(regexp_replace(s, '${PARSE.yyyymmdd}', '\1-\2-\3') AS DATE)
  ELSE sonst
END;

-- The form of a text, with the shapes of padan__tanggal_inti but any four-digit year, so that a
-- recognised form with an impossible date (31-02-1990, year 1700, serial 60) is told apart from
-- an unreadable text. Empty comes before the shapes it overlaps ('0', '00-00-0000').
CREATE OR REPLACE MACRO padan__tanggal_bentuk_inti(s, sonst) AS CASE
  WHEN regexp_matches(s, '${ISO_PLAIN}') THEN 'ISO'
  WHEN s IS NULL OR regexp_matches(s, '${DATE_EMPTY}') THEN 'KOSONG'
  WHEN regexp_matches(s, '${SHAPE.dmy}') THEN 'DMY'
  WHEN regexp_matches(s, '${SHAPE.isoDatetime}') THEN 'ISO_DATETIME'
  -- A word between day and year is a month only if it is a month name.
  WHEN regexp_matches(s, '${SHAPE.dmyNamaBulan}')
    AND padan__bulan(regexp_extract(s, '${SHAPE.dmyNamaBulan}', 2)) IS NOT NULL THEN 'DMY_NAMA_BULAN'
  WHEN regexp_matches(s, '${SHAPE.excelSerial}') AND NOT regexp_matches(s, '${YEAR_ONLY}') THEN 'EXCEL_SERIAL'
  WHEN regexp_matches(s, '${SHAPE.iso}') THEN 'ISO'
  WHEN regexp_matches(s, '${SHAPE.yyyymmdd}') THEN 'YYYYMMDD'
  ELSE sonst
END;

-- A NIK/KK text with blanks trimmed and the wrappers spreadsheets add to keep a number as text
-- removed: a leading apostrophe ('3328...), ="3328..." and "3328...". One regular expression:
-- it runs for every value that is not already 16 plain digits.
CREATE OR REPLACE MACRO padan__nik_rapi(x) AS regexp_replace(CAST(x AS VARCHAR),
  '^(?:${BLANK_CLASS}|[''="])+|(?:${BLANK_CLASS}|")+$', '', 'g');

CREATE OR REPLACE MACRO padan__nik_bersih_inti(s) AS CASE
  WHEN s IS NULL OR regexp_matches(s, '${NIK_EMPTY}') THEN NULL
  -- Before the digit groups: '3328011203850000.0' would otherwise lose its dot and look whole.
  WHEN regexp_matches(s, '${NIK_EXCEL}') THEN s
  WHEN regexp_matches(s, '${DIGIT_GROUPS}') THEN regexp_replace(s, '[^0-9]', '', 'g')
  ELSE s
END;

CREATE OR REPLACE MACRO padan__nik_bentuk_inti(s) AS CASE
  WHEN s IS NULL OR regexp_matches(s, '${NIK_EMPTY}') THEN 'KOSONG'
  WHEN regexp_matches(s, '${NIK_EXCEL}') THEN 'EXCEL'
  WHEN regexp_matches(s, '${DIGIT_GROUPS}') THEN
    CASE WHEN length(regexp_replace(s, '[^0-9]', '', 'g')) = 16 THEN 'ANGKA16' ELSE 'ANGKA_LAIN' END
  ELSE 'BUKAN_ANGKA'
END;

-- A date from the DDMMYY of a NIK or KK (day as an integer, already without the +40; month and
-- YY as their two digits): the century is the latest one that does not put the date after ref,
-- i.e. 20YY when 20YY-MM-DD <= ref, else 19YY. Compared as the integer YYYYMMDD so the date is
-- built once; the two candidates can only differ in validity on 29 February of YY = 00 (2000 is a
-- leap year, 1900 is not) and then the comparison still picks the right one. The text is then
-- cast, which gives NULL for a day that does not exist. (make_date behind a days-in-month guard
-- was measured too: cheaper when most NIKs are invalid, 1.5 times dearer on real, valid ones.)
-- No ref, no century: NULL.
CREATE OR REPLACE MACRO padan__tanggal_ddmmyy(hari, bulan, yy, ref) AS try_cast(
  CASE
    WHEN 20000000 + CAST(yy AS INTEGER) * 10000 + CAST(bulan AS INTEGER) * 100 + hari
      <= year(CAST(ref AS DATE)) * 10000 + month(CAST(ref AS DATE)) * 100 + day(CAST(ref AS DATE)) THEN '20'
    WHEN ref IS NOT NULL THEN '19'
  END || yy || '-' || bulan || '-' || CAST(hari AS VARCHAR) AS DATE);

-- The NIK birth day without the +40 for women; NULL outside 01-31 and 41-71.
CREATE OR REPLACE MACRO padan__nik_hari(nik) AS CASE
  WHEN substr(nik, 7, 2) BETWEEN '01' AND '31' THEN CAST(substr(nik, 7, 2) AS INTEGER)
  WHEN substr(nik, 7, 2) BETWEEN '41' AND '71' THEN CAST(substr(nik, 7, 2) AS INTEGER) - 40
END;

-- One part of a Dukcapil region number: digits (a spreadsheet '.0' tolerated), leading zeros
-- dropped, then left-padded to its width. NULL when missing, zero, not a number or too long.
CREATE OR REPLACE MACRO padan__kode_bagian(x, lebar) AS CASE
  WHEN regexp_matches(CAST(x AS VARCHAR), '^${BLANK_CLASS}*0*[1-9][0-9]*(?:\.0+)?${BLANK_CLASS}*$')
    AND length(ltrim(regexp_extract(CAST(x AS VARCHAR), '[0-9]+'), '0')) <= lebar
    THEN lpad(ltrim(regexp_extract(CAST(x AS VARCHAR), '[0-9]+'), '0'), lebar, '0')
END;
`;

/**
 * `padan_tanggal(x) → DATE` and `padan_tanggal_bentuk(x) → VARCHAR`: every date form of SPEC 1.1
 * ('YYYY-MM-DD', 'DD-MM-YYYY', 'DD/MM/YYYY', 'DD MMMM YYYY', an Excel serial) plus what exports
 * produce (ISO datetimes, YYYYMMDD, one-digit days and months). Impossible dates are NULL, never
 * rolled over; years outside 1880..2100 are NULL. Two-digit years are not read (no century to take).
 */
export const TANGGAL_MACROS_SQL = `
-- Forms are tried on the value as it is; only a value that matches none and has blanks around
-- it (rare) is trimmed and tried again, so clean values never pay for the trim.
CREATE OR REPLACE MACRO padan_tanggal(x) AS padan__tanggal_inti(CAST(x AS VARCHAR),
  CASE WHEN padan__bertepi(CAST(x AS VARCHAR)) THEN padan__tanggal_inti(padan__rapi(x), NULL) END);

-- 'ISO', 'DMY', 'DMY_NAMA_BULAN', 'EXCEL_SERIAL', 'ISO_DATETIME', 'YYYYMMDD', 'KOSONG' or
-- 'TIDAK_DIKENAL': the shape, so padan_tanggal NULL with a known shape means an impossible date.
CREATE OR REPLACE MACRO padan_tanggal_bentuk(x) AS padan__tanggal_bentuk_inti(CAST(x AS VARCHAR),
  CASE WHEN padan__bertepi(CAST(x AS VARCHAR)) THEN padan__tanggal_bentuk_inti(padan__rapi(x), 'TIDAK_DIKENAL')
    ELSE 'TIDAK_DIKENAL' END);
`;

/** Sex, relationship, life status and program flags: small code lists, looked up in a constant MAP. */
export const KODE_MACROS_SQL = `
-- 'L' | 'P' | NULL. SPEC: LAKI-LAKI/PEREMPUAN, L/P, 1/2; plus the variants operators type
-- (LAKI LAKI, LAKI2, LK, PRIA / PR, WANITA) and English from English-locale exports.
CREATE OR REPLACE MACRO padan_jenis_kelamin(x) AS MAP {
  'L': 'L', 'LAKILAKI': 'L', 'LAKI2': 'L', 'LAKI': 'L', 'LK': 'L', 'PRIA': 'L', 'LELAKI': 'L', '1': 'L', 'MALE': 'L',
  'P': 'P', 'PEREMPUAN': 'P', 'PR': 'P', 'WANITA': 'P', '2': 'P', 'FEMALE': 'P'
}[${KEY('x')}];

-- Canonical relationship to the head. Codes 1-10 in the order of SPEC 1.1, written with or without
-- a leading zero. Other lists number these differently (SUAMI before ISTRI, a separate PEMBANTU
-- code): SPEC is the contract, so a code outside 1-10 is NULL rather than a guess. Words are
-- compared without spaces, so ORANGTUA = ORANG TUA.
CREATE OR REPLACE MACRO padan_hubungan(x) AS MAP {
  '1': 'KEPALA KELUARGA', '01': 'KEPALA KELUARGA', '2': 'ISTRI', '02': 'ISTRI', '3': 'SUAMI', '03': 'SUAMI',
  '4': 'ANAK', '04': 'ANAK', '5': 'MENANTU', '05': 'MENANTU', '6': 'CUCU', '06': 'CUCU',
  '7': 'ORANG TUA', '07': 'ORANG TUA', '8': 'MERTUA', '08': 'MERTUA', '9': 'FAMILI LAIN', '09': 'FAMILI LAIN',
  '10': 'LAINNYA',
  'KEPALAKELUARGA': 'KEPALA KELUARGA', 'KEPALA': 'KEPALA KELUARGA', 'KK': 'KEPALA KELUARGA',
  'KRT': 'KEPALA KELUARGA', 'KEPALARUMAHTANGGA': 'KEPALA KELUARGA', 'KEPALAKEL': 'KEPALA KELUARGA',
  'KEPKELUARGA': 'KEPALA KELUARGA',
  'ISTRI': 'ISTRI', 'ISTERI': 'ISTRI',
  'SUAMI': 'SUAMI',
  'ANAK': 'ANAK', 'ANAKKANDUNG': 'ANAK', 'ANAKTIRI': 'ANAK', 'ANAKANGKAT': 'ANAK',
  'MENANTU': 'MENANTU',
  'CUCU': 'CUCU',
  'ORANGTUA': 'ORANG TUA', 'ORTU': 'ORANG TUA',
  'MERTUA': 'MERTUA',
  'FAMILILAIN': 'FAMILI LAIN', 'FAMILYLAIN': 'FAMILI LAIN', 'FAMILI': 'FAMILI LAIN', 'FAMILY': 'FAMILI LAIN',
  'LAINNYA': 'LAINNYA', 'LAINLAIN': 'LAINNYA', 'LAIN': 'LAINNYA', 'PEMBANTU': 'LAINNYA'
}[${KEY('x')}];

-- 'HIDUP' | 'MATI' | NULL: SPEC HIDUP/MATI and 1/2, plus the words used for a death.
CREATE OR REPLACE MACRO padan_stat_hidup(x) AS MAP {
  'HIDUP': 'HIDUP', 'MASIHHIDUP': 'HIDUP', '1': 'HIDUP',
  'MATI': 'MATI', 'MENINGGAL': 'MATI', 'MENINGGALDUNIA': 'MATI', 'SUDAHMENINGGAL': 'MATI',
  'TELAHMENINGGAL': 'MATI', 'WAFAT': 'MATI', '2': 'MATI'
}[${KEY('x')}];

-- Program membership: SPEC 1/0, Y/T, YA/TIDAK (T is TIDAK, not TRUE, in Indonesian exports), plus
-- YES/NO, TRUE/FALSE, Y/N. Anything else NULL: unknown membership is not "no".
CREATE OR REPLACE MACRO padan_flag(x) AS MAP {
  '1': true, 'Y': true, 'YA': true, 'YES': true, 'TRUE': true,
  '0': false, 'T': false, 'TIDAK': false, 'TDK': false, 'N': false, 'NO': false, 'FALSE': false
}[${KEY('x')}];
`;

/**
 * NIK and KK cleaning, form and placeholder detection (DOMAIN.md). The clean 16-digit value is
 * tested first on the raw text: it is nearly every row and needs nothing else.
 */
export const NIK_MACROS_SQL = `
-- The NIK as 16 (or other) digits when it is digits, blanks, Excel text markers and group
-- separators aside; the trimmed text as written when it is not digits (Excel scientific notation
-- stays '3.32801E+15': its lost digits are never guessed); NULL when padan_nik_bentuk is 'KOSONG'.
CREATE OR REPLACE MACRO padan_nik_bersih(x) AS CASE
  WHEN regexp_matches(CAST(x AS VARCHAR), '^[0-9]{16}$') THEN CAST(x AS VARCHAR)
  ELSE padan__nik_bersih_inti(padan__nik_rapi(x))
END;

-- 'KOSONG' | 'EXCEL' | 'ANGKA16' | 'ANGKA_LAIN' | 'BUKAN_ANGKA': the form of the raw value.
CREATE OR REPLACE MACRO padan_nik_bentuk(x) AS CASE
  WHEN regexp_matches(CAST(x AS VARCHAR), '^[0-9]{16}$') THEN 'ANGKA16'
  ELSE padan__nik_bentuk_inti(padan__nik_rapi(x))
END;

-- A KK number has the same written forms.
CREATE OR REPLACE MACRO padan_kk_bersih(x) AS padan_nik_bersih(x);
CREATE OR REPLACE MACRO padan_kk_bentuk(x) AS padan_nik_bentuk(x);

-- A filler number rather than someone's NIK (or KK); NULL unless 16 digits. Kinds:
-- - one digit, or a block of 2 or 4 digits, repeated: 0000000000000000, 1111111111111111,
--   1212121212121212, 1234123412341234 (a real NIK of that form would need its month equal to
--   its province code and more coincidences; blocks of 8 are left out, they can be real);
-- - a run of consecutive digits, ascending or descending, wrapping 9->0: 1234567890123456,
--   0123456789012345, 9876543210987654;
-- - a region code and then only zeros (the last 10 digits, birth date and serial, all zero):
--   3328010000000000, 3328000000000000, 3300000000000000;
-- - six leading zeros: no region has code 00.00.00 (0000000000000001 and the like).
CREATE OR REPLACE MACRO padan_nik_placeholder(nik) AS CASE
  WHEN regexp_matches(CAST(nik AS VARCHAR), '^[0-9]{16}$') THEN
    CAST(nik AS VARCHAR) = repeat(left(CAST(nik AS VARCHAR), 4), 4)
    OR contains('01234567890123456789012345', CAST(nik AS VARCHAR))
    OR contains('98765432109876543210987654', CAST(nik AS VARCHAR))
    OR right(CAST(nik AS VARCHAR), 10) = '0000000000'
    OR left(CAST(nik AS VARCHAR), 6) = '000000'
END;
`;

/**
 * NIK `PP KK CC DDMMYY SSSS` and KK `PP KK CC DDMMYY SSSS` decomposition. Every macro takes the
 * cleaned value (padan_nik_bersih) and returns NULL unless it is 16 digits.
 */
export const NIK_PARTS_MACROS_SQL = `
-- Birth date in the NIK: day +40 for women, century so the date is not after ref. NULL for a
-- day outside 01-31/41-71, a month outside 01-12 or a date that does not exist (31 February).
CREATE OR REPLACE MACRO padan_nik_lahir(nik, ref) AS CASE
  WHEN regexp_matches(CAST(nik AS VARCHAR), '^[0-9]{16}$') THEN padan__tanggal_ddmmyy(
    padan__nik_hari(CAST(nik AS VARCHAR)), substr(CAST(nik AS VARCHAR), 9, 2), substr(CAST(nik AS VARCHAR), 11, 2), ref)
END;

-- Sex in the NIK: day 01-31 man, 41-71 woman, anything else NULL.
CREATE OR REPLACE MACRO padan_nik_jk(nik) AS CASE
  WHEN regexp_matches(CAST(nik AS VARCHAR), '^[0-9]{16}$') THEN CASE
    WHEN substr(CAST(nik AS VARCHAR), 7, 2) BETWEEN '01' AND '31' THEN 'L'
    WHEN substr(CAST(nik AS VARCHAR), 7, 2) BETWEEN '41' AND '71' THEN 'P'
  END
END;

-- The embedded DDMMYY with the +40 removed, to compare with a birth date without choosing a
-- century: equal when strftime(tgl, '%d%m%y') equals it. NULL for a day or month out of range.
CREATE OR REPLACE MACRO padan_nik_ddmmyy(nik) AS CASE
  WHEN regexp_matches(CAST(nik AS VARCHAR), '^[0-9]{16}$') AND substr(CAST(nik AS VARCHAR), 9, 2) BETWEEN '01' AND '12'
    THEN lpad(CAST(padan__nik_hari(CAST(nik AS VARCHAR)) AS VARCHAR), 2, '0') || substr(CAST(nik AS VARCHAR), 9, 4)
END;

-- The 4-digit serial ('0000' is invalid: checked by the rules, not here).
CREATE OR REPLACE MACRO padan_nik_serial(nik) AS CASE
  WHEN regexp_matches(CAST(nik AS VARCHAR), '^[0-9]{16}$') THEN right(CAST(nik AS VARCHAR), 4)
END;

-- Issuing region, dotted like the Kemendagri codes: '33', '33.28', '33.28.01'.
CREATE OR REPLACE MACRO padan_nik_prov(nik) AS CASE
  WHEN regexp_matches(CAST(nik AS VARCHAR), '^[0-9]{16}$') THEN left(CAST(nik AS VARCHAR), 2)
END;
CREATE OR REPLACE MACRO padan_nik_kab(nik) AS CASE
  WHEN regexp_matches(CAST(nik AS VARCHAR), '^[0-9]{16}$')
    THEN left(CAST(nik AS VARCHAR), 2) || '.' || substr(CAST(nik AS VARCHAR), 3, 2)
END;
CREATE OR REPLACE MACRO padan_nik_kec(nik) AS CASE
  WHEN regexp_matches(CAST(nik AS VARCHAR), '^[0-9]{16}$')
    THEN left(CAST(nik AS VARCHAR), 2) || '.' || substr(CAST(nik AS VARCHAR), 3, 2) || '.' || substr(CAST(nik AS VARCHAR), 5, 2)
END;

-- KK issue date DDMMYY (no +40), century as for the NIK.
CREATE OR REPLACE MACRO padan_kk_tanggal(kk, ref) AS CASE
  WHEN regexp_matches(CAST(kk AS VARCHAR), '^[0-9]{16}$') AND substr(CAST(kk AS VARCHAR), 7, 2) BETWEEN '01' AND '31'
    THEN padan__tanggal_ddmmyy(CAST(substr(CAST(kk AS VARCHAR), 7, 2) AS INTEGER),
      substr(CAST(kk AS VARCHAR), 9, 2), substr(CAST(kk AS VARCHAR), 11, 2), ref)
END;
CREATE OR REPLACE MACRO padan_kk_kec(kk) AS padan_nik_kec(kk);
`;

/** Region codes: DTKS `KODE WILAYAH` and the Dukcapil `NO_PROP, NO_KAB, NO_KEC, NO_KEL` numbers. */
export const WILAYAH_MACROS_SQL = String.raw`
-- A Kemendagri desa code as '33.28.01.2001'. Accepted: the 10 digits with or without separators
-- (dots, spaces, dashes, slashes) between the 2/2/2/4 parts; a spreadsheet float '3328012001.0'
-- (10 digits are exact in a double); and fully separated parts whose leading zero was dropped
-- ('33.28.1.2001': the separators say which part is which, so padding is not a guess). Anything
-- else (scientific notation, 9 or 11 digits) NULL.
CREATE OR REPLACE MACRO padan_kode_wilayah(x) AS CASE
  WHEN regexp_matches(padan__rapi(x), '^[0-9]{2}[\s.\-/]*[0-9]{2}[\s.\-/]*[0-9]{2}[\s.\-/]*[0-9]{4}(?:\.0+)?$')
    THEN regexp_replace(regexp_replace(padan__rapi(x), '(?:\.0+$)|[\s.\-/]', '', 'g'),
      '^([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{4})$', '\1.\2.\3.\4')
  WHEN regexp_matches(padan__rapi(x), '^[0-9]{1,2}[\s.\-/]+[0-9]{1,2}[\s.\-/]+[0-9]{1,2}[\s.\-/]+[0-9]{4}$')
    THEN padan__kode_bagian(regexp_extract(padan__rapi(x), '^([0-9]+)[^0-9]+([0-9]+)[^0-9]+([0-9]+)[^0-9]+([0-9]+)$', 1), 2) || '.'
      || padan__kode_bagian(regexp_extract(padan__rapi(x), '^([0-9]+)[^0-9]+([0-9]+)[^0-9]+([0-9]+)[^0-9]+([0-9]+)$', 2), 2) || '.'
      || padan__kode_bagian(regexp_extract(padan__rapi(x), '^([0-9]+)[^0-9]+([0-9]+)[^0-9]+([0-9]+)[^0-9]+([0-9]+)$', 3), 2) || '.'
      || regexp_extract(padan__rapi(x), '^([0-9]+)[^0-9]+([0-9]+)[^0-9]+([0-9]+)[^0-9]+([0-9]+)$', 4)
END;

-- Dukcapil domicile as a dotted desa code: each part left-padded to 2/2/2/4 ('33', '28', '1',
-- '2001' -> '33.28.01.2001'; '3.0' -> '03'). NULL when any part is missing, zero, not a number or
-- too long (the || of a NULL part is NULL).
CREATE OR REPLACE MACRO padan_kode_desa_dukcapil(prop, kab, kec, kel) AS
  padan__kode_bagian(prop, 2) || '.' || padan__kode_bagian(kab, 2) || '.'
  || padan__kode_bagian(kec, 2) || '.' || padan__kode_bagian(kel, 4);
`;

/** Windows-1252 bytes 0x80-0x9F (the five undefined ones, 0x81 0x8D 0x8F 0x90 0x9D, are left alone). */
const CP1252_C1: ReadonlyArray<[number, string]> = [
  [0x80, '\u20ac'],
  [0x82, '\u201a'],
  [0x83, '\u0192'],
  [0x84, '\u201e'],
  [0x85, '\u2026'],
  [0x86, '\u2020'],
  [0x87, '\u2021'],
  [0x88, '\u02c6'],
  [0x89, '\u2030'],
  [0x8a, '\u0160'],
  [0x8b, '\u2039'],
  [0x8c, '\u0152'],
  [0x8e, '\u017d'],
  [0x91, '\u2018'],
  [0x92, '\u2019'],
  [0x93, '\u201c'],
  [0x94, '\u201d'],
  [0x95, '\u2022'],
  [0x96, '\u2013'],
  [0x97, '\u2014'],
  [0x98, '\u02dc'],
  [0x99, '\u2122'],
  [0x9a, '\u0161'],
  [0x9b, '\u203a'],
  [0x9c, '\u0153'],
  [0x9e, '\u017e'],
  [0x9f, '\u0178'],
];
const CP1252_FROM = CP1252_C1.map(([code]) => `chr(${code})`).join(' || ');
const CP1252_TO = CP1252_C1.map(([, char]) => char).join('');

/** Generic text and encoding repair. */
export const TEKS_MACROS_SQL = String.raw`
-- What operators type for a mother's name they do not know: a dash, an X, TIDAK TAHU, IBU, or no
-- letter at all. Not a name: matching treats it as missing, field.anomaly reports it.
CREATE OR REPLACE MACRO padan_ibu_pengisi(x) AS
  upper(trim(CAST(x AS VARCHAR))) IN ('-', 'X', 'XX', 'XXX', '0', '.', 'TIDAK TAHU', 'TIDAK TAU', 'TDK TAHU',
    'TIDAK ADA', 'NN', 'IBU', 'IBU KANDUNG', 'MAMA', 'EMAK')
  OR NOT regexp_matches(upper(CAST(x AS VARCHAR)), '[A-Z]');
-- A text's letters and digits only, upper case: two texts with the same form differ only in case,
-- spacing or punctuation, which is formatting, not a correction.
CREATE OR REPLACE MACRO padan_teks_bentuk(x) AS
  nullif(regexp_replace(upper(CAST(x AS VARCHAR)), '[^\pL\pN]+', '', 'g'), '');
-- Do two texts differ in form (padan_teks_bentuk)? Texts equal as written, nearly every pair of
-- a confirmed match, are not rewritten to be compared: a CASE asks the regular expression only of
-- the others (field.from_dukcapil 2.0 s against 0.8 s at 1M rows).
CREATE OR REPLACE MACRO padan_teks_beda(a, b) AS CASE
  WHEN CAST(a AS VARCHAR) = CAST(b AS VARCHAR) THEN false
  ELSE padan_teks_bentuk(a) IS DISTINCT FROM padan_teks_bentuk(b)
END;
-- Trimmed, internal blanks collapsed to one space, zero-width characters dropped, empty -> NULL.
-- Text already clean (one space between words, no odd blank) is returned as is without rewriting.
CREATE OR REPLACE MACRO padan_teks(x) AS CASE
  WHEN regexp_matches(CAST(x AS VARCHAR), '^[^\s\x{00A0}\x{2007}\x{202F}\x{200B}\x{FEFF}]+(?: [^\s\x{00A0}\x{2007}\x{202F}\x{200B}\x{FEFF}]+)*$')
    THEN CAST(x AS VARCHAR)
  ELSE nullif(trim(regexp_replace(regexp_replace(CAST(x AS VARCHAR), '[\x{200B}\x{FEFF}]', '', 'g'),
    '[\s\x{00A0}\x{2007}\x{202F}]+', ' ', 'g')), '')
END;

-- Text decoded as latin-1 whose bytes 0x80-0x9F came out as C1 control characters U+0080-U+009F
-- while they were Windows-1252 punctuation (curly quotes, dashes, the euro sign...): map them.
-- translate() deletes a character that has no counterpart, so the lists are of equal length.
CREATE OR REPLACE MACRO padan_cp1252(x) AS translate(CAST(x AS VARCHAR), ${CP1252_FROM}, '${CP1252_TO}');
`;

/** Every statement, in dependency order. */
export const PARSE_MACROS_SQL = [
  HELPER_MACROS_SQL,
  TANGGAL_MACROS_SQL,
  KODE_MACROS_SQL,
  NIK_MACROS_SQL,
  NIK_PARTS_MACROS_SQL,
  WILAYAH_MACROS_SQL,
  TEKS_MACROS_SQL,
].join('\n');

/** Install (or replace) every parsing macro in the database. Idempotent. */
export async function installParseMacros(db: Db): Promise<void> {
  await db.exec(PARSE_MACROS_SQL);
}
