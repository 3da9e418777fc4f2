import type { DuckDBValue } from '@duckdb/node-api';
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
  /**
   * Add findings: `columns` names the findings columns `select` fills (`id_dtks, evidence, ...`).
   * The runner adds the rule's id and action, and its reason when the rule has one; a rule with
   * several reasons lists `reason` among the columns. It never writes `findings` itself.
   */
  emit(columns: string, select: string, params?: Record<string, DuckDBValue>): Promise<void>;
}

/**
 * One detection rule: a small value with its metadata and the SQL that finds it. Adding a rule is
 * one new file and one line in the catalogue. The runner (`runner.ts`) fills each finding's rule
 * id, action and reason from these fields and checks that the rule emitted only what it declares.
 */
export interface Rule {
  /** Stable id, e.g. `nik.structure`. */
  id: string;
  /** Bumped when what the rule finds changes; recorded in the manifest. */
  version: number;
  /**
   * Every reason code its findings carry; empty for evidence-only rules (reason NULL). With one,
   * the runner fills it; with several, the rule's SELECT says which for each finding.
   */
  reasons: readonly ReasonCode[];
  action: Action;
  severity: 'high' | 'medium' | 'low' | 'info';
  stage: Stage;
  /**
   * Rules whose findings this one reads. They run before it (the runner orders by them, not by the
   * catalogue's order), and disabling one while this one is enabled is a config error.
   */
  reads?: readonly string[];
  /** The config keys (dotted paths, `padan config --describe`) of this rule's tunable numbers. */
  settings?: readonly string[];
  description: { id: string; en: string };
  /** Find this rule's findings and `emit` them. */
  run(ctx: RuleContext): Promise<void>;
}

/**
 * The findings table every rule writes to. Columns beyond the reason carry what a decision needs:
 * the field and values of a correction, the row kept for a duplicate, the desa moved to, the
 * suggested action of a review item.
 *
 * Temporary while the rules run: decide keys every finding and stores the result as
 * `main.findings` (pipeline/kunci.ts), so the rows are written to the file once. Stored, each
 * rule's insert was compressed and written, and rewritten again by the keys (see WORKING_SCHEMA
 * in pipeline/db.ts).
 */
export const FINDINGS_DDL = `
CREATE OR REPLACE TEMP TABLE findings (
  /** The DTKS row; NULL for a finding about a region (REGION_OUTLIER), which names it in wilayah. */
  id_dtks VARCHAR,
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
  /** For a finding about a region rather than a row: its dotted code (kab/kota 33.28, kecamatan 33.28.01). */
  wilayah VARCHAR,
  /** The finding's key (SPEC §5), filled by decide: rule, id_dtks and a hash of what it rests on. */
  kunci VARCHAR
)`;

/** The findings columns a rule may emit: all but those the runner fills (rule, action, kunci). */
export const EMITTED_COLUMNS_DDL = `
CREATE OR REPLACE TEMP TABLE rule_output AS
SELECT * EXCLUDE (rule, action, kunci) FROM temp.main.findings LIMIT 0`;
