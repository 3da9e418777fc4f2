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
  await db.exec(`
    CREATE OR REPLACE TABLE dukcapil_nik_count AS
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
    ORDER BY u._baris;`);
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
SELECT d.*, m.status AS padan_status, m.metode AS padan_metode, m.yakin, m.nama_mirip, m.tgl_level,
  m.dukcapil_baris AS dc_baris,
  c.nik AS dc_nik, c.no_kk AS dc_no_kk, c.nama AS dc_nama, c.nama_norm AS dc_nama_norm,
  c.tgl_lahir AS dc_tgl_lahir, c.jenis_kelamin AS dc_jenis_kelamin, c.nama_ibu_kandung AS dc_nama_ibu_kandung,
  c.kode_desa AS dc_kode_desa, c.stat_hidup AS dc_stat_hidup, c.tgl_kematian AS dc_tgl_kematian
FROM dtks d
LEFT JOIN matches m ON m.id_dtks = d.id_dtks
-- The status test sits in the subquery: in the LEFT JOIN's condition it forces a nested-loop join.
LEFT JOIN (SELECT pm.id_dtks AS padan_id, dc.* FROM matches pm JOIN dukcapil dc ON dc._baris = pm.dukcapil_baris
           WHERE pm.status = 'PADAN') c ON c.padan_id = d.id_dtks`;
