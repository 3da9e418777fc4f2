import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { type Db, sqlString } from '../pipeline/db.js';
import { packageRoot } from '../pipeline/paths.js';

/** Row counts of the region reference just loaded. */
export interface RegionReferenceCounts {
  provinsi: number;
  kabupaten: number;
  kecamatan: number;
  desa: number;
  /** Retired province/kab/kecamatan codes (Papua before the 2022 split, ...). */
  kodeLama: number;
}

/** The four Kemendagri CSVs, in the idn-area-data layout that `--regions DIR` must follow too. */
export const REGION_FILES = {
  provinsi: { file: 'provinces.csv', columns: ['code', 'name'] },
  kabupaten: { file: 'regencies.csv', columns: ['code', 'province_code', 'name'] },
  kecamatan: { file: 'districts.csv', columns: ['code', 'regency_code', 'name'] },
  desa: { file: 'villages.csv', columns: ['code', 'district_code', 'name'] },
} as const;

/**
 * Names operators type for provinces that the normalised key alone does not reach: abbreviations
 * (JATENG, NTB), older official names (NAD, Irian Jaya Barat) and the several ways of writing
 * Jakarta and Yogyakarta. Keys are passed through `padan_wilayah_kunci` like everything else, so
 * "D.I. YOGYAKARTA" and "DI YOGYAKARTA" need one entry. Codes absent from a user's `--regions`
 * list are simply dropped.
 */
export const PROVINCE_ALIASES: ReadonlyArray<readonly [alias: string, kode: string]> = [
  ['NAD', '11'],
  ['NANGGROE ACEH DARUSSALAM', '11'],
  ['NANGROE ACEH DARUSSALAM', '11'],
  ['ACEH DARUSSALAM', '11'],
  ['DAERAH ISTIMEWA ACEH', '11'],
  ['DI ACEH', '11'],
  ['D I ACEH', '11'],
  ['SUMUT', '12'],
  ['SUMBAR', '13'],
  ['SUMSEL', '16'],
  ['BABEL', '19'],
  ['BANGKA BELITUNG', '19'],
  ['KEPULAUAN BABEL', '19'],
  ['KEPRI', '21'],
  ['DKI', '31'],
  ['DKI JAKARTA', '31'],
  ['D K I JAKARTA', '31'],
  ['JAKARTA', '31'],
  ['DKJ', '31'],
  ['DAERAH KHUSUS JAKARTA', '31'],
  ['DAERAH KHUSUS IBU KOTA JAKARTA', '31'],
  ['DKI JAKARTA RAYA', '31'],
  ['JABAR', '32'],
  ['JATENG', '33'],
  ['DIY', '34'],
  ['DI YOGYAKARTA', '34'],
  // "D.I." cleans to "D I", whose I reads as a roman numeral: list the dotted forms too.
  ['D I YOGYAKARTA', '34'],
  ['D I JOGJAKARTA', '34'],
  ['DI YOGJAKARTA', '34'],
  ['DI JOGJAKARTA', '34'],
  ['YOGYAKARTA', '34'],
  ['JOGJAKARTA', '34'],
  ['YOGJAKARTA', '34'],
  ['JOGJA', '34'],
  ['YOGYA', '34'],
  ['DAERAH ISTIMEWA JOGJAKARTA', '34'],
  ['JATIM', '35'],
  ['NTB', '52'],
  ['NTT', '53'],
  ['KALBAR', '61'],
  ['KALTENG', '62'],
  ['KALSEL', '63'],
  ['KALTIM', '64'],
  ['KALTARA', '65'],
  ['SULUT', '71'],
  ['SULTENG', '72'],
  ['SULSEL', '73'],
  ['SULTRA', '74'],
  ['SULBAR', '76'],
  ['MALUT', '82'],
  ['PABAR', '92'],
  ['IRIAN JAYA BARAT', '92'],
  ['IRJABAR', '92'],
  ['PAPSEL', '93'],
  ['PAPTENG', '94'],
  ['PAPEG', '95'],
  ['PBD', '96'],
];

