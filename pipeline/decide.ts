import { DEACTIVATION_ORDER } from '../rules/rule.js';
import type { Config } from './config.js';
import type { Db } from './db.js';
import { assignKunci } from './kunci.js';

/** What a person should do about each review reason when the rule suggested nothing itself. */
const DEFAULT_SUGGESTION: Record<string, string> = {
  NIK_MISSING: 'Lengkapi NIK dari KTP/KK; anggota tetap aktif selama NIK dilengkapi',
  NIK_INVALID: 'Perbaiki NIK dari KTP/KK asli',
  NIK_NOT_FOUND: 'Cocokkan NIK dengan KTP/KK',
  NIK_IDENTITY_MISMATCH: 'Periksa KTP/KK anggota ini',
  MATCH_UNCERTAIN: 'Periksa apakah calon data Dukcapil adalah orang yang sama',
  HEAD_DECEASED: 'Tetapkan kepala keluarga baru',
  REGION_INVALID: 'Perbaiki wilayah di SIKS-NG',
  REGION_OUTLIER: 'Periksa proses pendataan di wilayah ini',
  HOUSEHOLD_ANOMALY: 'Periksa susunan keluarga',
  FIELD_ANOMALY: 'Periksa isian dan perbaiki di SIKS-NG',
};

/** The default suggestion of a finding `f` by its reason, as SQL. */
const DEFAULT_SUGGESTION_SQL = `CASE f.reason ${Object.entries(DEFAULT_SUGGESTION)
  .map(([k, v]) => `WHEN '${k}' THEN '${v.replaceAll("'", "''")}'`)
  .join(' ')} END`;

/** NIK review reasons: they hold only when no confident match was found (SPEC §4). */
const NIK_REVIEW = ['NIK_MISSING', 'NIK_INVALID', 'NIK_NOT_FOUND', 'NIK_IDENTITY_MISMATCH'];
const NIK_REVIEW_LIST = NIK_REVIEW.map((r) => `'${r}'`).join(', ');

export interface DecideResult {
  deactivated: number;
  households: number;
  corrections: number;
  reviews: number;
  /** The operators' decisions (SPEC §5): applied, declined (TOLAK) and stale (no finding under the key). */
  decisions: { applied: number; declined: number; stale: number };
}

/**
 * The plan's last step: from the findings, the config's policies and the operators' decisions, one
 * decision per row and field. A row is deactivated at most once, by the first reason of DECEASED,
 * DUPLICATE, MOVED that holds, that the config enables and that no operator declined; corrections
 * and review items are kept for the rows that stay.
 *
 * Decisions (table `review_decisions`, the latest per `KUNCI`): TOLAK keeps a finding from being
 * applied and from being raised again; PERBAIKI replaces it with the operator's value as a
 * correction under rule `review.decision`; SETUJU lets a deactivation or correction stand and
 * applies a review item's suggestion (the candidate NIK of MATCH_UNCERTAIN; for two DTKS rows
 * that may be one person, the deactivation of the row asked about). A decided review item
 * is resolved and not listed again. A decision whose key matches no finding is stale.
 */
export async function decide(db: Db, config: Config): Promise<DecideResult> {
  await assignKunci(db);
  await checkKunciUnique(db);
  await ensureDecisionsTable(db);
  const enabled = DEACTIVATION_ORDER.filter(
    (r) =>
      (r === 'DECEASED' && config.deactivate.deceased) ||
      (r === 'DUPLICATE' && config.deactivate.duplicate) ||
      (r === 'MOVED' && config.deactivate.moved),
  );
  const order = `CASE reason ${DEACTIVATION_ORDER.map((r, i) => `WHEN '${r}' THEN ${i}`).join(' ')} END`;
  const enabledList = enabled.length ? enabled.map((r) => `'${r}'`).join(', ') : 'NULL';
  await db.exec(`
    -- The operators' latest word on each finding of this run.
    CREATE OR REPLACE TABLE main.decisions_applied AS
    WITH latest AS (
      SELECT * FROM review_decisions
      QUALIFY row_number() OVER (PARTITION BY kunci ORDER BY recorded_at DESC, workbook_sha256 DESC, row DESC) = 1
    )
    SELECT l.kunci, l.id_dtks, l.rule, l.keputusan, l.field, l.nilai_perbaikan,
      f.reason, f.action, f.candidate_baris,
      CASE WHEN f.kunci IS NULL THEN 'STALE'
           WHEN l.keputusan = 'TOLAK' THEN 'DECLINED'
           ELSE 'APPLIED' END AS hasil
    FROM latest l LEFT JOIN findings f ON f.kunci = l.kunci;

    -- Operator corrections: a PERBAIKI value, or the candidate NIK of an approved MATCH_UNCERTAIN.
    CREATE OR REPLACE TEMP TABLE _operator_corrections AS
    SELECT a.id_dtks, a.field, a.kunci,
      CASE a.field
        WHEN 'nik' THEN padan_nik_bersih(a.nilai_perbaikan)
        WHEN 'no_kk' THEN padan_nik_bersih(a.nilai_perbaikan)
        WHEN 'tgl_lahir' THEN strftime(padan_tanggal(a.nilai_perbaikan), '%Y-%m-%d')
        WHEN 'jenis_kelamin' THEN padan_jenis_kelamin(a.nilai_perbaikan)
        WHEN 'kode_desa' THEN (SELECT kode FROM ref_desa WHERE kode = padan_kode_titik(a.nilai_perbaikan))
        ELSE nullif(padan_teks(a.nilai_perbaikan), '')
      END AS new_value,
      'Diperbaiki oleh petugas dinas sosial (keputusan PERBAIKI)' AS evidence
    FROM decisions_applied a
    WHERE a.hasil = 'APPLIED' AND a.keputusan = 'PERBAIKI' AND a.field IS NOT NULL
    UNION ALL
    SELECT a.id_dtks, 'nik', a.kunci, c.nik, 'Calon di Dukcapil disetujui petugas dinas sosial (keputusan SETUJU)'
    FROM decisions_applied a JOIN dukcapil c ON c._baris = a.candidate_baris
    WHERE a.hasil = 'APPLIED' AND a.keputusan = 'SETUJU' AND a.reason = 'MATCH_UNCERTAIN';

    -- Findings the operators took out of padan's hands: declined, or replaced by their own value.
    CREATE OR REPLACE TEMP TABLE _overruled AS
    SELECT kunci FROM decisions_applied WHERE hasil = 'DECLINED'
    UNION SELECT kunci FROM decisions_applied WHERE hasil = 'APPLIED' AND keputusan = 'PERBAIKI';

    CREATE OR REPLACE TABLE main.deactivations AS
    WITH candidates AS (
      SELECT * FROM findings WHERE action = 'deactivate' AND reason IN (${enabledList})
        AND kunci NOT IN (SELECT kunci FROM _overruled)
      UNION ALL
      -- Two rows unknown to Dukcapil that an operator confirmed are one person (SETUJU on
      -- duplicate.uncertain): the row asked about goes as a DUPLICATE of the other.
      SELECT f.* REPLACE ('DUPLICATE' AS reason, 'deactivate' AS action, 'review.decision' AS rule,
        'Petugas dinas sosial menyetujui: ' || f.evidence AS evidence, 'PERSON' AS scope)
      FROM findings f JOIN decisions_applied a ON a.kunci = f.kunci
      WHERE f.rule = 'duplicate.uncertain' AND a.hasil = 'APPLIED' AND a.keputusan = 'SETUJU'
        AND 'DUPLICATE' IN (${enabledList})
    ),
    chosen AS (
      SELECT * FROM candidates
      QUALIFY row_number() OVER (PARTITION BY id_dtks ORDER BY ${order}, rule, evidence, kept_id_dtks, moved_to) = 1
    ),
    households AS (
      -- A household goes as a whole when every one of its member rows goes.
      SELECT d.id_keluarga FROM dtks d LEFT JOIN chosen c USING (id_dtks)
      GROUP BY d.id_keluarga HAVING count(*) = count(c.id_dtks)
    )
    SELECT d.id_dtks, d.id_keluarga, d.nik, d.nama, d.kode_desa, d.kode_kabupaten, c.reason,
      CASE WHEN h.id_keluarga IS NOT NULL THEN 'HOUSEHOLD' ELSE 'PERSON' END AS scope,
      c.kept_id_dtks, c.moved_to, c.evidence, c.rule, c.kunci, d._baris
    FROM chosen c JOIN dtks d USING (id_dtks)
    LEFT JOIN households h ON h.id_keluarga = d.id_keluarga
    ORDER BY d._baris;

    -- A recovered NIK is kept even on a row that goes (it is the row's true identity, for the
    -- audit trail); other field corrections only matter for rows that stay. An operator's value
    -- replaces padan's for the same field.
    CREATE OR REPLACE TABLE main.corrections AS
    SELECT * FROM (
      SELECT f.id_dtks, f.field, f.old_value, f.new_value, f.reason, f.confidence, f.rule, f.kunci, f.evidence, d._baris
      FROM findings f JOIN dtks d USING (id_dtks)
      WHERE f.action = 'correct' AND f.kunci NOT IN (SELECT kunci FROM _overruled)
        AND NOT EXISTS (SELECT 1 FROM _operator_corrections o
                        WHERE o.id_dtks = f.id_dtks AND o.field = f.field AND o.new_value IS NOT NULL)
        AND (f.reason = 'NIK_CORRECTED' OR f.id_dtks NOT IN (SELECT id_dtks FROM deactivations))
      UNION ALL
      SELECT o.id_dtks, o.field, ${currentValueSql('o.field')} AS old_value, o.new_value,
        CASE WHEN o.field = 'nik' THEN 'NIK_CORRECTED' ELSE 'FIELD_CORRECTED' END, 1.0, 'review.decision', o.kunci,
        o.evidence, d._baris
      FROM _operator_corrections o JOIN dtks d USING (id_dtks)
      WHERE o.new_value IS NOT NULL
        AND (o.field = 'nik' OR o.id_dtks NOT IN (SELECT id_dtks FROM deactivations))
    )
    ORDER BY _baris, field, rule, new_value;

    CREATE OR REPLACE TEMP TABLE _reviews AS
    SELECT f.id_dtks, d.id_keluarga, d.kode_desa, d.kode_kabupaten, f.reason, f.evidence,
      coalesce(f.suggested_action, ${DEFAULT_SUGGESTION_SQL}) AS suggested_action,
      f.rule, f.field, f.new_value, f.candidate_baris, f.kunci, d._baris
    FROM findings f JOIN dtks d USING (id_dtks)
    WHERE f.action = 'review'
      AND (f.reason = 'HEAD_DECEASED' OR f.id_dtks NOT IN (SELECT id_dtks FROM deactivations))
      -- A decided item is resolved: applied, declined, or replaced by the operator's value.
      AND f.kunci NOT IN (SELECT kunci FROM decisions_applied)
      AND NOT (f.reason IN (${NIK_REVIEW_LIST})
               AND f.id_dtks IN (SELECT id_dtks FROM findings WHERE reason = 'NIK_CORRECTED'))
      AND f.id_dtks NOT IN (SELECT id_dtks FROM _operator_corrections WHERE field = 'nik' AND new_value IS NOT NULL
                            AND f.reason IN (${NIK_REVIEW_LIST}, 'MATCH_UNCERTAIN'))
    UNION ALL
    -- A finding about a region (REGION_OUTLIER) has no row: review.csv lists it with an empty
    -- id_dtks and id_keluarga and the region's code (kab/kota 33.28, kecamatan 33.28.01) as kode_desa.
    SELECT NULL, NULL, f.wilayah, left(f.wilayah, 5), f.reason, f.evidence,
      coalesce(f.suggested_action, ${DEFAULT_SUGGESTION_SQL}), f.rule, f.field, f.new_value,
      f.candidate_baris, f.kunci, NULL
    FROM findings f
    WHERE f.action = 'review' AND f.id_dtks IS NULL AND f.kunci NOT IN (SELECT kunci FROM decisions_applied);

    -- One problem, one item: a row with an uncertain candidate and a missing or wrong NIK is one
    -- question (is the candidate this person?), with both facts in its evidence.
    CREATE OR REPLACE TABLE main.reviews AS
    WITH nik_facts AS (
      SELECT id_dtks, string_agg(evidence, '; ' ORDER BY reason, evidence) AS evidence
      FROM _reviews WHERE reason IN (${NIK_REVIEW_LIST})
        AND id_dtks IN (SELECT id_dtks FROM _reviews WHERE reason = 'MATCH_UNCERTAIN')
      GROUP BY id_dtks
    )
    SELECT r.* EXCLUDE (evidence),
      CASE WHEN r.reason = 'MATCH_UNCERTAIN' AND n.evidence IS NOT NULL THEN n.evidence || '; ' || r.evidence
           ELSE r.evidence END AS evidence
    FROM _reviews r LEFT JOIN nik_facts n ON n.id_dtks = r.id_dtks AND r.reason = 'MATCH_UNCERTAIN'
    WHERE NOT (r.reason IN (${NIK_REVIEW_LIST}) AND r.id_dtks IN (SELECT id_dtks FROM nik_facts))
    ORDER BY r._baris NULLS LAST, r.kode_desa, r.reason, r.rule, r.field, evidence;
    DROP TABLE _reviews;
    DROP TABLE _operator_corrections; DROP TABLE _overruled;`);
  const counts = await db.one<Record<string, number>>(`
    SELECT (SELECT count(*) FROM deactivations) AS deactivated,
      (SELECT count(DISTINCT id_keluarga) FROM deactivations WHERE scope = 'HOUSEHOLD') AS households,
      (SELECT count(*) FROM corrections) AS corrections,
      (SELECT count(*) FROM reviews) AS reviews,
      (SELECT count(*) FILTER (WHERE hasil = 'APPLIED') FROM decisions_applied) AS applied,
      (SELECT count(*) FILTER (WHERE hasil = 'DECLINED') FROM decisions_applied) AS declined,
      (SELECT count(*) FILTER (WHERE hasil = 'STALE') FROM decisions_applied) AS stale`);
  return {
    deactivated: counts?.deactivated ?? 0,
    households: counts?.households ?? 0,
    corrections: counts?.corrections ?? 0,
    reviews: counts?.reviews ?? 0,
    decisions: { applied: counts?.applied ?? 0, declined: counts?.declined ?? 0, stale: counts?.stale ?? 0 },
  };
}

/** The row's current value of a correctable field, as corrections.csv's old_value. */
function currentValueSql(field: string): string {
  return `CASE ${field} WHEN 'nik' THEN d.nik WHEN 'no_kk' THEN d.no_kk WHEN 'nama' THEN d.nama
    WHEN 'tgl_lahir' THEN strftime(d.tgl_lahir, '%Y-%m-%d') WHEN 'jenis_kelamin' THEN d.jenis_kelamin
    WHEN 'kode_desa' THEN d.kode_desa WHEN 'nama_ibu_kandung' THEN d.nama_ibu_kandung END`;
}

/** The decisions store's table (empty when the run has no `--decisions`). */
export const REVIEW_DECISIONS_DDL = `
CREATE TABLE IF NOT EXISTS main.review_decisions (
  kunci VARCHAR NOT NULL,
  id_dtks VARCHAR NOT NULL,
  rule VARCHAR NOT NULL,
  keputusan VARCHAR NOT NULL,
  field VARCHAR,
  nilai_perbaikan VARCHAR,
  catatan VARCHAR,
  workbook VARCHAR NOT NULL,
  workbook_sha256 VARCHAR NOT NULL,
  sheet VARCHAR NOT NULL,
  row BIGINT NOT NULL,
  recorded_at TIMESTAMP NOT NULL,
  run_id VARCHAR NOT NULL
)`;

async function ensureDecisionsTable(db: Db): Promise<void> {
  await db.exec(REVIEW_DECISIONS_DDL);
}

/** Two findings under one key would share an operator's decision: a bug in a rule. */
async function checkKunciUnique(db: Db): Promise<void> {
  const repeated = await db.count(
    'SELECT count(*) FROM (SELECT kunci FROM findings GROUP BY kunci HAVING count(*) > 1)',
  );
  if (repeated > 0) throw new Error(`${repeated} KUNCI values are shared by more than one finding`);
}
