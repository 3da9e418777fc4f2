import { nameKeys } from './names.js';

/**
 * The keys of a batch of raw names, one text per name in the batch's order: the normalised name,
 * its tokens' phonetic keys (space-separated) and its initials, joined by U+001F, which none of them
 * holds. One text a name because the appender's calls on the main thread bounded the names table
 * once the keys were made on workers (split in SQL; lists through the appender are dearer still).
 */
export interface NameBatch {
  keys: string[];
}

/** Separates a name's keys in a NameBatch text. */
export const KEY_SEPARATOR = '\u001f';

/** Normalise raw names: the work of the names table, here or on a worker thread. */
export function normaliseBatch(names: readonly string[]): NameBatch {
  const keys: string[] = [];
  for (const raw of names) {
    const k = nameKeys(raw);
    keys.push(`${k.norm}${KEY_SEPARATOR}${k.fonetik.join(' ')}${KEY_SEPARATOR}${k.inisial}`);
  }
  return { keys };
}
