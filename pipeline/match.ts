import type { Config } from './config.js';
import type { Db } from './db.js';

/**
 * SQL macros that compare two people. They are used for the DTKS–Dukcapil join on NIK and for
 * DTKS rows that share a NIK, so "the same identity" means one thing everywhere.
 */
export function identityMacros(config: Config): string {
  const { nameStrong, nameWeak } = config.identity;
  return `
  -- Name agreement in [0, 1]: the best of the whole normalised name, the name with spaces removed
  -- (NURHAYATI / NUR HAYATI) and token containment (a dropped token: SITI AMINAH / SITI).
  CREATE OR REPLACE MACRO padan_nama_mirip(a, b) AS CASE
    WHEN a IS NULL OR b IS NULL OR a = '' OR b = '' THEN NULL
    WHEN a = b THEN 1.0
    ELSE greatest(
      jaro_winkler_similarity(a, b),
      jaro_winkler_similarity(replace(a, ' ', ''), replace(b, ' ', '')),
      CASE WHEN least(len(string_split(a, ' ')), len(string_split(b, ' '))) >= 2
             AND (list_has_all(string_split(a, ' '), string_split(b, ' '))
               OR list_has_all(string_split(b, ' '), string_split(a, ' '))) THEN 0.92
           ELSE 0 END)
  END;
  -- Whether the one-token name x is a call name (nama panggilan) of the name b, DOMAIN.md: the end
  -- of one of b's tokens (PARMAN: SUPARMAN, YATI: NURHAYATI, ANI: MAHARANI), that end after an I
  -- (IWAN: RIDWAN) or with its first syllable doubled (WAWAN: HERMAWAN, DIDI: RUSDI). An end of
  -- three letters only from a token at least two letters longer; shorter is part of too many names.
  -- Every such end contains x from its third letter on: that cheap test comes first, as the lambda
  -- over b's tokens is the dearest comparison of all and nearly every pair fails the test.
  CREATE OR REPLACE MACRO padan_panggilan(x, b) AS CASE
    WHEN x IS NULL OR b IS NULL OR len(x) < 3 OR NOT contains(b, substr(x, 3)) THEN false
    ELSE coalesce(list_bool_or(list_transform(
    string_split(b, ' '), t -> t <> x AND (
      (len(t) >= len(x) + CASE WHEN len(x) = 3 THEN 2 ELSE 1 END AND ends_with(t, x))
      OR (len(x) >= 4 AND left(x, 1) = 'I' AND len(t) >= len(x) AND ends_with(t, substr(x, 2)))
      OR (len(x) >= 4 AND left(x, 2) = left(substr(x, 3), 2) AND len(t) > len(x) - 2 AND ends_with(t, substr(x, 3)))))), false)
  END;
  -- Birth-date agreement level. The near levels are the typing slips seen in DTKS: day and month
  -- swapped, the year off by one, or a default date (31 Dec, 1 Jul, the 15th) standing for an
  -- unknown day in the same year.
  CREATE OR REPLACE MACRO padan_tanggal_level(a, b) AS CASE
    WHEN a IS NULL OR b IS NULL THEN 'KOSONG'
    WHEN a = b THEN 'SAMA'
    WHEN year(a) = year(b) AND month(a) = day(b) AND day(a) = month(b) THEN 'TERTUKAR'
    WHEN month(a) = month(b) AND day(a) = day(b) AND abs(year(a) - year(b)) = 1 THEN 'TAHUN_BEDA_1'
    WHEN year(a) = year(b) AND (strftime(a, '%m-%d') IN ('12-31', '07-01') OR day(a) = 15
                             OR strftime(b, '%m-%d') IN ('12-31', '07-01') OR day(b) = 15) THEN 'TANGGAL_BAKU'
    ELSE 'BERBEDA'
  END;
  -- The same person? Strong name agreement with a birth date that is not plainly different, or
  -- weaker name agreement (typos, initials) with the exact birth date. Sex must agree unless the
  -- name and date are both exact (sex codes are often mistyped in DTKS).
  CREATE OR REPLACE MACRO padan_identitas_sama(nama_mirip, tgl_level, jk_a, jk_b) AS
    coalesce(
      (jk_a IS NULL OR jk_b IS NULL OR jk_a = jk_b OR (nama_mirip >= 0.97 AND tgl_level = 'SAMA'))
      AND ((nama_mirip >= ${nameStrong} AND tgl_level <> 'BERBEDA')
        OR (nama_mirip >= ${nameWeak} AND tgl_level = 'SAMA')),
      false);
  -- Whether the name a is b worn down the way operators wear names down: every token of a is a
  -- token of b, its initial, its call name or it with one slip (SETIA B, SHEENAZ, RIZI, SUKARON for
  -- SETIA BAGAS, SHEENAZ SAPUTRI, FARIZI, SUKARNO), a token a repeats as often in b. A twin's name
  -- has a token of its own.
  -- A CASE asks the tests in turn (DuckDB computes every operand of an OR outside a filter), and
  -- the edit distance, the dearest, only of tokens whose lengths allow one slip: twice as fast over
  -- prob_best's pairs, the same answers.
  CREATE OR REPLACE MACRO padan_token_aus(x, t) AS CASE
    WHEN x = t THEN true
    WHEN len(x) = 1 THEN left(t, 1) = x
    WHEN padan_panggilan(x, t) THEN true
    WHEN len(x) >= 4 AND abs(len(x) - len(t)) <= 1 THEN damerau_levenshtein(x, t) <= 1
    ELSE false
  END;
  CREATE OR REPLACE MACRO padan_nama_aus(a, b) AS coalesce(list_bool_and(list_transform(
    list_distinct(string_split(a, ' ')),
    x -> len(list_filter(string_split(a, ' '), y -> y = x))
      <= len(list_filter(string_split(b, ' '), t -> padan_token_aus(x, t))))), false);
  -- Two names one slip apart: one letter in eight (at least one), spaces aside as the joined forms
  -- are given; a swap of two letters is one slip. The edit distance is at least the difference in
  -- length, so names whose lengths differ by more are not measured (four times as fast over
  -- prob_best's pairs, the same answers).
  CREATE OR REPLACE MACRO padan_nama_selip(gabung_a, gabung_b) AS CASE
    WHEN abs(len(gabung_a) - len(gabung_b)) > greatest(1, least(len(gabung_a), len(gabung_b)) // 8) THEN false
    ELSE damerau_levenshtein(gabung_a, gabung_b) <= greatest(1, least(len(gabung_a), len(gabung_b)) // 8)
  END;
  -- Two DTKS rows typed from one person by their names alone: a birth date that is not plainly
  -- different and the same name, or, with the same sex, a name one slip away.
  -- In turn, as a CASE: most pairs asked (another member's record) have plainly different dates.
  CREATE OR REPLACE MACRO padan_ketik_ulang(gabung_a, gabung_b, tgl_a, tgl_b, jk_a, jk_b) AS CASE
    WHEN padan_tanggal_level(tgl_a, tgl_b) = 'BERBEDA' THEN false
    WHEN gabung_a = gabung_b THEN true
    WHEN jk_a IS NOT NULL AND jk_b IS NOT NULL AND jk_a <> jk_b THEN false
    ELSE coalesce(padan_nama_selip(gabung_a, gabung_b), false)
  END;
  -- Two DTKS rows of one household are one person typed twice only when typed from one person, or,
  -- with the same sex and a birth date not plainly different, one name is worn down from the other.
  -- Twins share everything else, and their names often share all tokens but one.
  CREATE OR REPLACE MACRO padan_satu_orang(nama_a, nama_b, gabung_a, gabung_b, tgl_a, tgl_b, jk_a, jk_b) AS coalesce(
    padan_ketik_ulang(gabung_a, gabung_b, tgl_a, tgl_b, jk_a, jk_b)
    OR (padan_tanggal_level(tgl_a, tgl_b) <> 'BERBEDA' AND (jk_a IS NULL OR jk_b IS NULL OR jk_a = jk_b)
      AND (padan_nama_aus(nama_a, nama_b) OR padan_nama_aus(nama_b, nama_a))), false);
  -- How sure the identity is, for the confidence of field corrections.
  CREATE OR REPLACE MACRO padan_identitas_yakin(nama_mirip, tgl_level) AS round(CASE
    WHEN nama_mirip >= 0.97 AND tgl_level = 'SAMA' THEN 0.99
    WHEN nama_mirip >= ${nameStrong} AND tgl_level = 'SAMA' THEN 0.97
    WHEN tgl_level = 'SAMA' THEN 0.9
    WHEN nama_mirip >= 0.97 THEN 0.9
    ELSE 0.85 END, 2);
  `;
}

