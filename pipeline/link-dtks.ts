import type { Config } from './config.js';
import type { Db } from './db.js';
import {
  acceptanceGuard,
  COMPARISONS,
  DTKS_COMPARED_COLUMNS,
  gammaOf,
  PLACE_COMPARISONS,
  plainEvidenceSql,
  windows,
} from './link-nik.js';
import { type LevelParams, type LinkModel, type LinkSettings, link } from './matcher/index.js';

/**
 * DTKS rows Dukcapil cannot vouch for (no NIK, a NIK it lacks, a broken NIK, none recovered) can
 * still be one person registered twice. They are linked against each other with the same matcher,
 * the same comparisons and the same model as NIK recovery (its m and u, trained on DTKS against
 * Dukcapil; the prior is estimated on these pairs), and the same bar: a pair is one person only
 * at or above the auto-accept probability with names that really agree.
 *
 * Relatives are not one person: two rows of one household must also be one person typed twice
 * (the same name up to a slip, the same sex, the whole birth date; twins, siblings and a parent
 * are not), and a pair that is not sure enough only goes to review. In a group that touches rows
 * of duplicate.same_nik (the same NIK and identity), that rule's survivor is the group's
 * (duplicate.dtks_only), so that no row is kept by one rule and deactivated by the other.
 *
 * Writes `dtks_only_pairs` (every pair accepted or asked about, with the decision and how its
 * fields compare, in words) and `dtks_only_groups` (the connected components of accepted pairs).
 */
export async function linkDtksOnly(
  db: Db,
  config: Config,
  model: LinkModel | null,
  progress?: (step: string, done: number, total: number) => void,
): Promise<{ rows: number; pairs: number; accepted: number; uncertain: number }> {
  await db.exec(SELF_VIEW);
  const rows = await db.count('SELECT count(*) FROM self_link');
  if (rows < 2 || model === null) {
    // Nothing to link (or matching is switched off): the rules that read these find nothing.
    await db.exec(`
      CREATE OR REPLACE TABLE dtks_only_pairs (a VARCHAR, b VARCHAR, match_probability DOUBLE, match_weight DOUBLE,
        keputusan VARCHAR, bukti VARCHAR);
      CREATE OR REPLACE TABLE dtks_only_groups (id_dtks VARCHAR, kelompok VARCHAR)`);
    return { rows, pairs: 0, accepted: 0, uncertain: 0 };
  }
  const result = await link(db, selfSettings(config, forDtksPairs(model)), progress);
  const { autoThreshold, reviewThreshold } = config.matching;
  const birthSame = `s.tgl_lahir_level = ${gammaOf('tgl_lahir', 'sama')}`;
  const motherSame = `s.nama_ibu_level = ${gammaOf('nama_ibu', 'sama')}`;
  // A call name (WAWAN, HERMAWAN) between two DTKS rows of different households, the sex not
  // against it: with the mother's name and a birth date that is the same or only slipped (day and
  // month swapped, a default date, the year off: a sibling is born on another day, and a twin on
  // the same one, which the exact date already admitted); or with the exact birth date in the same
  // desa when the mother's name is missing or mistyped on one row.
  const callName = `(s.nama_level = ${gammaOf('nama', 'nama panggilan')} AND s.jenis_kelamin_level <> 0
      AND ((${motherSame} AND s.tgl_lahir_level > 0)
        OR (${birthSame} AND s.nama_ibu_level <> 0 AND s.wilayah_level = ${gammaOf('wilayah', 'desa sama')})))`;
  // A name worn down to initials or a dropped token (NUR F for NUR FEBRIYANTI, ASTUTI B for BUNGAN
  // ASTUTI) is far from the full one by any string measure, and the model's name level says little;
  // with the whole birth date and the mother's name agreeing it is the same person (oneName below
  // still asks that one name be the other worn down).
  const wornName = `(${birthSame} AND ${motherSame} AND s.jenis_kelamin_level <> 0)`;
  // Two rows of one household: one person typed twice only with the whole birth date and the same
  // name up to a slip. A name worn down (DAVID for DAVID SYABAN R) may be a twin's, a year apart a
  // sibling's: no Dukcapil record can tell them apart, so such a pair goes to review.
  const sameHousehold = `((la.jenis_kelamin IS NULL OR lb.jenis_kelamin IS NULL OR la.jenis_kelamin = lb.jenis_kelamin)
      AND la.tgl_lahir = lb.tgl_lahir AND padan_nama_selip(la.nama_gabung, lb.nama_gabung))`;
  // Names merely alike (MUHAMMAD HIDAYAT, MUHAMMAD HERI) are how twins and siblings are named: with
  // no Dukcapil record to tell, one person needs one name worn down from the other, or a slip.
  const oneName = `(padan_nama_aus(la.nama_norm, lb.nama_norm) OR padan_nama_aus(lb.nama_norm, la.nama_norm)
      OR padan_nama_selip(la.nama_gabung, lb.nama_gabung))`;
  // Mothers' names that disagree are two women, or one name mistyped (REHI and RENI NAINGGOLAN):
  // with no Dukcapil record to tell, that is the person only with the whole birth date (or day and
  // month swapped) and the mothers' names still alike. Cousins born the same month in one desa (ABDUL and
  // ABDUL JAILANI MAULANA, mothers ADE LESTARI YULIANA and NUR PAULINA) are not one person.
  const motherNotAgainst = `(s.nama_ibu_level <> 0 OR (s.tgl_lahir_level >= ${gammaOf('tgl_lahir', 'hari dan bulan tertukar')}
      AND jaro_winkler_similarity(la.nama_ibu_norm, lb.nama_ibu_norm) >= 0.75))`;
  const acceptable = `((${acceptanceGuard('s')} OR ${callName} OR ${wornName}) AND ${oneName} AND ${motherNotAgainst}
      AND (la.id_keluarga <> lb.id_keluarga OR ${sameHousehold}))`;
  // Kept are the pairs the decision accepts or asks about, by the decision itself: a call name with
  // the very NIK and a slipped birth date is accepted (callNameGuard) though the review condition
  // does not cover it, so a filter on the review condition alone would lose it.
  await db.exec(`
    CREATE OR REPLACE TABLE dtks_only_pairs AS
    SELECT s.l_id AS a, s.r_id AS b, s.match_probability, s.match_weight, s.keputusan,
      ${plainEvidenceSql('s')} AS bukti
    FROM (
      SELECT s.*,
        CASE WHEN s.match_probability >= ${autoThreshold} AND ${acceptable} THEN 'DITERIMA'
             -- Asked about only when the names agree: two relatives (siblings share a KK, a mother, a
             -- desa) whose names differ are two people, however the rest agrees.
             WHEN s.match_probability >= ${reviewThreshold} AND (s.nama_level >= ${gammaOf('nama', 'mirip (JW ≥ 0.88)')}
               OR (s.nama_level = ${gammaOf('nama', 'nama panggilan')} AND s.tgl_lahir_level = ${gammaOf('tgl_lahir', 'sama')})) THEN 'RAGU'
        END AS keputusan
      FROM self_link_scores s
      JOIN self_link la ON la.id_dtks = s.l_id
      JOIN self_link lb ON lb.id_dtks = s.r_id
      WHERE s.match_probability >= ${reviewThreshold}) s
    -- The evidence in words only for the pairs kept.
    WHERE s.keputusan IS NOT NULL
    ORDER BY a, b`);
  await groupAccepted(db);
  const counts = await db.one<{ accepted: number; uncertain: number }>(`
    SELECT count(*) FILTER (WHERE keputusan = 'DITERIMA') AS accepted,
      count(*) FILTER (WHERE keputusan = 'RAGU') AS uncertain FROM dtks_only_pairs`);
  return {
    rows,
    pairs: result.candidates,
    accepted: counts?.accepted ?? 0,
    uncertain: counts?.uncertain ?? 0,
  };
}