/**
 * Tokens that tell two sibling places apart (SUKAMAJU 1 / SUKAMAJU 2, BARABAI BARAT / BARABAI
 * UTARA, JATISAWIT / JATISAWIT LOR). A fuzzy match must agree on them exactly: on the real list,
 * most sibling pairs with Jaro-Winkler >= 0.93 differ only in such a token.
 */
const MARKER_WORDS = [
  'UTARA',
  'SELATAN',
  'TIMUR',
  'BARAT',
  'TENGAH',
  'TENGGARA',
  'DAYA',
  'LOR',
  'KIDUL',
  'WETAN',
  'KULON',
  'ILIR',
  'HILIR',
  'ULU',
  'HULU',
  'JULU',
  'UDIK',
  'MUDIK',
  'BARU',
  'LAMA',
  'ATAS',
  'BAWAH',
  'DARAT',
  'LAUT',
  'DALAM',
  'LUAR',
  'BESAR',
  'KECIL',
  'INDUK',
  'PUSAT',
  'ANYAR',
  'GEDE',
  'ALIT',
  'MUDA',
  'TUA',
];

/**
 * The SQL macros that normalise region names and codes, shared by the reference and the input so
 * both sides are keyed identically. Idempotent (CREATE OR REPLACE).
 *
 * - `padan_wilayah_teks(x)`: upper case, apostrophes and quotes dropped (BA'U = BAU), other
 *   punctuation to spaces, spaces collapsed, common abbreviations expanded token by token
 *   (KEP = KEPULAUAN, SEI = SUNGAI, TG/TJ = TANJUNG, roman and spelled numerals to digits) and
 *   old spellings folded (OE = U, DJ = J, TJ = C). On the 2025 list none of this merges two
 *   places that share a parent.
 * - `padan_wilayah_kunci(x, tingkat)`: `padan_wilayah_teks` without the administrative prefix
 *   of that level (PROVINSI/PROV/PROP; KABUPATEN/KAB/KOTA/KOTAMADYA [ADMINISTRASI|ADM];
 *   KECAMATAN/KEC; DESA/DS/KELURAHAN/KEL). The prefix is level-specific because real names start
 *   with other levels' words (Kecamatan "Kota Agung", Desa "Kota Baru"); when nothing would be
 *   left the text is kept whole.
 * - `padan_wilayah_jenis(x, tingkat)`: the type a prefix announces: 'KOTA'/'KABUPATEN' for
 *   kab/kota, 'KELURAHAN'/'DESA' for desa, else NULL.
 * - `padan_wilayah_penanda(kunci)`: the sorted marker tokens (numbers, single letters,
 *   directions) that tell siblings apart.
 * - `padan_wilayah_penanda_cocok(a, b)`: whether a close spelling `a` keeps the markers of `b`:
 *   every marker of `a` is a token of `b`, and every marker of `b` is in `a` or, when it is a word,
 *   typo'd there by one letter (JAWA TENGH = JAWA TENGAH, but SUKAMAJU is not SUKAMAJU 1).
 * - `padan_kode_titik(x)`: a Kemendagri code of 2/4/6/10 digits, dotted or not, as dotted text;
 *   NULL when it does not look like one. Codes are dotted everywhere in padan.
 */
