import { deceased } from './deceased.js';
import { duplicateNik } from './duplicate-nik.js';
import { fieldAnomaly } from './field-anomaly.js';
import { fieldCorrected } from './field-corrected.js';
import { headDeceased } from './head-deceased.js';
import { householdStructure } from './household-structure.js';
import { kkStructure } from './kk-structure.js';
import { matchUncertain } from './match-uncertain.js';
import { moved } from './moved.js';
import { movedDoubtful } from './moved-doubtful.js';
import { nikBirthMismatch } from './nik-birth-mismatch.js';
import { nikCorrected } from './nik-corrected.js';
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
  nikCorrected,
  matchUncertain,
  deceased,
  duplicateNik,
  moved,
  movedDoubtful,
  headDeceased,
  fieldCorrected,
  householdStructure,
];

export function rulesForStage(stage: Stage, disabled: readonly string[] = []): Rule[] {
  return CATALOGUE.filter((r) => r.stage === stage && !disabled.includes(r.id));
}
