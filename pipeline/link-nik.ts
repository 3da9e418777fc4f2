import type { Config } from './config.js';
import { type Db, sqlIdent } from './db.js';
import { type Comparison, type LinkResult, type LinkSettings, leftRowsRead, link } from './matcher/index.js';
import { StepClock } from './steps.js';

/**
 * Probabilistic matching of DTKS rows to Dukcapil records: padan's Indonesian comparisons and
 * blocking rules plugged into the schema-agnostic matcher. It recovers the person behind a NIK
 * that is missing, mistyped, Excel-mangled or borrowed from a relative, and finds the same person
 * registered twice under different NIKs (both rows link to one Dukcapil record).
 */

/**
 * A NIK's digits in sorted order, once per row, encoded as a number: the sum of 17^digit over the
 * 16 digits, whose base-17 digit d counts the NIK's d's (at most 16, so nothing carries). Two NIKs
 * have the same exactly when their sorted digits are the same, as when two digits are swapped; a
 * number compared per pair is far cheaper than sorting both NIKs' digits for each pair, and the
 * arithmetic five times cheaper per row than sorting the text (measured at 1.5 M records). Only
 * for a 16-digit NIK (`nik_bentuk` ANGKA16): the largest value, 16 · 17^9, is exact in a DOUBLE.
 */