export function regionMacrosSql(): string {
  const tokenCases = [
    ['KEP', 'KEPULAUAN'],
    ['KEPL', 'KEPULAUAN'],
    ['SEI', 'SUNGAI'],
    ['SGI', 'SUNGAI'],
    ['TG', 'TANJUNG'],
    ['TJ', 'TANJUNG'],
    ['TJG', 'TANJUNG'],
    ['KP', 'KAMPUNG'],
    ['KAMP', 'KAMPUNG'],
    ['MNS', 'MEUNASAH'],
    ['LBK', 'LUBUK'],
    ['PD', 'PONDOK'],
    ['SMP', 'SIMPANG'],
    ['SIMP', 'SIMPANG'],
    ['GN', 'GUNUNG'],
    ['GNG', 'GUNUNG'],
    ['KRG', 'KARANG'],
    ['SBR', 'SEBERANG'],
    ['ADM', 'ADMINISTRASI'],
    ['SATU', '1'],
    ['DUA', '2'],
    ['TIGA', '3'],
    ['EMPAT', '4'],
    ['LIMA', '5'],
    ['ENAM', '6'],
    ['TUJUH', '7'],
    ['DELAPAN', '8'],
    ['SEMBILAN', '9'],
    ['SEPULUH', '10'],
    ...['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII', 'XIII', 'XIV', 'XV'].map(
      (roman, i) => [roman, String(i + 1)],
    ),
  ]
    .map(([from, to]) => `WHEN ${sqlString(from as string)} THEN ${sqlString(to as string)}`)
    .join(' ');
  const markers = MARKER_WORDS.map(sqlString).join(', ');
  return `
CREATE OR REPLACE MACRO padan_wilayah_bersih(x) AS
  nullif(trim(regexp_replace(regexp_replace(upper(x), '[''"\`\u2018\u2019]', '', 'g'), '[^A-Z0-9]+', ' ', 'g')), '');
CREATE OR REPLACE MACRO padan_wilayah_token(t) AS CASE t ${tokenCases} ELSE t END;
CREATE OR REPLACE MACRO padan_wilayah_teks(x) AS
  regexp_replace(regexp_replace(regexp_replace(
    array_to_string(list_transform(string_split(padan_wilayah_bersih(x), ' '), lambda t: padan_wilayah_token(t)), ' '),
    'OE', 'U', 'g'), 'DJ', 'J', 'g'), 'TJ', 'C', 'g');
CREATE OR REPLACE MACRO padan_wilayah_tanpa_awalan(s, tingkat) AS CASE tingkat
  WHEN 'provinsi' THEN regexp_replace(s, '^(PROVINSI|PROPINSI|PROV|PROP)\\s+', '')
  WHEN 'kabupaten' THEN regexp_replace(s,
    '^((KABUPATEN|KAB|KOTAMADYA|KODYA|KOTA)(\\s+ADMINISTRASI)?|ADMINISTRASI)\\s+', '')
  WHEN 'kecamatan' THEN regexp_replace(s, '^(KECAMATAN|KEC)\\s+', '')
  WHEN 'desa' THEN regexp_replace(s, '^(DESA|DS|KELURAHAN|KEL)\\s+', '')
  ELSE s END;
-- The *_dari_teks forms take text already through padan_wilayah_teks (cheaper on big inputs).
CREATE OR REPLACE MACRO padan_wilayah_kunci_dari_teks(t, tingkat) AS
  coalesce(nullif(padan_wilayah_tanpa_awalan(t, tingkat), ''), t);
CREATE OR REPLACE MACRO padan_wilayah_kunci(x, tingkat) AS padan_wilayah_kunci_dari_teks(padan_wilayah_teks(x), tingkat);
CREATE OR REPLACE MACRO padan_wilayah_jenis_dari_teks(t, tingkat) AS CASE
  WHEN tingkat = 'kabupaten' AND regexp_matches(t, '^(KOTAMADYA|KODYA|KOTA)\\s') THEN 'KOTA'
  WHEN tingkat = 'kabupaten' AND regexp_matches(t, '^(KABUPATEN|KAB)\\s') THEN 'KABUPATEN'
  WHEN tingkat = 'desa' AND regexp_matches(t, '^(KELURAHAN|KEL)\\s') THEN 'KELURAHAN'
  WHEN tingkat = 'desa' AND regexp_matches(t, '^(DESA|DS)\\s') THEN 'DESA'
  ELSE NULL END;
CREATE OR REPLACE MACRO padan_wilayah_jenis(x, tingkat) AS padan_wilayah_jenis_dari_teks(padan_wilayah_teks(x), tingkat);
CREATE OR REPLACE MACRO padan_wilayah_penanda_token(t) AS
  regexp_matches(t, '^[0-9]+$') OR length(t) = 1 OR list_contains([${markers}], t);
CREATE OR REPLACE MACRO padan_wilayah_penanda(kunci) AS
  list_sort(list_filter(string_split(kunci, ' '), lambda t: padan_wilayah_penanda_token(t)));
CREATE OR REPLACE MACRO padan_wilayah_penanda_cocok(a, b) AS
  len(list_filter(padan_wilayah_penanda(a), lambda m: NOT list_contains(string_split(b, ' '), m))) = 0
  AND len(list_filter(padan_wilayah_penanda(b), lambda m: NOT list_contains(string_split(a, ' '), m)
    AND NOT (length(m) >= 4 AND len(list_filter(string_split(a, ' '),
      lambda t: NOT padan_wilayah_penanda_token(t) AND damerau_levenshtein(t, m) <= 1)) > 0))) = 0;
CREATE OR REPLACE MACRO padan_kode_titik(x) AS CASE
  WHEN regexp_matches(trim(x), '^[0-9]{2}(\\.[0-9]{2}(\\.[0-9]{2}(\\.[0-9]{4})?)?)?$') THEN trim(x)
  WHEN regexp_matches(trim(x), '^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{10})$') THEN
    concat_ws('.', substr(trim(x), 1, 2), nullif(substr(trim(x), 3, 2), ''), nullif(substr(trim(x), 5, 2), ''),
      nullif(substr(trim(x), 7, 4), ''))
  ELSE NULL END;
`;
}

