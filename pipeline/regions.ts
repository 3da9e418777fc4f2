import { defineRegionMacros, loadRegionReference, RegionReferenceError } from '../connectors/regions.js';
import { type Db, sqlIdent, sqlString } from './db.js';
import { InputError } from './errors.js';
import { installParseMacros } from './parse.js';

/**
 * The region reference loaded (`loadRegionReference`): a list given with `--regions` that cannot be
 * read is the user's input, named by the option; padan's own list failing stays an internal error.
 */
export async function loadRegions(db: Db, dir: string | undefined): Promise<void> {
  await loadRegionReference(db, dir).catch((error: unknown) => {
    if (dir !== undefined && error instanceof RegionReferenceError) {
      throw new InputError(`--regions ${dir}: ${error.message}`, error.file);
    }
    throw error;
  });
}

export interface ResolveRegionsOptions {
  /** Table with text columns id_dtks, provinsi, kabupaten, kecamatan, desa, kode_wilayah. */
  source: string;
  /** Output table; default `region_resolution`. */
  target?: string;
  /** Accept a unique close spelling when no name matches exactly (default true). */
  fuzzy?: boolean;
}

export interface ResolveRegionsResult {
  rows: number;
  resolved: number;
  invalid: number;
  /** RESOLVED rows by `metode`. */
  byMethod: Record<string, number>;
}

/**
 * How a RESOLVED row was resolved (`metode`); INVALID rows have metode NULL.
 * - NAMA: every level's name matched exactly (after normalisation), no code given.
 * - NAMA_MIRIP: as NAMA, but at least one level was accepted as a close spelling.
 * - NAMA_LAMA: as NAMA, but the kab/kota was named under its province from before a split
 *   (PAPUA + MERAUKE, now Papua Selatan).
 * - NAMA_KODE: names and KODE WILAYAH agree (the code may have picked one of several
 *   same-named candidates).
 * - KODE: the names stopped resolving part-way, the code lies inside every level that did.
 */
export const REGION_METHODS = ['NAMA', 'NAMA_MIRIP', 'NAMA_LAMA', 'NAMA_KODE', 'KODE'] as const;
export type RegionMethod = (typeof REGION_METHODS)[number];

/**
 * Close-spelling rule, tuned on the 2025 list (every desa typo'd by one deletion, insertion,
 * substitution or swap, and every desa hidden from its own kecamatan to see what it would be
 * wrongly merged into):
 * - Jaro-Winkler >= 0.93 on the key and 0.02 clear of the best differently-keyed sibling;
 * - Damerau-Levenshtein on the spaceless key <= 1 (<= 2 from 10 letters on), so SUKA JAYA never
 *   becomes SUKA RAJA and PONDOK JAYA never PONDOK KARYA;
 * - the same marker tokens (numbers, single letters, directions: HUTASOIT 1 / HUTASOIT 2,
 *   BARABAI BARAT / BARABAI UTARA, JATISAWIT / JATISAWIT LOR);
 * - at least 4 letters, and never below a level that was left empty (the pool is too wide).
 * Measured on every desa of the list: 87% of one-edit typos are recovered (swap 98%, insertion 96%,
 * deletion 87%, substitution 65%, old Y->J spelling 85%), 0.02% go to a wrong sibling; a real name
 * missing from its kecamatan's list would be merged into a sibling for 0.35% of desa (0.16% of
 * kecamatan). 0.92 adds a third more wrong merges; 0.95 loses half the substitutions.
 */
export const FUZZY_RULE = { minSimilarity: 0.93, minMargin: 0.02, minLength: 4 } as const;

interface Level {
  no: 1 | 2 | 3 | 4;
  name: 'provinsi' | 'kabupaten' | 'kecamatan' | 'desa';
  /** Length of a dotted code of this level. */
  len: number;
  /** Label used in messages when the input gives no type. */
  label: string;
  /** An empty name at this level may stand for "any child" when the level above was named. */
  wildcard: boolean;
}

const LEVELS: readonly Level[] = [
  { no: 1, name: 'provinsi', len: 2, label: 'Provinsi', wildcard: true },
  { no: 2, name: 'kabupaten', len: 5, label: 'Kab/Kota', wildcard: true },
  { no: 3, name: 'kecamatan', len: 8, label: 'Kecamatan', wildcard: true },
  { no: 4, name: 'desa', len: 13, label: 'Desa/Kelurahan', wildcard: false },
];

