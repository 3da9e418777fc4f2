import { tableReport } from './report.js';

/** Column order of `rejected.csv` (SPEC §2). */
export const REJECTED_COLUMNS = ['file', 'line', 'raw', 'reason'] as const;

/** `rejected.csv`: input lines that could not be read, with their file, line, raw text and reason. */
export const rejected = tableReport({
  name: 'rejected.csv',
  audience: 'engineers',
  query: `SELECT ${REJECTED_COLUMNS.join(', ')} FROM rejected ORDER BY file, line`,
});
