import { corrections } from './corrections.js';
import { deactivate } from './deactivate.js';
import { dtksCorrected } from './dtks-corrected.js';
import { findings } from './findings.js';
import { htmlReport } from './html.js';
import { rejected } from './rejected.js';
import type { Report } from './report.js';
import { review } from './review.js';
import { summaryReport } from './summary.js';
import { workbooks } from './workbooks.js';

/**
 * Every output of a run but the manifest, in the order the write stage writes them. The manifest
 * (`manifest.ts`) is written after them all: it lists and hashes them, and its presence means the
 * run is complete.
 */
export const REPORTS: readonly Report[] = [
  dtksCorrected,
  deactivate,
  corrections,
  review,
  findings,
  rejected,
  workbooks,
  summaryReport,
  htmlReport,
];