/** Match tiers, best first; a tuple keeps only the candidates of its best tier at each level. */
const TIER = { WILDCARD: 0, TEKS: 1, KUNCI: 2, RAPAT: 3, LAMA: 4, MIRIP: 5 } as const;

const REQUIRED_COLUMNS = ['id_dtks', 'provinsi', 'kabupaten', 'kecamatan', 'desa', 'kode_wilayah'];

/**
 * Resolve the region names (and KODE WILAYAH) of `source` against the loaded Kemendagri reference
 * (`loadRegionReference` must have run on this database) into `target`: one row per source row,
 * `id_dtks, kode_desa, kode_kecamatan, kode_kabupaten, kode_provinsi, metode, status, masalah`.
 *
 * `status` is RESOLVED when the row leads to exactly one current desa, else INVALID (kode_desa
 * NULL, higher levels filled when they are certain). `masalah` explains problems, and notes
 * corrections on RESOLVED rows (close spelling, empty level filled, code used); NULL on a clean row.
 *
 * Names resolve top-down inside the hierarchy. At each level the candidates are the children of the
 * level above whose name matches, best tier first: the cleaned text, then the key without the
 * administrative prefix, then the key without spaces, then (kab/kota) a retired name under its old
 * province, then a close spelling. A KOTA/KAB prefix is binding: KOTA TEGAL never matches Kab.
 * Tegal. A bare TEGAL keeps both, and the lower levels or the code choose.
 *
 * Everything runs in DuckDB on the distinct (provinsi, kabupaten, kecamatan, desa, kode_wilayah)
 * tuples, then joins back to the rows.
 */