export interface MatchResult {
  matched: number;
  confirmed: number;
  mismatched: number;
  notFound: number;
  dukcapilRepeatedNiks: number;
}

/**
 * Exact reconciliation: join every DTKS row with a well-formed NIK to Dukcapil on the NIK and judge
 * whether the record is the same person. Writes `matches` (one row per DTKS row with a usable NIK).
 */
export async function matchExact(db: Db, config: Config): Promise<MatchResult> {
  await db.exec(identityMacros(config));
  // The count of each NIK is temporary: `matches` carries it per row (see WORKING_SCHEMA in db.ts).
  await db.exec(`
    CREATE OR REPLACE TEMP TABLE dukcapil_nik_count AS
    SELECT nik, count(*) AS n FROM dukcapil WHERE nik_bentuk = 'ANGKA16' GROUP BY nik;

    CREATE OR REPLACE TABLE matches AS
    WITH usable AS (
      SELECT * FROM dtks WHERE nik_bentuk = 'ANGKA16' AND NOT padan_nik_placeholder(nik)
    ),
    pairs AS (
      SELECT d.id_dtks, d.nik, c._baris AS dukcapil_baris,
        padan_nama_mirip(d.nama_norm, c.nama_norm) AS nama_mirip,
        padan_tanggal_level(d.tgl_lahir, c.tgl_lahir) AS tgl_level,
        (d.jenis_kelamin IS NOT DISTINCT FROM c.jenis_kelamin) AS jk_sama,
        padan_identitas_sama(padan_nama_mirip(d.nama_norm, c.nama_norm),
          padan_tanggal_level(d.tgl_lahir, c.tgl_lahir), d.jenis_kelamin, c.jenis_kelamin) AS identitas_sama
      FROM usable d JOIN dukcapil c ON c.nik = d.nik AND c.nik_bentuk = 'ANGKA16'
    ),
    best AS (
      -- A NIK repeated in Dukcapil: take the record that is this person, then the closest name.
      SELECT * FROM pairs
      QUALIFY row_number() OVER (PARTITION BY id_dtks
        ORDER BY identitas_sama DESC, nama_mirip DESC NULLS LAST, dukcapil_baris) = 1
    )
    SELECT u.id_dtks, u.nik,
      CASE WHEN b.id_dtks IS NULL THEN 'TIDAK_DITEMUKAN'
           WHEN b.identitas_sama THEN 'PADAN'
           ELSE 'BEDA_ORANG' END AS status,
      b.dukcapil_baris, b.nama_mirip, b.tgl_level, b.jk_sama,
      CASE WHEN b.identitas_sama THEN padan_identitas_yakin(b.nama_mirip, b.tgl_level) END AS yakin,
      coalesce(k.n, 0) AS dukcapil_nik_n,
      CASE WHEN b.identitas_sama THEN 'TEPAT' END AS metode
    FROM usable u
    LEFT JOIN best b USING (id_dtks)
    LEFT JOIN dukcapil_nik_count k ON k.nik = u.nik
    ORDER BY u._baris;

    -- Twins are two people: when rows of one household that are not one person typed twice are
    -- confirmed to the same record (a twin carrying the other's NIK, their names alike), the row
    -- whose name agrees best keeps it; the other's NIK is someone else's, and matching looks further.
    UPDATE matches SET status = 'BEDA_ORANG', yakin = NULL, metode = NULL
    WHERE id_dtks IN (
      SELECT a.id_dtks FROM matches a
      JOIN dtks da ON da.id_dtks = a.id_dtks
      JOIN matches b ON b.dukcapil_baris = a.dukcapil_baris AND b.id_dtks <> a.id_dtks AND b.status = 'PADAN'
      JOIN dtks db ON db.id_dtks = b.id_dtks AND db.id_keluarga = da.id_keluarga
      WHERE a.status = 'PADAN' AND NOT padan_satu_orang(da.nama_norm, db.nama_norm, da.nama_gabung, db.nama_gabung, da.tgl_lahir, db.tgl_lahir,
          da.jenis_kelamin, db.jenis_kelamin)
        AND (b.nama_mirip > a.nama_mirip OR (b.nama_mirip = a.nama_mirip AND db._baris < da._baris)));

    -- A NIK repeated in Dukcapil with the same identity is one person recorded twice: its copies
    -- stand for the first record, so rows linked to either copy are the same person.
    CREATE OR REPLACE TABLE dukcapil_salinan AS
    WITH rep AS (
      SELECT c._baris, c.nik, c.nama_norm, c.tgl_lahir, c.jenis_kelamin FROM dukcapil c
      JOIN dukcapil_nik_count k ON k.nik = c.nik AND k.n > 1 WHERE c.nik_bentuk = 'ANGKA16'
    ),
    first AS (SELECT nik, min(_baris) AS pertama FROM rep GROUP BY nik)
    SELECT r._baris, f.pertama AS orang_baris
    FROM rep r JOIN first f USING (nik) JOIN rep p ON p._baris = f.pertama
    WHERE r._baris <> f.pertama
      AND padan_identitas_sama(padan_nama_mirip(r.nama_norm, p.nama_norm), padan_tanggal_level(r.tgl_lahir, p.tgl_lahir),
        r.jenis_kelamin, p.jenis_kelamin)
    ORDER BY r._baris;`);
  const counts = await db.one<Record<string, number>>(`
    SELECT count(*) AS matched,
      count(*) FILTER (WHERE status = 'PADAN') AS confirmed,
      count(*) FILTER (WHERE status = 'BEDA_ORANG') AS mismatched,
      count(*) FILTER (WHERE status = 'TIDAK_DITEMUKAN') AS not_found,
      (SELECT count(*) FROM dukcapil_nik_count WHERE n > 1) AS repeated
    FROM matches`);
  return {
    matched: counts?.matched ?? 0,
    confirmed: counts?.confirmed ?? 0,
    mismatched: counts?.mismatched ?? 0,
    notFound: counts?.not_found ?? 0,
    dukcapilRepeatedNiks: counts?.repeated ?? 0,
  };
}

