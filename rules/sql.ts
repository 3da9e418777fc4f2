/** SQL fragments several rules share. */

/** Exact age in whole years at a date, as a person would say it (not the count of new years crossed). */
export function ageSql(born: string, at: string): string {
  return `datepart('year', age(CAST(${at} AS TIMESTAMP), CAST(${born} AS TIMESTAMP)))`;
}
