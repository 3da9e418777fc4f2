import { DEACTIVATION_ORDER } from '../rules/rule.js';
import type { Config } from './config.js';
import type { Db } from './db.js';

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

export interface DecideResult {
  deactivated: number;
  households: number;
  corrections: number;
  reviews: number;
}

/**
 * The plan's last step: from the findings and the config's policies, one decision per row and
 * field. A row is deactivated at most once, by the first reason of DECEASED, DUPLICATE, MOVED that
 * holds and that the config enables; corrections and review items are kept for the rows that stay.
 */
export async function decide(db: Db, config: Config): Promise<DecideResult> {
  const enabled = DEACTIVATION_ORDER.filter(
    (r) =>
      (r === 'DECEASED' && config.deactivate.deceased) ||
      (r === 'DUPLICATE' && config.deactivate.duplicate) ||
      (r === 'MOVED' && config.deactivate.moved),
  );
  const order = `CASE reason ${DEACTIVATION_ORDER.map((r, i) => `WHEN '${r}' THEN ${i}`).join(' ')} END`;
  const enabledList = enabled.length ? enabled.map((r) => `'${r}'`).join(', ') : 'NULL';
  await db.exec(`
    CREATE OR REPLACE TABLE deactivations AS
    WITH chosen AS (
      SELECT * FROM findings WHERE action = 'deactivate' AND reason IN (${enabledList})
      QUALIFY row_number() OVER (PARTITION BY id_dtks ORDER BY ${order}, rule, evidence, kept_id_dtks, moved_to) = 1
    ),
    households AS (
      -- A household goes as a whole when every one of its member rows goes.
      SELECT d.id_keluarga FROM dtks d LEFT JOIN chosen c USING (id_dtks)
      GROUP BY d.id_keluarga HAVING count(*) = count(c.id_dtks)
    )
    SELECT d.id_dtks, d.id_keluarga, d.nik, d.nama, d.kode_desa, d.kode_kabupaten, c.reason,
      CASE WHEN h.id_keluarga IS NOT NULL THEN 'HOUSEHOLD' ELSE 'PERSON' END AS scope,
      c.kept_id_dtks, c.moved_to, c.evidence, c.rule, d._baris
    FROM chosen c JOIN dtks d USING (id_dtks)
    LEFT JOIN households h ON h.id_keluarga = d.id_keluarga
    ORDER BY d._baris;

    -- A recovered NIK is kept even on a row that goes (it is the row's true identity, for the
    -- audit trail); other field corrections only matter for rows that stay.
    CREATE OR REPLACE TABLE corrections AS
    SELECT f.id_dtks, f.field, f.old_value, f.new_value, f.reason, f.confidence, f.rule, d._baris
    FROM findings f JOIN dtks d USING (id_dtks)
    WHERE f.action = 'correct'
      AND (f.reason = 'NIK_CORRECTED' OR f.id_dtks NOT IN (SELECT id_dtks FROM deactivations))
    ORDER BY d._baris, f.field, f.rule;

    CREATE OR REPLACE TABLE reviews AS
    SELECT f.id_dtks, d.id_keluarga, d.kode_desa, d.kode_kabupaten, f.reason, f.evidence,
      coalesce(f.suggested_action, CASE f.reason ${Object.entries(DEFAULT_SUGGESTION)
        .map(([k, v]) => `WHEN '${k}' THEN '${v.replaceAll("'", "''")}'`)
        .join(' ')} END) AS suggested_action,
      f.rule, d._baris
    FROM findings f JOIN dtks d USING (id_dtks)
    WHERE f.action = 'review'
      AND (f.reason = 'HEAD_DECEASED' OR f.id_dtks NOT IN (SELECT id_dtks FROM deactivations))
      -- NIK review reasons hold only when no confident match was found (SPEC §4).
      AND NOT (f.reason IN ('NIK_MISSING', 'NIK_INVALID', 'NIK_NOT_FOUND', 'NIK_IDENTITY_MISMATCH')
               AND f.id_dtks IN (SELECT id_dtks FROM findings WHERE reason = 'NIK_CORRECTED'))
    ORDER BY d._baris, f.reason, f.rule;`);
  const counts = await db.one<Record<string, number>>(`
    SELECT (SELECT count(*) FROM deactivations) AS deactivated,
      (SELECT count(DISTINCT id_keluarga) FROM deactivations WHERE scope = 'HOUSEHOLD') AS households,
      (SELECT count(*) FROM corrections) AS corrections,
      (SELECT count(*) FROM reviews) AS reviews`);
  return {
    deactivated: counts?.deactivated ?? 0,
    households: counts?.households ?? 0,
    corrections: counts?.corrections ?? 0,
    reviews: counts?.reviews ?? 0,
  };
}