/** The rows without a Dukcapil person, in the columns of link_left. */
const SELF_VIEW = `
CREATE OR REPLACE TABLE self_link AS
SELECT d.id_dtks, d.id_keluarga, d._baris,
  ${DTKS_COMPARED_COLUMNS},
  NULL::VARCHAR AS hh_kk, NULL::VARCHAR AS hh_desa, NULL::VARCHAR AS nik_kk
FROM dtks d
WHERE d.id_dtks NOT IN (SELECT id_dtks FROM matches WHERE status = 'PADAN')
ORDER BY d._baris`;

/**
 * The blocking of NIK recovery, made symmetric (both sides are DTKS rows, and a deduplication
 * forms each pair once, from the row with the smaller id): the same NIK or one slip away, the
 * kecamatan and birth date, the name's sound with the birth year or the desa, the name with the
 * birth date, the mother's name with the birth year, the family card.
 */
function selfSettings(config: Config, model: LinkModel): LinkSettings {
  const cap = config.matching.maxBlockSize;
  return {
    left: { table: 'self_link', id: 'id_dtks' },
    right: { table: 'self_link', id: 'id_dtks' },
    prefix: 'self_link',
    comparisons: COMPARISONS,
    blocking: [
      { name: 'nik_sama', leftKey: 'l.nik', rightKey: 'r.nik' },
      { name: 'nik_hampir', leftKey: windows('l.nik'), rightKey: windows('r.nik'), maxBlockSize: cap },
      {
        name: 'kecamatan_tgl_lahir',
        leftKey: "l.kode_kecamatan || '|' || l.tgl_lahir",
        rightKey: "r.kode_kecamatan || '|' || r.tgl_lahir",
        maxBlockSize: cap,
      },
      {
        name: 'fonetik_tahun_kabupaten',
        leftKey: "l.fonetik1 || '|' || year(l.tgl_lahir) || '|' || l.kode_kabupaten",
        rightKey: "r.fonetik1 || '|' || year(r.tgl_lahir) || '|' || r.kode_kabupaten",
        maxBlockSize: cap,
      },
      {
        name: 'fonetik_desa',
        leftKey: "l.fonetik1 || '|' || l.kode_desa",
        rightKey: "r.fonetik1 || '|' || r.kode_desa",
        maxBlockSize: cap,
      },
      {
        name: 'nama_tgl_lahir',
        leftKey: "l.nama_gabung || '|' || l.tgl_lahir",
        rightKey: "r.nama_gabung || '|' || r.tgl_lahir",
        maxBlockSize: cap,
      },
      {
        // The same full name anywhere, for a person registered again elsewhere with the birth date
        // also typed differently (a default date, the year off): a common name's block is dropped.
        name: 'nama',
        leftKey: 'l.nama_gabung',
        rightKey: 'r.nama_gabung',
        maxBlockSize: cap,
      },
      {
        name: 'ibu_tahun',
        leftKey: "l.nama_ibu_norm || '|' || year(l.tgl_lahir)",
        rightKey: "r.nama_ibu_norm || '|' || year(r.tgl_lahir)",
        maxBlockSize: cap,
      },
      { name: 'kk', leftKey: 'l.no_kk', rightKey: 'r.no_kk', maxBlockSize: cap },
      // Keys that need no region: a row with no desa, or registered again in another province,
      // meets itself by the name's sound and the birth date, by its name tokens in any order
      // (SITI MARDIANA, MARDIANA SITI), or by its mother's name alone when its birth date is
      // missing or slipped. These rows are few (Dukcapil knows the rest), so the blocks stay small.
      {
        name: 'fonetik_tgl_lahir',
        leftKey: "l.fonetik1 || '|' || l.tgl_lahir",
        rightKey: "r.fonetik1 || '|' || r.tgl_lahir",
        maxBlockSize: cap,
      },
      {
        name: 'nama_urut',
        leftKey: "array_to_string(list_sort(string_split(l.nama_norm, ' ')), ' ')",
        rightKey: "array_to_string(list_sort(string_split(r.nama_norm, ' ')), ' ')",
        maxBlockSize: cap,
      },
      { name: 'ibu', leftKey: 'l.nama_ibu_norm', rightKey: 'r.nama_ibu_norm', maxBlockSize: cap },
    ],
    model,
    estimatePrior: true,
    minMatchWeight: -10,
  };
}

