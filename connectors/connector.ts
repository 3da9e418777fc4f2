import type { Db } from '../pipeline/db.js';

/**
 * One input format, on the model of kysely's dialects: a small value that tells its files by their
 * first bytes and loads one into a raw table. CSV, Parquet and XLSX implement it; `pipeline/ingest.ts`
 * picks the connector and does what every format shares (the header checks of the profile, the
 * ID DTKS checks, the row accounting).
 *
 * Loading is two steps: `read` does what needs no database (the CSV scan and its canonical copy, a
 * workbook's sheets, the file's hash), then the file's `load` fills the raw table. The run reads the
 * Dukcapil extract in JavaScript while DuckDB loads the DTKS export.
 *
 * Every connector loads every column as text (`all_varchar`: a reader that guesses types drops the
 * leading zeros and last digits of NIKs), named by the profile, with `_sumber` (the file's name)
 * and `_baris` (the record's line, or row, in the input), and sets aside what it cannot read in the
 * rejected table with its line number, raw text and reason.
 */
export interface Connector {
  format: InputFormat;
  /** Whether a file is in this format, from its first bytes (not its name). */
  sniff(head: Buffer): boolean;
  /** Read the file without the database; it throws UnreadableFile, or what `mapHeader` throws. */
  read(path: string, options: LoadOptions): Promise<ReadFile>;
}

/** A file read and ready to load: `load` runs at most once, on the connection that will use the table. */
export interface ReadFile {
  load(db: Db): Promise<LoadedInput>;
}

export type InputFormat = 'csv' | 'parquet' | 'xlsx';

export interface LoadOptions {
  /** The raw table to create. */
  table: string;
  /** Where rejected lines go: (file, line, raw, reason). */
  rejectTable: string;
  /** The file's name in `_sumber` and rejected.csv. */
  sourceName: string;
  /** A folder of this load's own for work files (removed by the caller). */
  workDir: string;
  /**
   * The profile's reading of the header as written: the column names to load under (canonical keys
   * for known columns, the header as written for extra ones), null for a column not to load. Throws
   * when the header cannot be read (a required column missing, one given twice): called before any
   * data is read.
   */
  mapHeader(header: string[]): (string | null)[];
  /** Whether a row holds the profile's required columns (a workbook's header row may not be its first). */
  holdsRequired(header: string[]): boolean;
  /**
   * Stops reading a CSV or hashing a file (it fails with an AbortError): the run was stopped, and
   * the other input's read must not hold it up. Reading a workbook does not stop.
   */
  signal?: AbortSignal;
}

/** What a connector loaded, for the manifest and the row accounting. */
export interface LoadedInput {
  format: InputFormat;
  bytes: number;
  sha256: string;
  /** The header as written. */
  header: string[];
  /** Records read (header and blank lines excluded) = loaded + rejected. */
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  /** Facts of the format worth a line in the manifest (encoding, delimiter, sheet, lines). */
  details: InputDetails;
}

export interface InputDetails {
  encoding?: string;
  delimiter?: string;
  sheet?: string;
  physicalLines?: number;
  blankLines?: number;
  multilineRecords?: number;
}

/** A file that cannot be read as its format at all: ingest turns it into an InputError naming the file. */
export class UnreadableFile extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableFile';
  }
}
