import { initials, nameTokens, normaliseName, phoneticKey } from './names.js';

/** The keys of a batch of raw names, one entry per name in each list, in the batch's order. */
export interface NameBatch {
  norm: string[];
  /** The tokens' phonetic keys, space-separated (split in SQL: lists through the appender are dear). */
  fonetik: string[];
  inisial: string[];
}

/** Normalise raw names: the work of the names table, here or on a worker thread. */
export function normaliseBatch(names: readonly string[]): NameBatch {
  const norm: string[] = [];
  const fonetik: string[] = [];
  const inisial: string[] = [];
  for (const raw of names) {
    const n = normaliseName(raw);
    norm.push(n);
    fonetik.push(nameTokens(n).map(phoneticKey).join(' '));
    inisial.push(initials(n));
  }
  return { norm, fonetik, inisial };
}