export const digitsSorted = (nik: string) =>
  `CAST(${Array.from({ length: 16 }, (_, k) => `17.0 ** ((CAST(${nik} AS BIGINT) // ${10n ** BigInt(k)}) % 10)`).join(' + ')} AS BIGINT)`;

/**
 * What a DTKS row brings to a comparison (d is the dtks table): the NIK when it is one, the
 * prefix an Excel-mangled NIK still shows, the name keys, the birth date and sex, the mother's
 * name, the region codes and the KK. NIK recovery and the DTKS-only deduplication compare the same.
 */
export const DTKS_COMPARED_COLUMNS = `
  CASE WHEN d.nik_bentuk = 'ANGKA16' AND NOT padan_nik_placeholder(d.nik) THEN d.nik END AS nik,
  CASE WHEN d.nik_bentuk = 'ANGKA16' AND NOT padan_nik_placeholder(d.nik) THEN ${digitsSorted('d.nik')} END AS nik_urut,
  -- Excel keeps the first significant digits of a mangled NIK: its kecamatan code is still known.
  CASE WHEN d.nik_bentuk = 'EXCEL' THEN nullif(left(regexp_replace(split_part(upper(d.nik), 'E', 1), '[^0-9]', '', 'g'), 6), '') END AS nik_awal,
  nullif(d.nama_norm, '') AS nama_norm, nullif(d.nama_gabung, '') AS nama_gabung, d.nama_fonetik[1] AS fonetik1,
  -- A one-token name may be a call name (PARMAN for SUPARMAN): the call-name level compares it.
  CASE WHEN d.nama_norm <> '' AND NOT contains(d.nama_norm, ' ') THEN d.nama_norm END AS nama_tunggal,
  d.tgl_lahir, d.jenis_kelamin,
  -- A placeholder (or the member's own name) is no mother's name: missing, not a disagreement.
  CASE WHEN NOT padan_ibu_pengisi(d.nama_ibu_kandung)
    AND padan_teks_bentuk(d.nama_ibu_kandung) IS DISTINCT FROM padan_teks_bentuk(d.nama) THEN nullif(d.nama_ibu_norm, '') END AS nama_ibu_norm,
  d.kode_desa, d.kode_kecamatan, d.kode_kabupaten, d.kode_provinsi,
  CASE WHEN d.no_kk_bentuk = 'ANGKA16' AND NOT padan_nik_placeholder(d.no_kk) THEN d.no_kk END AS no_kk`;

/**
 * Left rows: the DTKS rows the linkage reads (`read`, a query of their ids: leftRowsRead), with
 * what the household already tells: the Dukcapil KK of members that matched, and the desa Dukcapil
 * has that KK in (where a household that moved together lives). A temporary table for the run;
 * only the rows scored are stored, for `padan explain`, once matching is done (KEEP_SCORED_LEFT).
 * Stored whole, the table was 4.7 s of a 1M run; made for every row, 2.9 s. Not a view as
 * link_right is: the matches it reads change once matching accepts its probabilistic matches.
 */
const leftSelect = (read: string) => `
WITH hh AS (
  -- The family card Dukcapil gives most members of this DTKS household that matched exactly; a
  -- tie goes to the smaller number (mode() would pick by thread order and change the candidates).
  SELECT id_keluarga, no_kk AS hh_kk, kode_desa AS hh_desa FROM (
    SELECT d.id_keluarga, c.no_kk, min(c.kode_desa) AS kode_desa, count(*) AS n
    FROM dtks d JOIN matches m ON m.id_dtks = d.id_dtks AND m.status = 'PADAN'
    JOIN dukcapil c ON c._baris = m.dukcapil_baris
    WHERE c.no_kk IS NOT NULL
    GROUP BY d.id_keluarga, c.no_kk)
  QUALIFY row_number() OVER (PARTITION BY id_keluarga ORDER BY n DESC, no_kk) = 1
),
ibu AS (
  -- The household's mother: the one woman among the head and the spouses (with none or two, none).
  SELECT id_keluarga, min(nama_ibu_anak) AS nama_ibu_anak FROM (
    SELECT id_keluarga, nullif(nama_norm, '') AS nama_ibu_anak FROM dtks
    WHERE hubungan IN ('KEPALA KELUARGA', 'ISTRI', 'SUAMI') AND jenis_kelamin = 'P')
  GROUP BY id_keluarga HAVING count(*) = 1
),
rows AS (
  SELECT d.id_dtks, d.hubungan, i.nama_ibu_anak,
    ${DTKS_COMPARED_COLUMNS},
    hh.hh_kk, hh.hh_desa,
    -- The KK of the record a borrowed NIK points to: the person is usually in that family too.
    bc.no_kk AS nik_kk
  FROM dtks d
  LEFT JOIN hh ON hh.id_keluarga = d.id_keluarga
  LEFT JOIN ibu i ON i.id_keluarga = d.id_keluarga
  -- Joined through a subquery: a LEFT JOIN whose condition also tests the left side's status makes
  -- DuckDB fall back to a nested-loop join.
  LEFT JOIN (SELECT m.id_dtks, c.no_kk FROM matches m JOIN dukcapil c ON c._baris = m.dukcapil_baris
             WHERE m.status = 'BEDA_ORANG') bc ON bc.id_dtks = d.id_dtks
  WHERE d.id_dtks IN (${read})
)
-- A child's mother is the household's mother (DOMAIN.md): where the row's own NAMA IBU KANDUNG is
-- missing, her name stands for it.
SELECT * EXCLUDE (hubungan, nama_ibu_anak)
  REPLACE (coalesce(nama_ibu_norm, CASE WHEN hubungan = 'ANAK' THEN nama_ibu_anak END) AS nama_ibu_norm)
FROM rows`;
const leftTable = (read: string) => `CREATE OR REPLACE TEMP TABLE link_left AS ${leftSelect(read)}`;
/** The left rows `padan explain` may read (those scored), stored; the temporary table dropped. */
const KEEP_SCORED_LEFT = `
CREATE OR REPLACE TABLE link_left AS
SELECT * FROM temp.main.link_left WHERE id_dtks IN (SELECT l_id FROM nik_link_scores) ORDER BY id_dtks;
DROP TABLE temp.main.link_left;`;

/**
 * The Dukcapil side of the linkage: every record with its compared columns. It is made twice from
 * one query: a stored view, which `padan explain` reads after the run, and a temporary table of the
 * same name, which the run reads (a temporary table comes first in name resolution). Stored, the
 * table cost 1.4 s more of a 1M run than in memory (see WORKING_SCHEMA in db.ts); the view holds
 * the same rows because nothing changes `dukcapil` after it is parsed.
 */
const RIGHT_SELECT = `
SELECT c._baris AS id,
  CASE WHEN c.nik_bentuk = 'ANGKA16' THEN c.nik END AS nik,
  CASE WHEN c.nik_bentuk = 'ANGKA16' THEN ${digitsSorted('c.nik')} END AS nik_urut,
  nullif(c.nama_norm, '') AS nama_norm, nullif(c.nama_gabung, '') AS nama_gabung, c.nama_fonetik[1] AS fonetik1,
  CASE WHEN c.nama_norm <> '' AND NOT contains(c.nama_norm, ' ') THEN c.nama_norm END AS nama_tunggal,
  c.tgl_lahir, c.jenis_kelamin, nullif(c.nama_ibu_norm, '') AS nama_ibu_norm,
  c.kode_desa, left(c.kode_desa, 8) AS kode_kecamatan, left(c.kode_desa, 5) AS kode_kabupaten,
  left(c.kode_desa, 2) AS kode_provinsi, c.no_kk
FROM dukcapil c`;
export const RIGHT_VIEW = `
CREATE OR REPLACE VIEW link_right AS ${RIGHT_SELECT};
CREATE OR REPLACE TEMP TABLE link_right AS ${RIGHT_SELECT}`;

/**
 * The NIK with a window of four digits cut out, for windows starting at digits 1, 5, 9, 13 and,
 * shifted, 3, 7, 11. Two NIKs that differ only inside one window (one mistyped digit, two swapped
 * neighbours, even two slips close together) share a key. Seven keys per NIK instead of one per
 * digit and one per neighbour pair: the masked-digit join dominated blocking at a million rows.
 * A key is a number, `s · 10^12` plus the twelve digits left: computed and joined without a string
 * (a third less time than the text keys at a million records). `col` is a 16-digit NIK or NULL.
 */
const NIK_WINDOWS = [1, 5, 9, 13, 3, 7, 11];
export const windows = (col: string) => {
  const n = `CAST(${col} AS BIGINT)`;
  // Digits s..s+3 cut out: the 13 - s digits after the window stay, those before move down.
  const cut = `(${n} // CAST(10 ** (17 - s) AS BIGINT)) * CAST(10 ** (13 - s) AS BIGINT) + ${n} % CAST(10 ** (13 - s) AS BIGINT)`;
  return `CASE WHEN ${col} IS NOT NULL THEN list_transform([${NIK_WINDOWS.join(', ')}], s -> s * 1000000000000 + ${cut}) END`;
};

export const COMPARISONS: Comparison[] = [
  {
    name: 'nama',
    nullWhen: 'l.nama_norm IS NULL OR r.nama_norm IS NULL',
    levels: [
      {
        label: 'sama persis',
        when: 'l.nama_norm = r.nama_norm',
        tf: { left: 'l.nama_norm', right: 'r.nama_norm' },
      },
      { label: 'sama tanpa spasi', when: 'l.nama_gabung = r.nama_gabung' },
      {
        label: 'sangat mirip (JW ≥ 0.95)',
        when: 'jaro_winkler_similarity(l.nama_norm, r.nama_norm) >= 0.95',
      },
      {
        label: 'satu nama memuat yang lain',
        // The first token of the contained name is in the other: a cheap test that spares nearly
        // every pair the token lists.
        when: `(contains(l.nama_norm, split_part(r.nama_norm, ' ', 1)) OR contains(r.nama_norm, split_part(l.nama_norm, ' ', 1)))
          AND (list_has_all(string_split(l.nama_norm, ' '), string_split(r.nama_norm, ' '))
            OR list_has_all(string_split(r.nama_norm, ' '), string_split(l.nama_norm, ' ')))`,
      },
      { label: 'mirip (JW ≥ 0.88)', when: 'jaro_winkler_similarity(l.nama_norm, r.nama_norm) >= 0.88' },
      {
        // HERMAWAN typed as WAWAN, SUPARMAN as PARMAN, RIDWAN as IWAN (padan_panggilan in match.ts).
        label: 'nama panggilan',
        when: 'padan_panggilan(l.nama_tunggal, r.nama_norm) OR padan_panggilan(r.nama_tunggal, l.nama_norm)',
      },
      { label: 'fonetik nama depan sama', when: "l.fonetik1 = r.fonetik1 AND l.fonetik1 <> ''" },
    ],
  },
  {
    name: 'tgl_lahir',
    nullWhen: 'l.tgl_lahir IS NULL OR r.tgl_lahir IS NULL',
    levels: [
      // A default date (31 Dec, 1 Jul) is shared by many: its frequency lowers the weight.
      { label: 'sama', when: 'l.tgl_lahir = r.tgl_lahir', tf: { left: 'l.tgl_lahir', right: 'r.tgl_lahir' } },
      {
        label: 'hari dan bulan tertukar',
        when: 'year(l.tgl_lahir) = year(r.tgl_lahir) AND month(l.tgl_lahir) = day(r.tgl_lahir) AND day(l.tgl_lahir) = month(r.tgl_lahir)',
      },
      {
        label: 'tahun beda satu',
        when: 'month(l.tgl_lahir) = month(r.tgl_lahir) AND day(l.tgl_lahir) = day(r.tgl_lahir) AND abs(year(l.tgl_lahir) - year(r.tgl_lahir)) = 1',
      },
      {
        label: 'tahun sama, tanggal baku',
        when: `year(l.tgl_lahir) = year(r.tgl_lahir) AND (strftime(l.tgl_lahir, '%m-%d') IN ('12-31', '07-01')
          OR strftime(r.tgl_lahir, '%m-%d') IN ('12-31', '07-01'))`,
      },
      {
        label: 'tahun dan bulan sama',
        when: 'year(l.tgl_lahir) = year(r.tgl_lahir) AND month(l.tgl_lahir) = month(r.tgl_lahir)',
      },
    ],
  },
  {
    name: 'jenis_kelamin',
    nullWhen: 'l.jenis_kelamin IS NULL OR r.jenis_kelamin IS NULL',
    levels: [{ label: 'sama', when: 'l.jenis_kelamin = r.jenis_kelamin' }],
  },
  {
    name: 'nama_ibu',
    nullWhen: 'l.nama_ibu_norm IS NULL OR r.nama_ibu_norm IS NULL',
    levels: [
      {
        label: 'sama',
        when: 'l.nama_ibu_norm = r.nama_ibu_norm',
        tf: { left: 'l.nama_ibu_norm', right: 'r.nama_ibu_norm' },
      },
      { label: 'mirip', when: 'jaro_winkler_similarity(l.nama_ibu_norm, r.nama_ibu_norm) >= 0.88' },
    ],
  },
  {
    name: 'wilayah',
    // Against the DTKS region, or the desa the household's Dukcapil KK is in: when a household moved
    // together, its region in DTKS is where it was, and the disagreement is the move.
    nullWhen: '(l.kode_kabupaten IS NULL AND l.hh_desa IS NULL) OR r.kode_desa IS NULL',
    levels: [
      { label: 'desa sama', when: 'l.kode_desa = r.kode_desa OR l.hh_desa = r.kode_desa' },
      {
        label: 'kecamatan sama',
        when: 'l.kode_kecamatan = r.kode_kecamatan OR left(l.hh_desa, 8) = r.kode_kecamatan',
      },
      {
        label: 'kabupaten/kota sama',
        when: 'l.kode_kabupaten = r.kode_kabupaten OR left(l.hh_desa, 5) = r.kode_kabupaten',
      },
      {
        label: 'provinsi sama',
        when: 'l.kode_provinsi = r.kode_provinsi OR left(l.hh_desa, 2) = r.kode_provinsi',
      },
    ],
  },
  {
    name: 'nik',
    nullWhen: '(l.nik IS NULL AND l.nik_awal IS NULL) OR r.nik IS NULL',
    levels: [
      { label: 'sama', when: 'l.nik = r.nik' },
      { label: 'beda satu digit', when: 'hamming(l.nik, r.nik) = 1' },
      {
        label: 'dua digit bertukar',
        when: 'hamming(l.nik, r.nik) = 2 AND l.nik_urut = r.nik_urut',
      },
      {
        label: 'hanya tiga digit akhir beda (000)',
        when: "right(l.nik, 3) = '000' AND left(l.nik, 13) = left(r.nik, 13)",
      },
      { label: 'wilayah dan tanggal dalam NIK sama', when: 'left(l.nik, 12) = left(r.nik, 12)' },
      { label: 'awalan NIK (Excel) sama', when: 'l.nik IS NULL AND left(r.nik, 6) = l.nik_awal' },
    ],
  },
  {
    name: 'kk',
    nullWhen: 'l.no_kk IS NULL OR r.no_kk IS NULL',
    levels: [{ label: 'Nomor KK sama', when: 'l.no_kk = r.no_kk' }],
  },
  {
    name: 'kk_keluarga',
    nullWhen: '(l.hh_kk IS NULL AND l.nik_kk IS NULL) OR r.no_kk IS NULL',
    levels: [{ label: 'dalam KK keluarganya di Dukcapil', when: 'r.no_kk = l.hh_kk OR r.no_kk = l.nik_kk' }],
  },
];

/** The gamma of a comparison level by its label: the first listed level has the highest gamma. */
export function gammaOf(comparison: string, label: string): number {
  const c = COMPARISONS.find((x) => x.name === comparison);
  const i = c?.levels.findIndex((l) => l.label === label) ?? -1;
  if (!c || i < 0) throw new Error(`no level "${label}" in comparison ${comparison}`);
  return c.levels.length - i;
}

/**
 * Evidence a match must have whatever its weight: the names must really agree (at least the fuzzy
 * level, not only the sound of the first name), and a birth date that plainly differs needs a NIK
 * one slip away. Twins share a birth date, a family card, a desa and NIKs one serial apart; only
 * their names tell them apart, so no sum of other agreements may outvote a name that disagrees.
 */
export function acceptanceGuard(alias = 's'): string {
  return `((${alias}.nama_level >= ${gammaOf('nama', 'mirip (JW ≥ 0.88)')}
    AND (${alias}.tgl_lahir_level <> 0 OR ${alias}.nik_level >= ${gammaOf('nik', 'beda satu digit')}))
    OR ${callNameGuard(alias)})`;
}

/**
 * A call name (WAWAN for HERMAWAN) agrees with many formal names: it is evidence only with the
 * exact birth date and the family card (the row's own KK, its household's KK in Dukcapil), the
 * mother's name, or the NIK itself, at most one slip away; or with the very NIK and a birth date
 * that is only slipped (a default date, the year off), never plainly different (a child carrying
 * a parent's NIK).
 */
function callNameGuard(alias: string): string {
  return `(${alias}.nama_level = ${gammaOf('nama', 'nama panggilan')}
    AND ((${alias}.tgl_lahir_level = ${gammaOf('tgl_lahir', 'sama')}
        AND (${alias}.kk_level = 1 OR ${alias}.kk_keluarga_level = 1
          OR ${alias}.nama_ibu_level = ${gammaOf('nama_ibu', 'sama')}
          OR ${alias}.nik_level >= ${gammaOf('nik', 'beda satu digit')}))
      OR (${alias}.nik_level = ${gammaOf('nik', 'sama')} AND ${alias}.tgl_lahir_level > 0)))`;
}

/**
 * The comparisons that say where a person is registered: the region, the KK, the household's KK in
 * Dukcapil. A person registered again in another household (moved, joined another family, taken
 * in twice) differs in all of them without being another person: where that is the question, their
 * levels that would count against a pair weigh nothing (here, and between two DTKS rows in
 * link-dtks.ts).
 */
export const PLACE_COMPARISONS: readonly string[] = ['wilayah', 'kk', 'kk_keluarga'];

/** SQL: a scored pair's match weight (alias `s`) without what the place comparisons count against it. */
function weightPlaceAside(s: string): string {
  return `(${s}.match_weight - ${PLACE_COMPARISONS.map((c) => `least(${s}.${c}_weight, 0)`).join(' - ')})`;
}

/**
 * SQL over a row of `nik_link_scores` (alias `s`): enough for a row to be the person whose record a
 * row of another household holds, the region and KK aside. The mother's name and a birth date not
 * plainly different, with the names agreeing as for any record (acceptanceGuard) or by a call name
 * (as between two DTKS rows: a sibling is born on another day); or the name and the exact birth
 * date with the mother's name mistyped. A namesake elsewhere has another mother.
 */
function registeredTwiceEvidence(s: string): string {
  return `(${s}.jenis_kelamin_level <> 0 AND (
    (${s}.nama_ibu_level = ${gammaOf('nama_ibu', 'sama')} AND ${s}.tgl_lahir_level > 0
      AND (${acceptanceGuard(s)} OR ${s}.nama_level = ${gammaOf('nama', 'nama panggilan')}))
    OR (${s}.nama_ibu_level = ${gammaOf('nama_ibu', 'mirip')} AND ${s}.tgl_lahir_level = ${gammaOf('tgl_lahir', 'sama')}
      AND ${s}.nama_level >= ${gammaOf('nama', 'sangat mirip (JW ≥ 0.95)')})))`;
}

export function linkSettings(config: Config): LinkSettings {
  const cap = config.matching.maxBlockSize;
  return {
    left: { table: 'link_left', id: 'id_dtks' },
    right: { table: 'link_right', id: 'id' },
    prefix: 'nik_link',
    comparisons: COMPARISONS,
    blocking: [
      { name: 'nik_sama', leftKey: 'l.nik', rightKey: 'r.nik', comparisons: ['nik'] },
      {
        name: 'nik_hampir',
        leftKey: windows('l.nik'),
        rightKey: windows('r.nik'),
        maxBlockSize: cap,
        comparisons: ['nik'],
        // Sharing 12 of 16 digits is common: most such NIKs are of people born the same day in one
        // kecamatan, or with the same serial. A slip or a swap leaves at most two digits apart;
        // at a million rows the rest were 51 million pairs and none a match no other rule found.
        // Of what was left, 1.03M of a 1M run's 2.9M candidates came from this rule alone and 4 of
        // them were the person, each with the same first-name sound. So a near NIK alone is not
        // enough: the first name's sound or the mother's name must agree too (a nickname, WAWAN for
        // HERMAWAN, keeps the mother). Candidates 2.9M -> 1.9M with every deactivation and correction
        // the same (three uncertain candidates, each someone else, are no longer offered for
        // review); on the hard profile 6.6M -> 4.4M, one recovered NIK fewer of 182,716.
        filter:
          'hamming(l.nik, r.nik) <= 2 AND (l.fonetik1 = r.fonetik1 OR l.nama_ibu_norm = r.nama_ibu_norm)',
      },
      {
        name: 'nik_wilayah_tanggal',
        leftKey: 'left(l.nik, 12)',
        rightKey: 'left(r.nik, 12)',
        maxBlockSize: cap,
        comparisons: ['nik'],
      },
      {
        name: 'kecamatan_tgl_lahir',
        leftKey: "l.kode_kecamatan || '|' || l.tgl_lahir",
        rightKey: "r.kode_kecamatan || '|' || r.tgl_lahir",
        maxBlockSize: cap,
        comparisons: ['wilayah', 'tgl_lahir'],
      },
      {
        name: 'nik_awal_tgl_lahir',
        leftKey: "coalesce(l.nik_awal, left(l.nik, 6)) || '|' || l.tgl_lahir",
        rightKey: "left(r.nik, 6) || '|' || r.tgl_lahir",
        maxBlockSize: cap,
        comparisons: ['nik', 'tgl_lahir'],
      },
      {
        name: 'fonetik_tahun_kabupaten',
        leftKey: "l.fonetik1 || '|' || year(l.tgl_lahir) || '|' || l.kode_kabupaten",
        rightKey: "r.fonetik1 || '|' || year(r.tgl_lahir) || '|' || r.kode_kabupaten",
        maxBlockSize: cap,
        comparisons: ['nama', 'wilayah'],
      },
      {
        // For rows whose date is also wrong: the same first-name sound in the same desa.
        name: 'fonetik_desa',
        leftKey: "l.fonetik1 || '|' || l.kode_desa",
        rightKey: "r.fonetik1 || '|' || r.kode_desa",
        maxBlockSize: cap,
        comparisons: ['nama', 'wilayah'],
      },
      {
        name: 'nama_tgl_lahir',
        leftKey: "l.nama_gabung || '|' || l.tgl_lahir",
        rightKey: "r.nama_gabung || '|' || r.tgl_lahir",
        maxBlockSize: cap,
        comparisons: ['nama', 'tgl_lahir'],
      },
      {
        name: 'ibu_tahun',
        leftKey: "l.nama_ibu_norm || '|' || year(l.tgl_lahir)",
        rightKey: "r.nama_ibu_norm || '|' || year(r.tgl_lahir)",
        maxBlockSize: cap,
        comparisons: ['nama_ibu'],
      },
      {
        name: 'kk_keluarga',
        leftKey: 'list_filter([l.hh_kk, l.nik_kk, l.no_kk], x -> x IS NOT NULL)',
        rightKey: 'r.no_kk',
        maxBlockSize: cap,
        comparisons: ['kk', 'kk_keluarga'],
      },
    ],
    // Equal NIKs are nearly always the same person; the NIK also encodes birth date and sex, so
    // their agreement among such pairs says nothing about their m.
    mTrainingRule: { when: 'l.nik = r.nik', exclude: ['nik', 'tgl_lahir', 'jenis_kelamin'] },
    uSampleSize: config.matching.uSampleSize,
    // The model is trained on a sample of rows (every row in a small run) and scores only the rows
    // exact matching did not confirm: a confirmed row's person is known, and a row registered twice
    // under another NIK is itself unconfirmed and still meets that person's record.
    trainingRows: config.matching.trainingRows,
    scoreLeft: "l.id_dtks NOT IN (SELECT id_dtks FROM matches WHERE status = 'PADAN')",
    seed: 20261123,
    minMatchWeight: -10,
  };
}

/**
 * SQL: two DTKS rows (aliases `a`, `b`) are one person typed twice by their names alone: the same
 * name, or with the same sex one slip in eight letters (spaces aside), with a birth date not
 * plainly different. A worn-down name does not count here: DAVID may be either twin; whether it
 * is the record's own is asked of the record (wornDownFrom).
 */
function typedTwice(a: string, b: string): string {
  return `padan_ketik_ulang(${a}.nama_gabung, ${b}.nama_gabung, ${a}.tgl_lahir, ${b}.tgl_lahir,
    ${a}.jenis_kelamin, ${b}.jenis_kelamin)`;
}

/**
 * SQL: the DTKS row's name (alias `d`) is the record's (alias `r`) worn down, or the other way
 * round (padan_nama_aus: an initial, a dropped or added token, a call name, a slip), or the
 * record's up to a slip in eight letters, spaces aside (MOHA MAD for MUHAMAD), with no sex
 * against it unless the row carries the record's very NIK (which encodes the record's sex: the
 * row's sex is then the slip, GUNANTO P for ALDIANSYAH GUNANTO L under his NIK). A twin's name is
 * not its twin's worn down, so a record another row holds may still go to a row that is this
 * person typed again under another name form.
 */
function wornDownFrom(d: string, r: string): string {
  // A CASE, not AND and OR: DuckDB computes every operand of AND and OR for every row outside a
  // plain filter, and a CASE tries each test only on the rows still undecided. Three quarters of
  // the pairs asked are a household member's record, not this row's, and go through all three
  // name tests either way; asked one after the other they cost 1.0 s instead of 1.8 s at 1M.
  return `CASE
    WHEN NOT coalesce(${d}.jenis_kelamin IS NULL OR ${r}.jenis_kelamin IS NULL
      OR ${d}.jenis_kelamin = ${r}.jenis_kelamin OR ${d}.nik = ${r}.nik, false) THEN false
    WHEN coalesce(padan_nama_selip(${d}.nama_gabung, ${r}.nama_gabung), false) THEN true
    WHEN coalesce(padan_nama_aus(${d}.nama_norm, ${r}.nama_norm), false) THEN true
    ELSE coalesce(padan_nama_aus(${r}.nama_norm, ${d}.nama_norm), false)
  END`;
}

export interface ProbabilisticResult {
  link: Pick<
    LinkResult,
    | 'candidates'
    | 'perLeftRow'
    | 'maxPerLeftRow'
    | 'droppedBlockCount'
    | 'scored'
    | 'rulePairs'
    | 'scoredLeftRows'
    | 'training'
  >;
  accepted: number;
  uncertain: number;
  /** Time per step of the linkage: kept apart from the counts, which a rerun reproduces exactly. */
  seconds: LinkResult['seconds'] & Record<string, number>;
  /** The trained model, which the linkage of DTKS rows among themselves reuses. */
  model: LinkResult['model'];
}

/**
 * Link every DTKS row to its Dukcapil candidates and decide, for the rows exact matching did not
 * confirm, whether the best candidate is the person: at or above the auto threshold and clearly
 * ahead of the runner-up it is accepted (the row's NIK is corrected); in the review band it is
 * reported as uncertain and never applied.
 */
export async function matchProbabilistic(
  db: Db,
  config: Config,
  progress?: (step: string, done: number, total: number) => void,
): Promise<ProbabilisticResult> {
  const clock = new StepClock();
  const settings = linkSettings(config);
  // Only the DTKS rows the linkage reads (those scored and its samples): at 1M, 0.4M of the rows.
  settings.left.rows = await db.count('SELECT count(*) FROM dtks');
  await clock.step('tables', async () => {
    await db.exec(leftTable(leftRowsRead(settings, 'dtks')));
    await db.exec(RIGHT_VIEW);
  });
  const result = await link(db, settings, progress);
  // Temporary tables hold memory until dropped: the comparison levels are scored by now.
  await db.exec(`DROP TABLE IF EXISTS temp.main.${sqlIdent(`${settings.prefix}_gamma`)}`);
  const { autoThreshold, reviewThreshold, minWeightMargin } = config.matching;
  await clock.step('decisions', () =>
    db.exec(`
    CREATE OR REPLACE TABLE prob_best AS
    WITH taken AS (
      -- Twins are two people: a record an exact match gave another row of this household is not
      -- this row's, unless the two rows are one person typed twice or the row's name is the record's
      -- own worn down (DOMAIN.md).
      SELECT s.l_id, s.r_id
      FROM nik_link_scores s
      JOIN dtks d ON d.id_dtks = s.l_id
      JOIN matches m ON m.dukcapil_baris = s.r_id AND m.status = 'PADAN' AND m.id_dtks <> s.l_id
      JOIN dtks h ON h.id_dtks = m.id_dtks AND h.id_keluarga = d.id_keluarga
      JOIN link_right r ON r.id = s.r_id
      WHERE NOT ${typedTwice('d', 'h')} AND NOT ${wornDownFrom('d', 'r')}
    ),
    ranked AS (
      -- Candidates with enough evidence first: a relative whose KK, desa and mother agree can outweigh
      -- the person, but a name that disagrees rules them out.
      SELECT s.l_id AS id_dtks, s.r_id AS dukcapil_baris, s.match_weight, s.match_probability, r.nik AS r_nik,
        ${acceptanceGuard('s')} AS cukup_bukti,
        row_number() OVER (PARTITION BY s.l_id ORDER BY ${acceptanceGuard('s')} DESC, s.match_weight DESC, s.r_id) AS rk
      FROM nik_link_scores s
      JOIN link_right r ON r.id = s.r_id
      ANTI JOIN taken t ON t.l_id = s.l_id AND t.r_id = s.r_id
    ),
    runner AS (
      -- The strongest other candidate that could be this person too. A copy of the best record (its
      -- NIK repeated in Dukcapil) is the same person, not a rival.
      SELECT o.id_dtks, max(o.match_weight) AS match_weight,
        arg_max(o.match_probability, o.match_weight) AS match_probability
      FROM ranked o JOIN ranked b ON b.id_dtks = o.id_dtks AND b.rk = 1
      WHERE o.rk > 1 AND o.cukup_bukti AND o.r_nik IS DISTINCT FROM b.r_nik
      GROUP BY o.id_dtks
    )
    SELECT b.id_dtks, b.dukcapil_baris, b.match_weight, b.match_probability,
      n.match_weight AS second_weight, n.match_probability AS second_probability, b.cukup_bukti,
      false AS dipakai_anggota_lain, false AS mungkin_kembar, NULL::VARCHAR AS terdaftar_di,
      CASE
        WHEN b.match_probability >= ${autoThreshold} AND b.cukup_bukti
          AND (n.match_weight IS NULL OR b.match_weight - n.match_weight >= ${minWeightMargin}) THEN 'DITERIMA'
        WHEN b.match_probability >= ${reviewThreshold} THEN 'RAGU'
        ELSE 'DITOLAK'
      END AS keputusan
    FROM ranked b LEFT JOIN runner n ON n.id_dtks = b.id_dtks
    WHERE b.rk = 1;

    -- A record an exact match already gave a row of another household goes to this row
    -- automatically only when the two rows can be one person registered twice (the same name with
    -- any birth date will do here) or the row's name is the record's own worn down; a twin
    -- registered again elsewhere under a broken NIK is neither: a person looks.
    UPDATE prob_best SET keputusan = 'RAGU', dipakai_anggota_lain = true
    WHERE keputusan = 'DITERIMA' AND id_dtks IN (
      SELECT a.id_dtks FROM prob_best a
      JOIN dtks da ON da.id_dtks = a.id_dtks
      JOIN matches m ON m.dukcapil_baris = a.dukcapil_baris AND m.status = 'PADAN' AND m.id_dtks <> a.id_dtks
      JOIN dtks db ON db.id_dtks = m.id_dtks
      JOIN link_right r ON r.id = a.dukcapil_baris
      WHERE da.nama_gabung IS DISTINCT FROM db.nama_gabung
        AND NOT ${typedTwice('da', 'db')} AND NOT ${wornDownFrom('da', 'r')}
        AND a.id_dtks NOT IN (SELECT id_dtks FROM matches WHERE status = 'PADAN'));

    -- A member born the same day as another member of the household who is not this person (a
    -- twin, DOMAIN.md) is taken automatically only for a record whose name is the row's own, or
    -- its worn-down form: a name merely like the record's may be the twin's.
    UPDATE prob_best SET keputusan = 'RAGU', mungkin_kembar = true
    WHERE keputusan = 'DITERIMA' AND id_dtks IN (
      SELECT a.id_dtks FROM prob_best a
      JOIN dtks da ON da.id_dtks = a.id_dtks
      JOIN link_right r ON r.id = a.dukcapil_baris
      -- A join, not EXISTS: DuckDB does not bind the macros' lambdas inside a correlated subquery.
      JOIN dtks db ON db.id_keluarga = da.id_keluarga AND db.id_dtks <> da.id_dtks AND db.tgl_lahir = da.tgl_lahir
      WHERE NOT ${wornDownFrom('da', 'r')}
        AND a.id_dtks NOT IN (SELECT id_dtks FROM matches WHERE status = 'PADAN')
        AND NOT ${typedTwice('da', 'db')});

    -- One record, one person: when two rows (of any household) that are not one person would both
    -- take the same record, the weaker goes to review unless its name is the record's own worn
    -- down (a member listed again as WIWI next to DEWI).
    UPDATE prob_best SET keputusan = 'RAGU', dipakai_anggota_lain = true
    WHERE id_dtks IN (
      SELECT a.id_dtks FROM prob_best a
      JOIN dtks da ON da.id_dtks = a.id_dtks
      JOIN link_right r ON r.id = a.dukcapil_baris
      JOIN prob_best b ON b.dukcapil_baris = a.dukcapil_baris AND b.id_dtks <> a.id_dtks AND b.keputusan = 'DITERIMA'
      JOIN dtks db ON db.id_dtks = b.id_dtks
      WHERE a.keputusan = 'DITERIMA'
        AND (b.match_weight > a.match_weight OR (b.match_weight = a.match_weight AND b.id_dtks < a.id_dtks))
        AND NOT ${typedTwice('da', 'db')} AND NOT ${wornDownFrom('da', 'r')}
        AND a.id_dtks NOT IN (SELECT id_dtks FROM matches WHERE status = 'PADAN')
        AND b.id_dtks NOT IN (SELECT id_dtks FROM matches WHERE status = 'PADAN'));

    -- One person registered twice: the record is held (by an exact match, or accepted above) by a
    -- row of another household that this row is typed from (the same name up to a slip), or this
    -- row's name is the record's own worn down, with the mother's name and a birth date not plainly
    -- different. Such a person is usually registered in two places with two KKs, so the region and
    -- the KK that differ say nothing against the pair here (as between two DTKS rows, link-dtks.ts):
    -- without their penalty the pair must still reach the bar, clearly ahead of any other
    -- candidate. The row then takes the record's NIK and duplicate.same_nik keeps one of the two.
    -- A member born the same day as another of its household (a twin) needs its name worn down
    -- from the record's, as above.
    UPDATE prob_best SET keputusan = 'DITERIMA', terdaftar_di = g.holder, match_probability = g.p
    FROM (
      WITH holders AS (
        SELECT id_dtks, dukcapil_baris FROM matches WHERE status = 'PADAN'
        UNION ALL SELECT id_dtks, dukcapil_baris FROM prob_best WHERE keputusan = 'DITERIMA'),
      born_with AS (
        SELECT DISTINCT da.id_dtks FROM prob_best a
        JOIN dtks da ON da.id_dtks = a.id_dtks
        JOIN dtks dt ON dt.id_keluarga = da.id_keluarga AND dt.id_dtks <> da.id_dtks AND dt.tgl_lahir = da.tgl_lahir
        WHERE a.keputusan = 'RAGU' AND NOT ${typedTwice('da', 'dt')})
      SELECT a.id_dtks, min(h.id_dtks) AS holder,
        any_value(1 / (1 + pow(2, -${weightPlaceAside('s')}))) AS p
      FROM prob_best a
      JOIN nik_link_scores s ON s.l_id = a.id_dtks AND s.r_id = a.dukcapil_baris
      JOIN dtks da ON da.id_dtks = a.id_dtks
      JOIN holders h ON h.dukcapil_baris = a.dukcapil_baris AND h.id_dtks <> a.id_dtks
      JOIN dtks db ON db.id_dtks = h.id_dtks AND db.id_keluarga <> da.id_keluarga
      JOIN link_right r ON r.id = a.dukcapil_baris
      WHERE a.keputusan = 'RAGU'
        AND (a.second_weight IS NULL OR a.match_weight - a.second_weight >= ${minWeightMargin})
        AND ${registeredTwiceEvidence('s')}
        AND (${wornDownFrom('da', 'r')}
          OR (${typedTwice('da', 'db')} AND a.id_dtks NOT IN (SELECT id_dtks FROM born_with)))
        AND a.id_dtks NOT IN (SELECT id_dtks FROM matches WHERE status = 'PADAN')
      GROUP BY a.id_dtks) g
    WHERE prob_best.id_dtks = g.id_dtks AND g.p >= ${autoThreshold};

    -- Rows exact matching did not confirm take an accepted probabilistic match.
    UPDATE matches SET status = 'PADAN', dukcapil_baris = p.dukcapil_baris, yakin = round(p.match_probability, 4),
      metode = 'PROBABILISTIK'
    FROM prob_best p JOIN dukcapil c ON c._baris = p.dukcapil_baris
    WHERE matches.id_dtks = p.id_dtks AND matches.status <> 'PADAN' AND p.keputusan = 'DITERIMA';
    INSERT INTO matches (id_dtks, nik, status, dukcapil_baris, yakin, metode)
    SELECT p.id_dtks, NULL, 'PADAN', p.dukcapil_baris, round(p.match_probability, 4), 'PROBABILISTIK'
    FROM prob_best p WHERE p.keputusan = 'DITERIMA' AND p.id_dtks NOT IN (SELECT id_dtks FROM matches);
    -- The run has no more use for the temporary copy; the stored view stays for explain.
    DROP TABLE temp.main.link_right;
    ${KEEP_SCORED_LEFT}`),
  );
  const counts = await db.one<{ accepted: number; uncertain: number }>(`
    SELECT count(*) FILTER (WHERE metode = 'PROBABILISTIK') AS accepted,
      (SELECT count(*) FROM prob_best p WHERE p.keputusan = 'RAGU'
         AND p.id_dtks NOT IN (SELECT id_dtks FROM matches WHERE status = 'PADAN')) AS uncertain
    FROM matches`);
  return {
    link: {
      candidates: result.candidates,
      perLeftRow: result.perLeftRow,
      maxPerLeftRow: result.maxPerLeftRow,
      droppedBlockCount: result.droppedBlockCount,
      scored: result.scored,
      rulePairs: result.rulePairs,
      scoredLeftRows: result.scoredLeftRows,
      training: result.training,
    },
    accepted: counts?.accepted ?? 0,
    uncertain: counts?.uncertain ?? 0,
    seconds: { ...result.seconds, ...clock.seconds },
    model: result.model,
  };
}

const COMPARISON_TITLES: Record<string, string> = {
  nama: 'nama',
  tgl_lahir: 'tgl lahir',
  jenis_kelamin: 'jenis kelamin',
  nama_ibu: 'nama ibu',
  wilayah: 'wilayah',
  nik: 'NIK',
  kk: 'KK',
  kk_keluarga: 'KK keluarga',
};

/**
 * SQL text over a row of `nik_link_scores` (alias `s`) that spells the match-weight waterfall in
 * Indonesian: each comparison's level and its weight in bits. Levels carry no value of anyone, only
 * how the values compare, so the text is safe in review files.
 */
export function waterfallSql(alias = 's'): string {
  const parts = COMPARISONS.map((c) => {
    const labels = c.levels
      .map((l, i) => `WHEN ${c.levels.length - i} THEN '${l.label.replaceAll("'", "''")}'`)
      .join(' ');
    const title = COMPARISON_TITLES[c.name] ?? c.name;
    return `'${title}: ' || CASE ${alias}.${c.name}_level ${labels} WHEN 0 THEN 'berbeda' ELSE 'tidak ada data' END ||
      ' (' || CASE WHEN ${alias}.${c.name}_weight >= 0 THEN '+' ELSE '' END || CAST(round(${alias}.${c.name}_weight, 1) AS VARCHAR) || ')'`;
  });
  return `concat_ws('; ', ${parts.join(', ')})`;
}

/** Each comparison level as an operator reads it (gamma → words); `else` and missing data below. */
const PLAIN: Record<string, { levels: string[]; differs?: string }> = {
  nama: {
    levels: [
      'nama sama',
      'nama sama (beda spasi)',
      'nama sangat mirip',
      'nama yang satu memuat yang lain',
      'nama mirip',
      'nama panggilan dari nama yang lain',
      'hanya bunyi nama depan yang sama',
    ],
    differs: 'nama berbeda',
  },
  tgl_lahir: {
    levels: [
      'tanggal lahir sama',
      'hari dan bulan lahir tertukar',
      'tahun lahir beda satu',
      'tahun lahir sama (tanggal baku)',
      'bulan dan tahun lahir sama',
    ],
    differs: 'tanggal lahir berbeda',
  },
  jenis_kelamin: { levels: ['jenis kelamin sama'], differs: 'jenis kelamin berbeda' },
  nama_ibu: { levels: ['nama ibu sama', 'nama ibu mirip'], differs: 'nama ibu berbeda' },
  wilayah: {
    levels: ['desa sama', 'kecamatan sama (desa lain)', 'kabupaten/kota sama', 'provinsi sama'],
    differs: 'wilayah berbeda',
  },
  nik: {
    levels: [
      'NIK sama',
      'NIK beda satu angka',
      'dua angka NIK bertukar',
      'NIK hanya beda tiga angka terakhir (000)',
      'kode wilayah dan tanggal dalam NIK sama',
      'awal NIK (rusak oleh Excel) sama',
    ],
    differs: 'NIK berbeda',
  },
  // A family card changes with every move or split: a different one is no evidence worth reading.
  kk: { levels: ['Nomor KK sama'] },
  kk_keluarga: { levels: ['ada di KK keluarganya di Dukcapil'] },
};

/**
 * SQL text over a row of `nik_link_scores` (alias `s`) that says in plain Indonesian what agrees
 * and what differs ("nama mirip, tanggal lahir sama, nama ibu berbeda"), agreements first. Like the
 * waterfall it names no value of anyone, only how the values compare.
 */
export function plainEvidenceSql(alias = 's'): string {
  // By level, not by weight: an agreement is an agreement even where the model, on little data,
  // weighs it below zero.
  const said = (agree: boolean) =>
    COMPARISONS.map((c) => {
      const plain = PLAIN[c.name];
      if (!plain) return null;
      const level = `${alias}.${c.name}_level`;
      if (!agree) return plain.differs ? `CASE WHEN ${level} = 0 THEN '${plain.differs}' END` : null;
      const whens = plain.levels.map((text, i) => `WHEN ${c.levels.length - i} THEN '${text}'`).join(' ');
      return `CASE ${level} ${whens} END`;
    })
      .filter((x) => x !== null)
      .join(', ');
  return `array_to_string(list_filter([${said(true)}, ${said(false)}], x -> x IS NOT NULL), ', ')`;
}

/** A probability as an operator reads it: "87,5%", rounded down so that 0.9996 never shows as 100. */
export function percentSql(p: string): string {
  return `replace(CAST(floor(${p} * 1000) / 10 AS VARCHAR), '.', ',') || '%'`;
}
