import type { Config } from '../pipeline/config.js';
import type { Db } from '../pipeline/db.js';

/** The reason codes of SPEC §4. */
export const REASON_CODES = [
  'DECEASED',
  'DUPLICATE',
  'MOVED',
  'NIK_CORRECTED',
  'FIELD_CORRECTED',
  'NIK_MISSING',
  'NIK_INVALID',
  'NIK_NOT_FOUND',
  'NIK_IDENTITY_MISMATCH',
  'MATCH_UNCERTAIN',
  'HEAD_DECEASED',
  'REGION_INVALID',
  'REGION_OUTLIER',
  'HOUSEHOLD_ANOMALY',
  'FIELD_ANOMALY',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** Deactivation reasons in the order of precedence of SPEC §3: the first that holds wins. */
export const DEACTIVATION_ORDER = ['DECEASED', 'DUPLICATE', 'MOVED'] as const;

export type Action = 'deactivate' | 'correct' | 'review' | 'info';
/** `match` rules read the exact NIK join; `link` rules read the probabilistic matches that follow it. */
export type Stage = 'validate' | 'match' | 'link' | 'detect';

export interface RuleContext {
  db: Db;
  config: Config;
  /** ISO date ages and NIK centuries are computed against. */
  referenceDate: string;
}

/**
 * One detection rule: a small value with its metadata and the SQL that inserts its findings into
 * the `findings` table. Adding a rule is one new file and one line in the catalogue.
 */
export interface Rule {
  /** Stable id, e.g. `nik.structure`. */
  id: string;
  /** Bumped when what the rule finds changes; recorded in the manifest. */
  version: number;
  /** The reason code its findings carry; `null` for evidence-only rules. */
  reason: ReasonCode | null;
  action: Action;
  severity: 'high' | 'medium' | 'low' | 'info';
  stage: Stage;
  description: { id: string; en: string };
  /** Insert this rule's findings. */
  run(ctx: RuleContext): Promise<void>;
}

/**
 * The findings table every rule writes to. Columns beyond the reason carry what a decision needs:
 * the field and values of a correction, the row kept for a duplicate, the desa moved to, the
 * suggested action of a review item.
 */
export const FINDINGS_DDL = `
CREATE OR REPLACE TABLE main.findings (
  id_dtks VARCHAR NOT NULL,
  rule VARCHAR NOT NULL,
  reason VARCHAR,
  action VARCHAR NOT NULL,
  evidence VARCHAR NOT NULL,
  field VARCHAR,
  old_value VARCHAR,
  new_value VARCHAR,
  confidence DOUBLE,
  kept_id_dtks VARCHAR,
  moved_to VARCHAR,
  scope VARCHAR,
  suggested_action VARCHAR,
  /** For matches: each comparison's level and weight (the match-weight waterfall). */
  detail VARCHAR,
  /** The Dukcapil record (_baris) a finding points at when it is not the row's match: a candidate. */
  candidate_baris BIGINT,
  /** The finding's key (SPEC §5), filled by decide: rule, id_dtks and a hash of what it rests on. */
  kunci VARCHAR
)`;
