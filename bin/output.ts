import { relative } from 'node:path';
import type { WorkbookOutcome } from '../pipeline/review.js';
import type { RunResult } from '../pipeline/run.js';

/** What a person sees after `padan run`: where the outputs are and what the run decided. */
export function formatRunSummary(result: RunResult): string {
  const s = result.summary;
  const where = relative(process.cwd(), result.outDir) || '.';
  const lines = [
    result.files.length > 0
      ? `padan run ${result.runId}: outputs in ${where}/`
      : `padan run ${result.runId}: plan only, database ${result.dbPath}`,
    `  DTKS rows      ${s.rows.dtks_loaded} loaded, ${s.rows.rejected} rejected lines (see rejected.csv)`,
    `  deactivate     ${s.deactivations.total} (${
      Object.entries(s.deactivations.by_reason)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    }); ${s.deactivations.households} whole households`,
    `  corrections    ${s.corrections.total} (${
      Object.entries(s.corrections.by_field)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    })`,
    `  review         ${s.reviews.total} (${
      Object.entries(s.reviews.by_reason)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    })`,
    `  still active   ${s.rows.dtks_aktif}`,
  ];
  if (result.files.length > 0) lines.push(`  files          ${result.files.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** What `padan apply-review` did with each workbook. */
export function formatReviewOutcomes(outcomes: WorkbookOutcome[]): string {
  const lines = outcomes.map((o) => {
    const counts = Object.entries(o.decisions)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    const what =
      o.status === 'stored'
        ? `stored (${counts})`
        : o.status === 'rejected'
          ? `REJECTED: ${o.problems.length} problem${o.problems.length > 1 ? 's' : ''}`
          : o.status === 'already stored'
            ? 'already stored (same file): nothing changed'
            : 'no decision filled in';
    return `  ${o.workbook.padEnd(24)} ${what}`;
  });
  return `padan apply-review: ${outcomes.length} workbook${outcomes.length === 1 ? '' : 's'}\n${lines.join('\n')}\n`;
}
