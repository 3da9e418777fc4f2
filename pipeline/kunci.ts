import type { Db } from './db.js';

/**
 * `KUNCI`, the key of one finding (SPEC §5): its rule, its `id_dtks` and a short hash of what the
 * finding rests on. An operator's decision is stored under it and honoured while it holds; when
 * the values underneath change (a new Dukcapil extract says otherwise, the row is edited in
 * SIKS-NG), the key changes and the old decision no longer applies.
 *
 * What goes into the hash:
 * - the finding's own facts: rule, reason, field, old and new value, the row kept, the desa moved to;
 * - the DTKS row as typed (identity, family card, region, mother's name, relationship);
 * - the Dukcapil record it rests on, as typed: the candidate it points at, else the row's match;
 * - the evidence text, except for the matching rules (NIK recovery and the DTKS-only duplicates)
 *   and region.outlier, whose evidence quotes model probabilities or a region's rates that move
 *   from month to month although nothing about the person (or the region's finding) changed.
 *
 * Not the line number (rows move in the file from month to month) nor a confidence. Erring towards
 * a changed key is the safe side: a stale decision only means the finding is shown again.
 */
export const KUNCI_HASH_LENGTH = 10;

/**
 * Rules whose evidence carries numbers that move from month to month (probabilities, weights, a
 * region's rates): left out of the hash. A region outlier's key is its region and rate's name.
 */
const MODEL_EVIDENCE_RULES = [
  'match.uncertain',
  'nik.corrected',
  'duplicate.dtks_only',
  'duplicate.uncertain',
  'region.outlier',
];

const RAW_DTKS = [
  'nik',
  'nama',
  'tgl_lahir',
  'jenis_kelamin',
  'no_kk',
  'provinsi',
  'kabupaten',
  'kecamatan',
  'desa',
  'kode_wilayah',
  'nama_ibu_kandung',
  'hubungan',
];
const RAW_DUKCAPIL = [
  'nik',
  'no_kk',
  'nama',
  'tgl_lahir',
  'jenis_kelamin',
  'nama_ibu_kandung',
  'no_prop',
  'no_kab',
  'no_kec',
  'no_kel',
  'stat_hidup',
  'tgl_kematian',
];

/** Store the rules' findings as `main.findings`, each with its `kunci`. */
export async function assignKunci(db: Db): Promise<void> {
  const part = (e: string) => `coalesce(CAST(${e} AS VARCHAR), '')`;
  const basis = [
    'f.rule',
    'f.reason',
    'f.field',
    'f.old_value',
    'f.new_value',
    'f.kept_id_dtks',
    'f.moved_to',
    'f.wilayah',
    ...RAW_DTKS.map((c) => `r.${c}`),
    ...RAW_DUKCAPIL.map((c) => `rc.${c}`),
    `CASE WHEN f.rule NOT IN (${MODEL_EVIDENCE_RULES.map((r) => `'${r}'`).join(', ')}) THEN f.evidence END`,
  ].map(part);
  // The raw rows the findings rest on are picked before they are joined: joined whole, the hash
  // tables held every raw row of both inputs (at 1M, 2.96 s against 2.44 s for the same table).
  await db.exec(`
    CREATE OR REPLACE TABLE main.findings AS
    WITH fd AS (
      SELECT f.*, d._baris AS d_baris, coalesce(f.candidate_baris, m.dukcapil_baris) AS rc_baris
      FROM temp.main.findings f
      -- A finding about a region (REGION_OUTLIER) has no row: its key is its region and rate.
      LEFT JOIN dtks d ON d.id_dtks = f.id_dtks
      LEFT JOIN matches m ON m.id_dtks = f.id_dtks AND m.status = 'PADAN'
    ),
    r AS (SELECT * FROM raw_dtks WHERE _baris IN (SELECT d_baris FROM fd)),
    rc AS (SELECT * FROM raw_dukcapil WHERE _baris IN (SELECT rc_baris FROM fd))
    SELECT f.* EXCLUDE (kunci, d_baris, rc_baris),
      f.rule || ':' || coalesce(f.id_dtks, f.wilayah) || ':' || left(sha256(concat_ws(chr(31), ${basis.join(', ')})), ${KUNCI_HASH_LENGTH}) AS kunci
    FROM fd f
    LEFT JOIN r ON r._baris = f.d_baris
    LEFT JOIN rc ON rc._baris = f.rc_baris
    ORDER BY f.d_baris NULLS LAST, f.wilayah, f.rule, f.field NULLS FIRST, f.evidence;
    -- The rules' findings, in memory until now (FINDINGS_DDL): from here on \`findings\` is the stored table.
    DROP TABLE temp.main.findings`);
}
