/**
 * A column profile maps the header of one input layout onto padan's canonical column names.
 * Headers match case-insensitively after trimming and collapsing spaces (SPEC §1); `_` and space
 * are treated alike so that `NO_KK` and `NO KK` both match.
 */
export interface ProfileColumn {
  /** Header as written in SPEC. */
  header: string;
  /** Canonical column name in the raw table. */
  key: string;
  required: boolean;
  /** Other spellings seen in real exports. */
  aliases?: readonly string[];
  /**
   * false: a column the profile recognises but padan never reads and passes nowhere (Dukcapil's
   * address, religion, marital status). It is not loaded: personal data padan has no use for stays
   * out of the run's database (UU PDP's data minimisation), and storing it cost time. Default true.
   */
  read?: boolean;
}

export interface Profile {
  name: string;
  columns: readonly ProfileColumn[];
  /**
   * What becomes of a column the profile does not know: 'keep' loads it as written (the DTKS
   * export's pass through to dtks_corrected, SPEC §1); 'drop' leaves it out, as a column whose
   * `read` is false (nothing downstream of the Dukcapil extract shows it).
   */
  extraColumns: 'keep' | 'drop';
}

export function headerKey(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .replace(/_/g, ' ')
    .trim()
    .replace(/\s+/g, ' ')
    .toUpperCase();
}

export interface HeaderMapping {
  /** For each file column, in file order: the canonical key, or the header as written for an extra column. */
  columns: string[];
  /** Canonical keys found. */
  found: Set<string>;
  /** Required headers that are missing. */
  missing: string[];
  /** File headers that are not in the profile (loaded or not as `Profile.extraColumns` says). */
  extra: string[];
}

/** Match a file's header against a profile. */
export function mapHeader(profile: Profile, header: readonly string[]): HeaderMapping {
  const byKey = new Map<string, ProfileColumn>();
  for (const column of profile.columns) {
    byKey.set(headerKey(column.header), column);
    for (const alias of column.aliases ?? []) byKey.set(headerKey(alias), column);
  }
  const columns: string[] = [];
  const found = new Set<string>();
  const extra: string[] = [];
  const used = new Set<string>();
  for (const [i, raw] of header.entries()) {
    const column = byKey.get(headerKey(raw));
    if (column && !found.has(column.key)) {
      columns.push(column.key);
      found.add(column.key);
      used.add(column.key);
    } else {
      // An extra (or repeated) column keeps its own header; a blank header gets its position.
      let name = raw.trim() === '' ? `KOLOM_${i + 1}` : raw.trim();
      while (used.has(name)) name = `${name}_${i + 1}`;
      used.add(name);
      columns.push(name);
      extra.push(name);
    }
  }
  const missing = profile.columns.filter((c) => c.required && !found.has(c.key)).map((c) => c.header);
  return { columns, found, missing, extra };
}

/**
 * The columns to load, in file order: a mapping's names, null for a column left out (one whose
 * `read` is false, and the extra columns of a profile that drops them).
 */
export function loadedColumns(profile: Profile, mapping: HeaderMapping): (string | null)[] {
  const unread = new Set(profile.columns.filter((c) => c.read === false).map((c) => c.key));
  const extra = new Set(mapping.extra);
  return mapping.columns.map((column) =>
    unread.has(column) || (profile.extraColumns === 'drop' && extra.has(column)) ? null : column,
  );
}

/** Two header positions (1-based) that name the same column. */
export interface DuplicateColumn {
  first: number;
  second: number;
  /** The headers as written. */
  firstHeader: string;
  secondHeader: string;
  /** The profile's header when both are spellings of one profile column. */
  column?: string;
}

/**
 * The first pair of header columns that name one column: the same header (case and spacing aside),
 * or two spellings of one profile column (`NIK` and `NOMOR NIK`). Loading either would silently
 * drop the other's values, so a repeated column stops the run.
 */
export function duplicateColumn(profile: Profile, header: readonly string[]): DuplicateColumn | null {
  const byAlias = new Map<string, ProfileColumn>();
  for (const column of profile.columns) {
    byAlias.set(headerKey(column.header), column);
    for (const alias of column.aliases ?? []) byAlias.set(headerKey(alias), column);
  }
  const seen = new Map<string, number>();
  for (const [i, raw] of header.entries()) {
    if (raw.trim() === '') continue;
    const column = byAlias.get(headerKey(raw));
    const key = column ? `profile:${column.key}` : `header:${headerKey(raw)}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      return {
        first: earlier + 1,
        second: i + 1,
        firstHeader: (header[earlier] as string).trim(),
        secondHeader: raw.trim(),
        ...(column ? { column: column.header } : {}),
      };
    }
    seen.set(key, i);
  }
  return null;
}
