import { deceased } from './deceased.js';
import { duplicateNik } from './duplicate-nik.js';
import { fieldAnomaly } from './field-anomaly.js';
import { fieldCorrected } from './field-corrected.js';
import { headDeceased } from './head-deceased.js';
import { householdStructure } from './household-structure.js';
import { kkStructure } from './kk-structure.js';
import { moved } from './moved.js';
import { nikBirthMismatch } from './nik-birth-mismatch.js';
import { nikIdentityMismatch } from './nik-identity-mismatch.js';
import { nikNotFound } from './nik-not-found.js';
import { nikStructure } from './nik-structure.js';
import { regionInvalid } from './region-invalid.js';
import type { Rule, Stage } from './rule.js';

/** Every rule, in the order they run within a stage (later rules may read earlier findings). */
export const CATALOGUE: readonly Rule[] = [
  nikStructure,
  nikBirthMismatch,
  kkStructure,
  regionInvalid,
  fieldAnomaly,
  nikNotFound,
  nikIdentityMismatch,
  deceased,
  duplicateNik,
  moved,
  headDeceased,
  fieldCorrected,
  householdStructure,
];

export function rulesForStage(stage: Stage, disabled: readonly string[] = []): Rule[] {
  return CATALOGUE.filter((r) => r.stage === stage && !disabled.includes(r.id));
}