export async function resolveRegions(db: Db, options: ResolveRegionsOptions): Promise<ResolveRegionsResult> {
  const source = sqlIdent(options.source);
  const target = sqlIdent(options.target ?? 'region_resolution');
  const fuzzy = options.fuzzy ?? true;

  const haveIndex = await db.count(
    `SELECT count(*) FROM duckdb_tables() WHERE table_name = 'ref_wilayah_kunci' AND NOT temporary`,
  );
  if (haveIndex === 0)
    throw new Error('resolveRegions: load the region reference first (loadRegionReference)');
  const columns = new Set(
    (await db.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE ${source})`)).map(
      (r) => r.column_name,
    ),
  );
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.has(c));
  if (missing.length > 0) {
    throw new Error(`resolveRegions: table ${options.source} lacks column(s) ${missing.join(', ')}`);
  }

  await installParseMacros(db);
  await defineRegionMacros(db);
  await db.exec(HELPER_MACROS);
  await buildTuples(db, source);
  for (const level of LEVELS) await matchLevel(db, level, fuzzy);
  await summarise(db);
  await decide(db);

  // Join back on the raw text, NULL-safe; tuples are distinct, so each row finds exactly one.
  // Temporary: the parse of DTKS copies it into `dtks` (see WORKING_SCHEMA in db.ts).
  await db.exec(`
    CREATE OR REPLACE TEMP TABLE ${target} AS
    SELECT CAST(s.id_dtks AS VARCHAR) AS id_dtks, h.kode_desa, h.kode_kecamatan, h.kode_kabupaten, h.kode_provinsi,
      h.metode, h.status, h.masalah
    FROM ${source} s
    LEFT JOIN _rg_hasil h
      ON h.provinsi IS NOT DISTINCT FROM CAST(s.provinsi AS VARCHAR)
     AND h.kabupaten IS NOT DISTINCT FROM CAST(s.kabupaten AS VARCHAR)
     AND h.kecamatan IS NOT DISTINCT FROM CAST(s.kecamatan AS VARCHAR)
     AND h.desa IS NOT DISTINCT FROM CAST(s.desa AS VARCHAR)
     AND h.kode_wilayah IS NOT DISTINCT FROM CAST(s.kode_wilayah AS VARCHAR);
  `);
  await db.exec(`
    DROP TABLE IF EXISTS _rg_tuple; DROP TABLE IF EXISTS _rg_m; DROP TABLE IF EXISTS _rg_lv;
    DROP TABLE IF EXISTS _rg_w; DROP TABLE IF EXISTS _rg_amb; DROP TABLE IF EXISTS _rg_lain;
    DROP TABLE IF EXISTS _rg_nama; DROP TABLE IF EXISTS _rg_x; DROP TABLE IF EXISTS _rg_hasil;`);

  const stats = await db.all<{ status: string | null; metode: string | null; n: number }>(
    `SELECT status, metode, count(*) AS n FROM ${target} GROUP BY ALL ORDER BY ALL`,
  );
  const result: ResolveRegionsResult = { rows: 0, resolved: 0, invalid: 0, byMethod: {} };
  for (const s of stats) {
    const n = Number(s.n);
    result.rows += n;
    if (s.status === 'RESOLVED') {
      result.resolved += n;
      if (s.metode) result.byMethod[s.metode] = (result.byMethod[s.metode] ?? 0) + n;
    } else result.invalid += n;
  }
  return result;
}

const HELPER_MACROS = `
-- "A", "A dan B", "A, B dan C", "A, B, C, D, E dan 3 lainnya" (kata = 'dan' | 'atau').
CREATE OR REPLACE MACRO padan_daftar(l, kata) AS CASE
  WHEN l IS NULL OR len(l) = 0 THEN NULL
  WHEN len(l) = 1 THEN l[1]
  WHEN len(l) <= 5 THEN array_to_string(l[1:len(l) - 1], ', ') || ' ' || kata || ' ' || l[len(l)]
  ELSE array_to_string(l[1:5], ', ') || ' ' || kata || ' ' || (len(l) - 5) || ' lainnya' END;
CREATE OR REPLACE MACRO padan_teks_asli(x) AS nullif(regexp_replace(trim(x), '\\s+', ' ', 'g'), '');
`;

/**
 * One row per distinct input tuple with its normalised keys and the state of KODE WILAYAH:
 * KOSONG (absent: empty, only zeros or dashes), RUSAK (not a 10-digit code), SAH (a current desa),
 * LAMA (a desa under a retired kecamatan that has a current successor), TIDAK_DIKENAL (else).
 */
async function buildTuples(db: Db, source: string): Promise<void> {
  const texts = LEVELS.map((l) => `padan_wilayah_teks(${l.name}) AS ${l.name}_teks`).join(', ');
  const keys = LEVELS.map(
    (l) => `padan_wilayah_kunci_dari_teks(${l.name}_teks, '${l.name}') AS ${l.name}_kunci,
      padan_wilayah_jenis_dari_teks(${l.name}_teks, '${l.name}') AS ${l.name}_jenis`,
  ).join(',\n      ');
  await db.exec(`
    CREATE OR REPLACE TEMP TABLE _rg_tuple AS
    WITH d AS (
      SELECT DISTINCT CAST(provinsi AS VARCHAR) AS provinsi, CAST(kabupaten AS VARCHAR) AS kabupaten,
        CAST(kecamatan AS VARCHAR) AS kecamatan, CAST(desa AS VARCHAR) AS desa,
        CAST(kode_wilayah AS VARCHAR) AS kode_wilayah
      FROM ${source}
    ),
    k AS (
      SELECT *,
        -- Placeholders count as no code: '', '0', '0000000000', '-'.
        regexp_replace(coalesce(kode_wilayah, ''), '[\\s.\\-/0]', '', 'g') <> '' AS kode_ada,
        ${texts}
      FROM d
    ),
    n AS (
      SELECT *,
        -- The tested parse macro, so that every form it accepts ('3328.01.2002', '33.28.1.2002',
        -- a float's '.0') resolves here too.
        CASE WHEN kode_ada THEN padan_kode_wilayah(kode_wilayah) END AS kode_norm,
        ${keys}
      FROM k
    )
    SELECT row_number() OVER (ORDER BY n.provinsi, n.kabupaten, n.kecamatan, n.desa, n.kode_wilayah) AS tid,
      n.* EXCLUDE (kode_ada),
      CASE WHEN NOT n.kode_ada THEN 'KOSONG'
        WHEN n.kode_norm IS NULL THEN 'RUSAK'
        WHEN rd.kode IS NOT NULL THEN 'SAH'
        WHEN lama.kode_baru IS NOT NULL THEN 'LAMA'
        ELSE 'TIDAK_DIKENAL' END AS kode_status,
      -- The constraint the code puts on the names: the desa itself, or for an old code the successor
      -- kecamatan (desa numbers were reassigned in the split, so the desa part cannot be carried over).
      coalesce(rd.kode, lama.kode_baru) AS kode_batas,
      lama.kode IS NOT NULL AS kode_prefix_lama
    FROM n
    LEFT JOIN ref_desa rd ON rd.kode = n.kode_norm
    LEFT JOIN ref_kode_lama lama ON lama.kode = substr(n.kode_norm, 1, 8);

    CREATE OR REPLACE TEMP TABLE _rg_m (tid BIGINT, lvl INTEGER, kode VARCHAR, tier INTEGER);
    -- Level 0: the root every province hangs from (kode_induk '' in ref_wilayah_kunci).
    INSERT INTO _rg_m SELECT tid, 0, '', ${TIER.TEKS} FROM _rg_tuple;
  `);
}

/** Candidates of one level, from the candidates of the level above. */
async function matchLevel(db: Db, level: Level, fuzzy: boolean): Promise<void> {
  const l = level.name;
  // KOTA/KAB prefixes are binding (KOTA TEGAL is never Kab. Tegal); KEL./DESA only break ties
  // between a kelurahan and a desa of the same name, since operators call every place a desa.
  const jenisFilter = l === 'kabupaten' ? '(x.jenis IS NULL OR i.jenis = x.jenis)' : 'true';
  const from = `FROM inp x JOIN par p ON p.tid = x.tid JOIN idx i ON i.kode_induk = p.induk`;
  await db.exec(`
    CREATE OR REPLACE TEMP TABLE _rg_step AS
    WITH inp AS (
      SELECT tid, ${l}_teks AS teks, ${l}_kunci AS kunci, replace(${l}_teks, ' ', '') AS teks_rapat,
        replace(${l}_kunci, ' ', '') AS kunci_rapat, ${l}_jenis AS jenis
      FROM _rg_tuple WHERE ${l}_kunci IS NOT NULL
    ),
    par AS (SELECT tid, kode AS induk FROM _rg_m WHERE lvl = ${level.no - 1}),
    idx AS (SELECT * FROM ref_wilayah_kunci WHERE tingkat = '${l}'),
    m AS (
      SELECT x.tid, i.kode, i.jenis, x.jenis AS jenis_input, ${TIER.TEKS} AS tier
      ${from} AND i.nama_teks = x.teks WHERE i.sumber <> 'LAMA'
      UNION ALL
      SELECT x.tid, i.kode, i.jenis, x.jenis, ${TIER.KUNCI}
      ${from} AND i.nama_kunci = x.kunci WHERE i.sumber <> 'LAMA' AND ${jenisFilter}
      UNION ALL
      SELECT x.tid, i.kode, i.jenis, x.jenis, ${TIER.RAPAT}
      ${from} AND i.kunci_rapat = x.kunci_rapat WHERE i.sumber <> 'LAMA' AND ${jenisFilter}
      UNION ALL
      -- The prefix word may belong to the name: "KOTA BARU" typed for Kab. Kotabaru.
      SELECT x.tid, i.kode, i.jenis, x.jenis, ${TIER.RAPAT}
      ${from} AND i.kunci_rapat = x.teks_rapat WHERE i.sumber <> 'LAMA'
      UNION ALL
      SELECT x.tid, i.kode, i.jenis, x.jenis, ${TIER.LAMA}
      ${from} AND i.nama_kunci = x.kunci WHERE i.sumber = 'LAMA' AND ${jenisFilter}
    ),
    best AS (
      SELECT tid, kode, min(tier) AS tier, any_value(jenis) AS jenis, any_value(jenis_input) AS jenis_input
      FROM m GROUP BY tid, kode
      QUALIFY min(tier) = min(min(tier)) OVER (PARTITION BY tid)
    )
    SELECT tid, kode, tier FROM best
    QUALIFY jenis_input IS NULL OR jenis = jenis_input
      OR NOT bool_or(jenis = jenis_input) OVER (PARTITION BY tid);

    INSERT INTO _rg_m SELECT tid, ${level.no}, kode, tier FROM _rg_step;
  `);

  if (fuzzy) {
    const { minSimilarity, minMargin, minLength } = FUZZY_RULE;
    await db.exec(`
      CREATE OR REPLACE TEMP TABLE _rg_step AS
      WITH inp AS (
        SELECT tid, ${l}_kunci AS kunci, replace(${l}_kunci, ' ', '') AS kunci_rapat, ${l}_jenis AS jenis
        FROM _rg_tuple
        WHERE ${l}_kunci IS NOT NULL AND length(replace(${l}_kunci, ' ', '')) >= ${minLength}
          AND tid NOT IN (SELECT tid FROM _rg_m WHERE lvl = ${level.no})
      ),
      -- Not below an empty level: its pool (every kab of a province, ...) is too wide to guess in.
      par AS (SELECT tid, kode AS induk FROM _rg_m WHERE lvl = ${level.no - 1} AND tier <> ${TIER.WILDCARD}),
      idx AS (SELECT * FROM ref_wilayah_kunci WHERE tingkat = '${l}' AND sumber <> 'LAMA'),
      c AS (
        SELECT x.tid, i.kode, i.nama_kunci AS kunci, jaro_winkler_similarity(x.kunci, i.nama_kunci) AS jw,
          damerau_levenshtein(x.kunci_rapat, i.kunci_rapat) AS dl, x.kunci AS kunci_input, length(x.kunci_rapat) AS len
        ${from} WHERE ${jenisFilter}
      ),
      -- A place may have several keys (province aliases): keep its closest one.
      kd AS (SELECT * FROM c QUALIFY row_number() OVER (PARTITION BY tid, kode ORDER BY jw DESC, kunci) = 1),
      top AS (SELECT * FROM kd QUALIFY row_number() OVER (PARTITION BY tid ORDER BY jw DESC, kunci, kode) = 1),
      -- The runner-up is the best place with another key; places sharing the winning key (a bare
      -- TEGAL typo'd) all stay candidates for the lower levels to choose from.
      second AS (
        SELECT kd.tid, max(kd.jw) AS jw FROM kd JOIN top ON top.tid = kd.tid AND kd.kunci <> top.kunci GROUP BY kd.tid
      ),
      ok AS (
        SELECT top.tid, top.kunci FROM top LEFT JOIN second ON second.tid = top.tid
        WHERE top.jw >= ${minSimilarity} AND top.jw - coalesce(second.jw, 0) >= ${minMargin}
          AND top.dl <= CASE WHEN top.len >= 10 THEN 2 ELSE 1 END
          AND padan_wilayah_penanda_cocok(top.kunci_input, top.kunci)
      )
      SELECT kd.tid, kd.kode, ${TIER.MIRIP} AS tier FROM kd JOIN ok ON ok.tid = kd.tid AND ok.kunci = kd.kunci;

      INSERT INTO _rg_m SELECT tid, ${level.no}, kode, tier FROM _rg_step;
    `);
  }

  if (level.wildcard) {
    // An empty name stands for every child, but never two empty levels in a row.
    await db.exec(`
      INSERT INTO _rg_m
      SELECT p.tid, ${level.no}, i.kode, ${TIER.WILDCARD}
      FROM _rg_m p JOIN _rg_tuple t ON t.tid = p.tid
      JOIN ref_wilayah_kunci i ON i.tingkat = '${l}' AND i.sumber = 'KINI' AND i.kode_induk = p.kode
      WHERE p.lvl = ${level.no - 1} AND p.tier <> ${TIER.WILDCARD} AND t.${l}_kunci IS NULL;
    `);
  }
  await db.exec('DROP TABLE IF EXISTS _rg_step;');
}

/** Per tuple: for each level the number of candidates, their tier, codes and display names. */
async function summarise(db: Db): Promise<void> {
  // Lists of (kode, tampil) structs sorted afterwards: much cheaper than ordered aggregates.
  const cols = LEVELS.map(
    (
      l,
    ) => `count(*) FILTER (WHERE lvl = ${l.no}) AS n${l.no}, min(tier) FILTER (WHERE lvl = ${l.no}) AS tier${l.no},
      list_sort(list({'k': kode, 't': tampil}) FILTER (WHERE lvl = ${l.no})) AS l${l.no}`,
  ).join(',\n      ');
  const counts = LEVELS.map((l) => `coalesce(a.n${l.no}, 0) AS n${l.no}`).join(', ');
  const rest = LEVELS.map(
    (l) => `a.tier${l.no}, list_transform(a.l${l.no}, lambda x: x.k) AS kodes${l.no},
      list_transform(a.l${l.no}, lambda x: x.t) AS tampil${l.no}`,
  ).join(', ');
  await db.exec(`
    CREATE OR REPLACE TEMP TABLE _rg_nama AS
    SELECT kode, nama_tampil FROM ref_wilayah_kunci WHERE sumber = 'KINI';

    -- Display names; two places with the same display name get their code appended (Kel. Waena
    -- 91.71.05.1002 and Desa Waena 91.71.05.2005 share a kecamatan).
    CREATE OR REPLACE TEMP TABLE _rg_lv AS
    SELECT m.tid, m.lvl, m.kode, m.tier,
      r.nama_tampil || CASE WHEN count(*) OVER (PARTITION BY m.tid, m.lvl, r.nama_tampil) > 1
        THEN ' (' || m.kode || ')' ELSE '' END AS tampil
    FROM _rg_m m JOIN _rg_nama r ON r.kode = m.kode
    WHERE m.lvl > 0;

    CREATE OR REPLACE TEMP TABLE _rg_w AS
    WITH a AS (SELECT tid, ${cols} FROM _rg_lv GROUP BY tid)
    SELECT t.*, ${counts}, ${rest}
    FROM _rg_tuple t LEFT JOIN a ON a.tid = t.tid;

    -- Names that lead to several desa: the highest level at which the candidates part, with the
    -- places they part into (bare TEGAL -> Kab. Tegal and Kota Tegal).
    CREATE OR REPLACE TEMP TABLE _rg_amb AS
    WITH a AS (
      SELECT DISTINCT m.tid, l.lvl, substr(m.kode, 1, l.len) AS kode
      FROM _rg_m m JOIN _rg_w w ON w.tid = m.tid AND w.n4 > 1
      CROSS JOIN (VALUES ${LEVELS.map((l) => `(${l.no}, ${l.len})`).join(', ')}) AS l(lvl, len)
      WHERE m.lvl = 4
    ),
    b AS (
      SELECT a.tid, a.lvl, a.kode, r.nama_tampil,
        count(*) OVER (PARTITION BY a.tid, a.lvl) AS n,
        count(*) OVER (PARTITION BY a.tid, a.lvl, r.nama_tampil) AS sama
      FROM a JOIN _rg_nama r ON r.kode = a.kode
    )
    SELECT tid, lvl, list(nama_tampil || CASE WHEN sama > 1 THEN ' (' || kode || ')' ELSE '' END ORDER BY kode) AS tampil
    FROM b WHERE n > 1
    GROUP BY tid, lvl
    QUALIFY lvl = min(lvl) OVER (PARTITION BY tid);

    -- A binding KOTA/KAB prefix that found nothing, where the other type exists: say so.
    CREATE OR REPLACE TEMP TABLE _rg_lain AS
    SELECT w.tid, list(r.nama_tampil ORDER BY r.kode) AS lain
    FROM _rg_w w JOIN _rg_m p ON p.tid = w.tid AND p.lvl = 1
    JOIN ref_wilayah_kunci r ON r.tingkat = 'kabupaten' AND r.sumber = 'KINI' AND r.kode_induk = p.kode
      AND r.nama_kunci = w.kabupaten_kunci
    WHERE w.n2 = 0 AND w.kabupaten_jenis IS NOT NULL
    GROUP BY w.tid;
  `);
}

/** The label of a level's input in messages: a kelurahan is called so when the input says so. */
function labelSql(level: Level): string {
  if (level.name === 'desa') {
    return `CASE desa_jenis WHEN 'KELURAHAN' THEN 'Kelurahan' ELSE 'Desa' END`;
  }
  return sqlString(level.label);
}

/** Where a level's name was looked for: its parents' names when few, else the level above those. */
function locationSql(levelNo: number): string {
  let expr = "'Indonesia'";
  for (const l of LEVELS) {
    if (l.no >= levelNo) break;
    expr = `CASE WHEN n${l.no} BETWEEN 1 AND 3 THEN padan_daftar(tampil${l.no}, 'atau') ELSE ${expr} END`;
  }
  return expr;
}

/** The final decision per tuple (see the comments of each case). */
async function decide(db: Db): Promise<void> {
  const raws = LEVELS.map((l) => `padan_teks_asli(${l.name})`);
  // The first level whose name found nothing, and why.
  const firstEmpty = `CASE ${LEVELS.map((l) => `WHEN n${l.no} = 0 THEN ${l.no}`).join(' ')} END`;
  const notFound = LEVELS.map((l) => {
    const raw = raws[l.no - 1];
    const what =
      l.no === 1
        ? `'Provinsi "' || ${raw} || '" tidak dikenal'`
        : `${labelSql(l)} || ' "' || ${raw} || '" tidak ditemukan di ' || ${locationSql(l.no)}`;
    const otherType =
      l.name === 'kabupaten' ? ` || coalesce(' (yang ada: ' || padan_daftar(o.lain, 'dan') || ')', '')` : '';
    return `WHEN ${l.no} THEN CASE WHEN ${raw} IS NULL THEN ${labelSql(l)} || ' kosong' ELSE ${what}${otherType} END`;
  }).join('\n          ');
  const nothingGiven = `${raws.map((r) => `${r} IS NULL`).join(' AND ')}`;
  // The deepest level whose name found something, and its codes (names that stopped part-way). A
  // level left empty found "every child", which says nothing about where the row is.
  const deepest = `CASE ${[...LEVELS]
    .reverse()
    .map((l) => `WHEN n${l.no} > 0 AND tier${l.no} <> ${TIER.WILDCARD} THEN ${l.no}`)
    .join(' ')} ELSE 0 END`;
  const deepestCodes = `CASE ${deepest} WHEN 4 THEN kodes4 WHEN 3 THEN kodes3 WHEN 2 THEN kodes2 WHEN 1 THEN kodes1 END`;
  const ambiguous = LEVELS.map(
    (l) =>
      `WHEN ${l.no} THEN CASE WHEN ${raws[l.no - 1]} IS NULL
        THEN ${labelSql(l)} || ' kosong; ' || ${labelSql(LEVELS[3] as Level)} || ' "' || ${raws[3]} || '" ada di ' || padan_daftar(a.tampil, 'dan')
        ELSE 'Nama "' || ${raws[l.no - 1]} || '" cocok dengan ' || padan_daftar(a.tampil, 'dan') END`,
  ).join(' ');
  // Notes on a resolved row: close spellings, retired names, empty levels filled in.
  const notes = LEVELS.map(
    (l) => `CASE tier${l.no}
        WHEN ${TIER.MIRIP} THEN ${labelSql(l)} || ' "' || ${raws[l.no - 1]} || '" dibaca sebagai ' || n${l.no}.nama_tampil
        WHEN ${TIER.LAMA} THEN ${labelSql(l)} || ' "' || ${raws[l.no - 1]} || '" kini di ' || n1.nama_tampil
          || ' (pemekaran wilayah)'
        WHEN ${TIER.WILDCARD} THEN CASE WHEN metode <> 'KODE' THEN ${sqlString(l.label)} || ' kosong, diisi ' || n${l.no}.nama_tampil END
      END`,
  );
  const displayJoins = LEVELS.map(
    (l) => `LEFT JOIN _rg_nama n${l.no} ON n${l.no}.kode = substr(x.kode_desa, 1, ${l.len})`,
  ).join('\n    ');

  await db.exec(`
    CREATE OR REPLACE TEMP TABLE _rg_x AS
    WITH w AS (
      SELECT w.*,
        -- Problem with the names alone when they do not lead to exactly one desa.
        CASE
          WHEN n4 = 1 THEN NULL
          WHEN ${nothingGiven} THEN 'Nama wilayah kosong'
          WHEN n4 > 1 THEN CASE a.lvl ${ambiguous} END
          ELSE CASE ${firstEmpty}
          ${notFound}
          END
        END AS msg_nama,
        ${deepest} AS dalam,
        ${deepestCodes} AS kodes_dalam,
        -- The desa the code allows among the name candidates (for an old code: inside its successor
        -- kecamatan).
        CASE WHEN kode_batas IS NOT NULL AND n4 > 0
          THEN list_filter(kodes4, lambda k: starts_with(k, kode_batas)) END AS cocok_kode
      FROM _rg_w w LEFT JOIN _rg_amb a ON a.tid = w.tid LEFT JOIN _rg_lain o ON o.tid = w.tid
    ),
    x AS (
      SELECT w.*,
        CASE
          -- Code and names both lead to one desa and agree, or the code picks one of the names'
          -- candidates (bare TEGAL + a code in Kota Tegal).
          WHEN kode_status = 'SAH' AND n4 > 0 AND len(cocok_kode) = 1 THEN 'NAMA_KODE'
          -- Names stopped part-way (or were empty): the code decides when it lies inside every level
          -- that did resolve. Its desa may not be the name typed at the failing level; masalah says so.
          WHEN kode_status = 'SAH' AND n4 = 0
            AND (dalam = 0 OR list_contains(kodes_dalam, substr(kode_norm, 1, length(kodes_dalam[1])))) THEN 'KODE'
          -- An old code (before the Papua split) only names a kecamatan: the names must pick the desa.
          WHEN kode_status = 'LAMA' AND n4 > 0 AND len(cocok_kode) = 1 THEN 'NAMA_KODE'
          -- No code: the names alone.
          WHEN kode_status = 'KOSONG' AND n4 = 1 THEN
            CASE WHEN ${TIER.MIRIP} IN (tier1, tier2, tier3, tier4) THEN 'NAMA_MIRIP'
              WHEN ${TIER.LAMA} IN (tier1, tier2, tier3, tier4) THEN 'NAMA_LAMA' ELSE 'NAMA' END
          -- A present but malformed or unknown code makes the row contradictory even when the names
          -- resolve: someone typed a code that is not this place, and we cannot tell which is wrong.
        END AS metode
      FROM w
    )
    SELECT x.*,
      CASE
        WHEN metode IS NULL THEN NULL
        WHEN kode_status = 'SAH' AND n4 = 0 THEN kode_norm
        WHEN kode_status IN ('SAH', 'LAMA') THEN cocok_kode[1]
        ELSE kodes4[1]
      END AS kode_desa,
      -- On an INVALID row, the candidates left: the names' deepest ones, and the code's place when
      -- the two contradict each other. The levels they all agree on are filled.
      list_concat(coalesce(CASE WHEN n4 > 0 THEN kodes4 ELSE kodes_dalam END, []),
        CASE WHEN kode_status = 'SAH' THEN [kode_norm] WHEN kode_status = 'LAMA' THEN [kode_batas] ELSE [] END) AS pool
    FROM x;

    CREATE OR REPLACE TEMP TABLE _rg_hasil AS
    WITH y AS (
      SELECT x.*,
        [${[2, 5, 8]
          .map(
            (
              len,
            ) => `CASE WHEN len(pool) > 0 AND list_min(list_transform(pool, lambda k: length(k))) >= ${len}
              AND len(list_distinct(list_transform(pool, lambda k: substr(k, 1, ${len})))) = 1
              THEN substr(pool[1], 1, ${len}) END`,
          )
          .join(', ')}] AS isi,
        -- What the code says, when it is a problem or was used.
        CASE kode_status
          WHEN 'RUSAK' THEN 'Kode wilayah "' || padan_teks_asli(kode_wilayah) || '" tidak sah (harus 10 angka, mis. 33.28.01.2001)'
            || CASE WHEN n4 = 1 THEN ', nama wilayah menunjuk ' || kodes4[1] ELSE '' END
          WHEN 'TIDAK_DIKENAL' THEN 'Kode wilayah ' || kode_norm ||
            CASE WHEN kode_prefix_lama THEN ' adalah kode lama (sebelum pemekaran) tanpa padanan kini'
              ELSE ' tidak ada dalam daftar wilayah Kemendagri' END
            || CASE WHEN n4 = 1 THEN ', nama wilayah menunjuk ' || kodes4[1] ELSE '' END
          WHEN 'SAH' THEN CASE
            WHEN metode = 'KODE' THEN 'ditetapkan dari kode wilayah ' || kode_norm
            WHEN metode IS NULL AND (n4 > 0 OR dalam > 0) THEN 'Kode wilayah ' || kode_norm ||
              ' bertentangan dengan nama wilayah (' ||
              padan_daftar(CASE WHEN n4 > 0 THEN kodes4 ELSE kodes_dalam END, 'atau') || ')' END
          WHEN 'LAMA' THEN 'Kode wilayah ' || kode_norm || ' adalah kode lama (sebelum pemekaran), kini ' ||
            nb.nama_tampil || ' (' || kode_batas || ')' ||
            CASE WHEN metode IS NULL AND n4 > 0 AND len(cocok_kode) = 0
              THEN ', bertentangan dengan nama wilayah (' || padan_daftar(kodes4, 'atau') || ')' ELSE '' END
        END AS msg_kode,
        ${notes.map((n, i) => `${n} AS catatan${i + 1}`).join(',\n        ')}
      FROM _rg_x x
      ${displayJoins}
      LEFT JOIN _rg_nama nb ON nb.kode = x.kode_batas
    )
    SELECT tid, provinsi, kabupaten, kecamatan, desa, kode_wilayah, kode_desa,
      CASE WHEN kode_desa IS NOT NULL THEN substr(kode_desa, 1, 8) ELSE isi[3] END AS kode_kecamatan,
      CASE WHEN kode_desa IS NOT NULL THEN substr(kode_desa, 1, 5) ELSE isi[2] END AS kode_kabupaten,
      CASE WHEN kode_desa IS NOT NULL THEN substr(kode_desa, 1, 2) ELSE isi[1] END AS kode_provinsi,
      metode,
      CASE WHEN kode_desa IS NOT NULL THEN 'RESOLVED' ELSE 'INVALID' END AS status,
      CASE WHEN kode_desa IS NULL THEN nullif(concat_ws('; ', msg_kode, msg_nama), '')
        ELSE nullif(concat_ws('; ', CASE WHEN metode = 'KODE' THEN msg_nama END,
          ${LEVELS.map((l) => `catatan${l.no}`).join(', ')}, msg_kode), '') END AS masalah
    FROM y;
  `);
}