/**
 * The view every detection rule reads: each DTKS row with the Dukcapil record it was confirmed to
 * be (columns prefixed `dc_`), or NULLs.
 */
export const MATCHED_VIEW = `
CREATE OR REPLACE VIEW dtks_padan AS
SELECT d.*, x.status AS padan_status, x.metode AS padan_metode, x.yakin, x.nama_mirip, x.tgl_level,
  x.dukcapil_baris AS dc_baris, x.dc_orang,
  x.dc_nik, x.dc_no_kk, x.dc_nama, x.dc_nama_norm, x.dc_tgl_lahir, x.dc_jenis_kelamin, x.dc_nama_ibu_kandung,
  x.dc_kode_desa, x.dc_stat_hidup, x.dc_tgl_kematian
FROM dtks d
-- matches holds at most one row per DTKS row, so its record is joined inside, once: joining matches
-- a second time for the confirmed record cost eight rules a join of a million rows each (0.1-0.2 s
-- a read at 1M, the same rows). An equality on the left side's value: a status test in the ON
-- clause would force a nested-loop join.
LEFT JOIN (
  SELECT m.id_dtks, m.status, m.metode, m.yakin, m.nama_mirip, m.tgl_level, m.dukcapil_baris,
    coalesce(sal.orang_baris, m.dukcapil_baris) AS dc_orang,
    c.nik AS dc_nik, c.no_kk AS dc_no_kk, c.nama AS dc_nama, c.nama_norm AS dc_nama_norm,
    c.tgl_lahir AS dc_tgl_lahir, c.jenis_kelamin AS dc_jenis_kelamin, c.nama_ibu_kandung AS dc_nama_ibu_kandung,
    c.kode_desa AS dc_kode_desa, c.stat_hidup AS dc_stat_hidup, c.tgl_kematian AS dc_tgl_kematian
  FROM matches m
  LEFT JOIN dukcapil c ON c._baris = CASE WHEN m.status = 'PADAN' THEN m.dukcapil_baris END
  LEFT JOIN dukcapil_salinan sal ON sal._baris = c._baris
) x ON x.id_dtks = d.id_dtks`;