/**
 * The NIK-recovery model, except that between two DTKS rows a region or a family card that
 * differs is no evidence against them being one person. Against Dukcapil a different desa is rare
 * for the same person (only a move explains it), and a kecamatan or kabupaten in common without
 * the desa rarer still, so those levels count against a record. A person registered twice in DTKS
 * is often registered in two places, in two households with two KKs (the household moved, the
 * member joined another household, an operator registered them again): every level that would
 * count against the pair in the place comparisons (PLACE_COMPARISONS: the region short of the
 * desa, a KK that differs) weighs 0 (m = u).
 * Agreement still counts for the pair.
 */
export function forDtksPairs(model: LinkModel): LinkModel {
  const neutral = (l: LevelParams): LevelParams =>
    l.weight < 0 ? { ...l, m: l.u, weight: 0, mSource: 'fixed' } : l;
  return {
    ...model,
    comparisons: model.comparisons.map((c) =>
      PLACE_COMPARISONS.includes(c.name) ? { ...c, levels: c.levels.map(neutral) } : c,
    ),
  };
}

/**
 * Connected components of the accepted pairs (a person registered three times is one group), by
 * propagating the smallest id until nothing changes; each group is named by its smallest id.
 */
async function groupAccepted(db: Db): Promise<void> {
  await db.exec(`
    CREATE OR REPLACE TABLE dtks_only_groups AS
    WITH e AS (SELECT a, b FROM dtks_only_pairs WHERE keputusan = 'DITERIMA')
    SELECT a AS id_dtks, least(a, b) AS kelompok FROM e
    UNION SELECT b, least(a, b) FROM e`);
  for (let i = 0; i < 100; i++) {
    await db.exec(`
      CREATE OR REPLACE TABLE _dtks_only_next AS
      WITH g AS (SELECT id_dtks, min(kelompok) AS kelompok FROM dtks_only_groups GROUP BY id_dtks),
      e AS (SELECT a, b FROM dtks_only_pairs WHERE keputusan = 'DITERIMA'),
      spread AS (
        SELECT e.b AS id_dtks, ga.kelompok FROM e JOIN g ga ON ga.id_dtks = e.a
        UNION ALL SELECT e.a, gb.kelompok FROM e JOIN g gb ON gb.id_dtks = e.b
        UNION ALL SELECT id_dtks, kelompok FROM g)
      SELECT id_dtks, min(kelompok) AS kelompok FROM spread GROUP BY id_dtks`);
    const changed = await db.count(`
      SELECT count(*) FROM _dtks_only_next n
      JOIN (SELECT id_dtks, min(kelompok) AS kelompok FROM dtks_only_groups GROUP BY id_dtks) o USING (id_dtks)
      WHERE n.kelompok <> o.kelompok`);
    await db.exec(
      'CREATE OR REPLACE TABLE dtks_only_groups AS SELECT * FROM _dtks_only_next ORDER BY id_dtks; DROP TABLE _dtks_only_next',
    );
    if (changed === 0) return;
  }
  throw new Error('dtks_only_groups: the groups did not settle in 100 rounds');
}
