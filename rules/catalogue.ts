import { deceased } from './deceased.js';
import { duplicateDtksOnly, duplicateUncertain } from './duplicate-dtks-only.js';
import { duplicateNik } from './duplicate-nik.js';
import { fieldAnomaly } from './field-anomaly.js';
import { fieldCorrected } from './field-corrected.js';
import { headDeceased } from './head-deceased.js';
import { householdStructure } from './household-structure.js';
import { kkDiffers } from './kk-differs.js';
import { kkStructure } from './kk-structure.js';
import { matchUncertain } from './match-uncertain.js';
import { moved } from './moved.js';
import { movedDoubtful } from './moved-doubtful.js';
import { nikBirthMismatch } from './nik-birth-mismatch.js';
import { nikCorrected } from './nik-corrected.js';
import { nikIdentityMismatch } from './nik-identity-mismatch.js';
import { nikNotFound } from './nik-not-found.js';
import { nikStructure } from './nik-structure.js';
import { regionFromDukcapil } from './region-from-dukcapil.js';
import { regionInvalid } from './region-invalid.js';
import { regionOutlier } from './region-outlier.js';
import type { Rule } from './rule.js';
import { sexNik } from './sex-nik.js';

/**
 * Every rule. Within a stage they run in this order, except that a rule always runs after the rules
 * it declares it reads (`runner.ts`).
 */
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
  duplicateDtksOnly,
  duplicateUncertain,
  moved,
  movedDoubtful,
  headDeceased,
  fieldCorrected,
  regionFromDukcapil,
  householdStructure,
  sexNik,
  kkDiffers,
  regionOutlier,
];
