/** SQL fragments several rules share. */

/** Exact age in whole years at a date, as a person would say it (not the count of new years crossed). */
export function ageSql(born: string, at: string): string {
  return `datepart('year', age(CAST(${at} AS TIMESTAMP), CAST(${born} AS TIMESTAMP)))`;
}

/** One check of a row: the condition under which it fails, and the message that says so (never NULL). */
export interface Check {
  fails: string;
  message: string;
}

/**
 * The messages of the checks a row fails, joined with '; ', and the condition that it fails any.
 * Filter on `anyFails` first: building and filtering the list on every row was most of a rule's
 * time (nik.structure 2.2 s against 0.9 s at 1M rows), and the conditions are written once.
 *
 * `alone` is a check whose failure makes the others meaningless (a placeholder number has no parts
 * to check): its message is then the only one. It is not written into each other check's condition,
 * because DuckDB writes a flag's expression into a filter once per mention (a placeholder test in
 * six conditions made nik.structure 1.0 s slower).
 */
export function failedChecksSql(
  checks: readonly Check[],
  alone?: Check,
): { evidence: string; anyFails: string } {
  const messages = checks.map((c) => `CASE WHEN ${c.fails} THEN ${c.message} END`).join(',\n          ');
  const list = `array_to_string(list_filter([\n          ${messages}], x -> x IS NOT NULL), '; ')`;
  const all = alone ? [alone, ...checks] : checks;
  return {
    evidence: alone ? `CASE WHEN ${alone.fails} THEN ${alone.message} ELSE ${list} END` : list,
    anyFails: `(${all.map((c) => `(${c.fails})`).join(' OR ')})`,
  };
}