/** Create the normalisation macros on this database (the resolver and other stages use them). */
export async function defineRegionMacros(db: Db): Promise<void> {
  await db.exec(regionMacrosSql());
}

/**
 * The Kemendagri 2025 list shipped with padan (`reference/wilayah/`, copied from the idn-area-data
 * project with its ODbL licence). Vendored rather than installed: the npm package declares Node 22
 * and warns on the Node 20 padan supports, while the data is all padan needs of it.
 */
export function defaultRegionDir(): string {
  return join(packageRoot(), 'reference', 'wilayah');
}

/** The retired codes shipped with padan (`reference/wilayah/historical_codes.csv`). */
export function historicalCodesPath(): string {
  return join(packageRoot(), 'reference', 'wilayah', 'historical_codes.csv');
}

/**
 * A file of the region reference that cannot be read as the layout says: a user's `--regions` list
 * is bad input (the run names the option); padan's own list failing is padan's fault.
 */
export class RegionReferenceError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'RegionReferenceError';
  }
}

async function readCsvTable(db: Db, table: string, path: string, columns: readonly string[]): Promise<void> {
  const file = basename(path);
  if (!existsSync(path)) throw new RegionReferenceError(`${file} not found`, path);
  // all_varchar: codes must stay text ('11.01' is not a number), names must not be guessed at.
  await db
    .exec(
      `CREATE OR REPLACE TEMP TABLE ${table} AS
       SELECT * FROM read_csv(${sqlString(path)}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')`,
    )
    .catch((error: unknown) => {
      // The reader's reason names the line; region names and codes are public, not personal data.
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new RegionReferenceError(`${file} cannot be read as CSV (${reason})`, path);
    });
  const present = new Set(
    (await db.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE ${table})`)).map((r) =>
      r.column_name.trim().toLowerCase(),
    ),
  );
  const missing = columns.filter((c) => !present.has(c));
  if (missing.length > 0) {
    throw new RegionReferenceError(
      `${file} lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; its header must be ${columns.join(',')}`,
      path,
    );
  }
}

/**
 * Load the Kemendagri region list and the retired codes into DuckDB.
 *
 * Tables (codes dotted everywhere: `33`, `33.28`, `33.28.01`, `33.28.01.2001`):
 * - `ref_provinsi(kode, nama, nama_kunci)`
 * - `ref_kabupaten(kode, kode_provinsi, nama, jenis 'KABUPATEN'|'KOTA', nama_kunci)`
 * - `ref_kecamatan(kode, kode_kabupaten, nama, nama_kunci)`
 * - `ref_desa(kode, kode_kecamatan, nama, jenis 'DESA'|'KELURAHAN', nama_kunci)`
 * - `ref_kode_lama(kode, tingkat, nama, kode_baru)`: retired codes; `kode_baru` is the current
 *   place with the same name (Papua's 91.01 KAB. MERAUKE is 93.01 now), NULL when there is none.
 * - `ref_kode_nik(kode_kecamatan)`: every kecamatan code, current or retired, that may start a NIK.
 * - `ref_kode_prefix(kode, tingkat, lama)`: every province/kab/kecamatan code, current
 *   (`lama = false`) or retired, for checking NIK and KK prefixes at any depth.
 * - `ref_provinsi_alias(alias, kode)`: province abbreviations and old names.
 * - `ref_wilayah_kunci(...)`: the matching index the name resolver works on (all levels, with
 *   aliases and the retired kab names that lead to their successors).
 *
 * `dir` is a user's newer list in the same layout (`--regions DIR`); the default is the list
 * shipped in `reference/wilayah/`.
 */
export async function loadRegionReference(db: Db, dir?: string): Promise<RegionReferenceCounts> {
  const base = dir ? resolve(dir) : defaultRegionDir();
  await defineRegionMacros(db);
  for (const [level, spec] of Object.entries(REGION_FILES)) {
    await readCsvTable(db, `_ref_csv_${level}`, join(base, spec.file), spec.columns);
  }
  await readCsvTable(db, '_ref_csv_lama', historicalCodesPath(), ['code', 'name']);

  const alias = PROVINCE_ALIASES.map(([a, k]) => `(${sqlString(a)}, ${sqlString(k)})`).join(',\n      ');
  await db.exec(`
    CREATE OR REPLACE TABLE main.ref_provinsi AS
    SELECT padan_kode_titik(code) AS kode, trim(name) AS nama, padan_wilayah_kunci(name, 'provinsi') AS nama_kunci
    FROM _ref_csv_provinsi WHERE padan_kode_titik(code) IS NOT NULL ORDER BY kode;

    -- The type comes from the name ("Kota Tegal"); a list without prefixes falls back on the code
    -- rule (kab/kota part 01-69 kabupaten, 71-99 kota).
    CREATE OR REPLACE TABLE main.ref_kabupaten AS
    SELECT padan_kode_titik(code) AS kode, padan_kode_titik(province_code) AS kode_provinsi, trim(name) AS nama,
      CASE WHEN padan_wilayah_jenis(name, 'kabupaten') IS NOT NULL THEN padan_wilayah_jenis(name, 'kabupaten')
        WHEN substr(padan_kode_titik(code), 4, 2) >= '71' THEN 'KOTA' ELSE 'KABUPATEN' END AS jenis,
      padan_wilayah_kunci(name, 'kabupaten') AS nama_kunci
    FROM _ref_csv_kabupaten WHERE padan_kode_titik(code) IS NOT NULL ORDER BY kode;

    CREATE OR REPLACE TABLE main.ref_kecamatan AS
    SELECT padan_kode_titik(code) AS kode, padan_kode_titik(regency_code) AS kode_kabupaten, trim(name) AS nama,
      padan_wilayah_kunci(name, 'kecamatan') AS nama_kunci
    FROM _ref_csv_kecamatan WHERE padan_kode_titik(code) IS NOT NULL ORDER BY kode;

    CREATE OR REPLACE TABLE main.ref_desa AS
    SELECT padan_kode_titik(code) AS kode, padan_kode_titik(district_code) AS kode_kecamatan, trim(name) AS nama,
      CASE WHEN substr(padan_kode_titik(code), 10, 1) = '1' THEN 'KELURAHAN' ELSE 'DESA' END AS jenis,
      padan_wilayah_kunci(name, 'desa') AS nama_kunci
    FROM _ref_csv_desa WHERE padan_kode_titik(code) IS NOT NULL ORDER BY kode;

    CREATE OR REPLACE TABLE ref_provinsi_alias AS
    SELECT a.alias, a.kode FROM (VALUES
      ${alias}
    ) AS a(alias, kode) JOIN ref_provinsi p USING (kode) ORDER BY a.kode, a.alias;

    -- Retired codes: a code still listed in the current reference is not retired (a user's list
    -- may bring one back). The successor is the current place of the same name and type, unique
    -- nationally for a kab/kota, inside the successor kab/kota for a kecamatan.
    CREATE OR REPLACE TEMP TABLE _ref_lama AS
    SELECT padan_kode_titik(code) AS kode,
      CASE length(padan_kode_titik(code)) WHEN 2 THEN 'provinsi' WHEN 5 THEN 'kabupaten' WHEN 8 THEN 'kecamatan' END AS tingkat,
      trim(name) AS nama
    FROM _ref_csv_lama
    WHERE length(padan_kode_titik(code)) IN (2, 5, 8)
      AND padan_kode_titik(code) NOT IN (SELECT kode FROM ref_provinsi UNION ALL SELECT kode FROM ref_kabupaten
        UNION ALL SELECT kode FROM ref_kecamatan);

    CREATE OR REPLACE TEMP TABLE _ref_lama_kab AS
    SELECT l.kode, min(k.kode) AS kode_baru
    FROM _ref_lama l JOIN ref_kabupaten k
      ON k.nama_kunci = padan_wilayah_kunci(l.nama, 'kabupaten')
     AND k.jenis = coalesce(padan_wilayah_jenis(l.nama, 'kabupaten'), 'KABUPATEN')
    WHERE l.tingkat = 'kabupaten'
    GROUP BY l.kode HAVING count(*) = 1;

    CREATE OR REPLACE TABLE main.ref_kode_lama AS
    SELECT l.kode, l.tingkat, l.nama,
      CASE l.tingkat
        WHEN 'kabupaten' THEN (SELECT s.kode_baru FROM _ref_lama_kab s WHERE s.kode = l.kode)
        WHEN 'kecamatan' THEN (
          SELECT CASE WHEN count(*) = 1 THEN min(c.kode) END FROM _ref_lama_kab s JOIN ref_kecamatan c
            ON c.kode_kabupaten = s.kode_baru AND c.nama_kunci = padan_wilayah_kunci(l.nama, 'kecamatan')
          WHERE s.kode = substr(l.kode, 1, 5))
      END AS kode_baru
    FROM _ref_lama l ORDER BY l.kode;

    CREATE OR REPLACE TABLE ref_kode_prefix AS
    SELECT kode, 'provinsi' AS tingkat, false AS lama FROM ref_provinsi
    UNION ALL SELECT kode, 'kabupaten', false FROM ref_kabupaten
    UNION ALL SELECT kode, 'kecamatan', false FROM ref_kecamatan
    UNION ALL SELECT kode, tingkat, true FROM ref_kode_lama
    ORDER BY kode;

    CREATE OR REPLACE TABLE ref_kode_nik AS
    SELECT kode AS kode_kecamatan FROM ref_kode_prefix WHERE tingkat = 'kecamatan' ORDER BY kode;
  `);
  await buildMatchIndex(db);

  const counts = await db.one<Record<keyof RegionReferenceCounts, number | string>>(`
    SELECT (SELECT count(*) FROM ref_provinsi) AS provinsi, (SELECT count(*) FROM ref_kabupaten) AS kabupaten,
      (SELECT count(*) FROM ref_kecamatan) AS kecamatan, (SELECT count(*) FROM ref_desa) AS desa,
      (SELECT count(*) FROM ref_kode_lama) AS "kodeLama"`);
  await db.exec(`
    DROP TABLE IF EXISTS _ref_csv_provinsi; DROP TABLE IF EXISTS _ref_csv_kabupaten;
    DROP TABLE IF EXISTS _ref_csv_kecamatan; DROP TABLE IF EXISTS _ref_csv_desa; DROP TABLE IF EXISTS _ref_csv_lama;
    DROP TABLE IF EXISTS _ref_lama; DROP TABLE IF EXISTS _ref_lama_kab;`);
  return {
    provinsi: Number(counts?.provinsi ?? 0),
    kabupaten: Number(counts?.kabupaten ?? 0),
    kecamatan: Number(counts?.kecamatan ?? 0),
    desa: Number(counts?.desa ?? 0),
    kodeLama: Number(counts?.kodeLama ?? 0),
  };
}

/**
 * `ref_wilayah_kunci`: one row per name a place can be found by, all levels together.
 * `kode_induk` is '' for provinces so every level is "children of a parent".
 * `sumber`: 'KINI' current name, 'ALIAS' province alias, 'LAMA' a retired kab/kota name under its
 * old province that leads to the current place (PAPUA + MERAUKE -> Kab. Merauke in Papua Selatan).
 * `nama_tampil` is the display form used in messages (Kab. Tegal, Kota Tegal, Kec. Adiwerna,
 * Kel. Waena).
 */
async function buildMatchIndex(db: Db): Promise<void> {
  await db.exec(`
    CREATE OR REPLACE TABLE ref_wilayah_kunci AS
    WITH n AS (
      SELECT 'provinsi' AS tingkat, kode, '' AS kode_induk, CAST(NULL AS VARCHAR) AS jenis, nama,
        'Prov. ' || nama AS nama_tampil, 'KINI' AS sumber FROM ref_provinsi
      UNION ALL
      SELECT 'provinsi', a.kode, '', NULL, a.alias, 'Prov. ' || p.nama, 'ALIAS'
      FROM ref_provinsi_alias a JOIN ref_provinsi p USING (kode)
      UNION ALL
      SELECT 'kabupaten', kode, kode_provinsi, jenis, nama,
        CASE WHEN jenis = 'KOTA' THEN regexp_replace(nama, '^(?i)(kota)\\s+', 'Kota ')
          ELSE regexp_replace(nama, '^(?i)(kabupaten|kab\\.?)\\s+', 'Kab. ') END, 'KINI'
      FROM ref_kabupaten
      UNION ALL
      SELECT 'kabupaten', l.kode_baru, substr(l.kode, 1, 2), k.jenis, l.nama,
        CASE WHEN k.jenis = 'KOTA' THEN regexp_replace(k.nama, '^(?i)(kota)\\s+', 'Kota ')
          ELSE regexp_replace(k.nama, '^(?i)(kabupaten|kab\\.?)\\s+', 'Kab. ') END, 'LAMA'
      FROM ref_kode_lama l JOIN ref_kabupaten k ON k.kode = l.kode_baru
      WHERE l.tingkat = 'kabupaten'
      UNION ALL
      SELECT 'kecamatan', kode, kode_kabupaten, NULL, nama, 'Kec. ' || nama, 'KINI' FROM ref_kecamatan
      UNION ALL
      SELECT 'desa', kode, kode_kecamatan, jenis, nama,
        CASE WHEN jenis = 'KELURAHAN' THEN 'Kel. ' ELSE 'Desa ' END || nama, 'KINI' FROM ref_desa
    )
    SELECT tingkat, kode, kode_induk, jenis, nama, nama_tampil, sumber,
      padan_wilayah_teks(nama) AS nama_teks,
      padan_wilayah_kunci(nama, tingkat) AS nama_kunci,
      replace(padan_wilayah_kunci(nama, tingkat), ' ', '') AS kunci_rapat,
      replace(padan_wilayah_teks(nama), ' ', '') AS teks_rapat,
      padan_wilayah_penanda(padan_wilayah_kunci(nama, tingkat)) AS penanda
    FROM n
    ORDER BY tingkat, kode_induk, kode, sumber, nama;
  `);
}
