import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/**
 * One streaming pass over an input file before DuckDB reads it: its SHA-256 for the manifest, its
 * encoding, its delimiter and header, and an independent count of the records in it, so that the
 * row accounting (read = loaded + rejected) checks DuckDB's reader instead of trusting it.
 * Memory stays constant whatever the file size.
 */
export interface CsvScan {
  path: string;
  bytes: number;
  sha256: string;
  encoding: 'utf-8' | 'windows-1252';
  bom: boolean;
  delimiter: Delimiter;
  /** Header fields as written (BOM and surrounding spaces removed). */
  header: string[];
  /** Data records, header excluded, blank lines excluded; a quoted field may span lines. */
  records: number;
  /** Physical lines holding data (header excluded, blank lines included). */
  dataLines: number;
  blankLines: number;
  /** Blank lines followed by more data (trailing blank lines do not shift line numbers). */
  interiorBlankLines: number;
  /** Records whose quoted fields contain a line break (line numbers then differ from record numbers). */
  multilineRecords: number;
  /** Bytes that are not valid UTF-8 (in a file judged UTF-8 these lines are rejected by the reader). */
  invalidUtf8Bytes: number;
}

export const DELIMITERS = [',', ';', '|', '\t'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Hash a file in one streaming pass (for Parquet inputs, which need no record scan). */
export async function sha256File(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buf = chunk as Buffer;
    hash.update(buf);
    bytes += buf.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Choose the delimiter that splits the header into the most fields (quotes respected). */
export function detectDelimiter(headerLine: string): Delimiter {
  let best: Delimiter = ',';
  let bestCount = -1;
  for (const d of DELIMITERS) {
    const n = splitCsvLine(headerLine, d).length;
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

/** Split one line of CSV (RFC 4180 quoting). Used for the header only; DuckDB reads the data. */
export function splitCsvLine(line: string, delimiter = ','): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let atStart = true;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && atStart) {
      quoted = true;
      atStart = false;
    } else if (ch === delimiter) {
      fields.push(field);
      field = '';
      atStart = true;
    } else {
      field += ch;
      if (ch !== ' ') atStart = false;
    }
  }
  fields.push(field);
  return fields;
}

/**
 * Scan a delimited text file. The record count follows RFC 4180 as DuckDB's strict reader does: a
 * quote opens a quoted field only at the start of a field, `""` inside it is a literal quote, and a
 * line break inside quotes does not end the record.
 */
export async function scanCsv(path: string): Promise<CsvScan> {
  const size = (await stat(path)).size;
  const hash = createHash('sha256');
  const headerBytes: number[] = [];
  let headerDone = false;
  let bom = false;
  let offset = 0;

  let delimiterByte = 0x2c;
  let delimiter: Delimiter = ',';
  // Record state machine
  let inQuotes = false;
  let quoteMaybeClosed = false;
  let atFieldStart = true;
  let recordHasContent = false;
  let recordLines = 1;
  let records = 0;
  let dataLines = 0;
  let blankLines = 0;
  let pendingBlank = 0;
  let interiorBlankLines = 0;
  let multilineRecords = 0;
  // UTF-8 validation state
  let utf8Need = 0;
  let utf8Valid = 0;
  let invalid = 0;

  const endRecord = (): void => {
    if (recordHasContent) {
      records++;
      if (recordLines > 1) multilineRecords++;
      interiorBlankLines += pendingBlank;
      pendingBlank = 0;
    } else {
      blankLines++;
      pendingBlank++;
    }
    dataLines += recordLines;
    recordHasContent = false;
    recordLines = 1;
    atFieldStart = true;
  };

  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buf = chunk as Buffer;
    hash.update(buf);
    let i = 0;
    if (offset === 0 && buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
      bom = true;
      i = 3;
    }
    offset += buf.length;
    for (; i < buf.length; i++) {
      const b = buf[i] as number;
      // UTF-8 well-formedness, counted rather than thrown so that one bad line does not decide
      // the encoding of a whole file.
      if (utf8Need > 0) {
        if ((b & 0xc0) === 0x80) {
          utf8Need--;
          if (utf8Need === 0) utf8Valid++;
        } else {
          invalid++;
          utf8Need = 0;
        }
      }
      if (utf8Need === 0 && b >= 0x80 && (b & 0xc0) !== 0x80) {
        if (b >= 0xc2 && b <= 0xdf) utf8Need = 1;
        else if (b >= 0xe0 && b <= 0xef) utf8Need = 2;
        else if (b >= 0xf0 && b <= 0xf4) utf8Need = 3;
        else invalid++;
      } else if (utf8Need === 0 && b >= 0x80 && (b & 0xc0) === 0x80) {
        // a continuation byte with no lead byte: only reached when the previous sequence ended
        invalid++;
      }

      if (!headerDone) {
        if (b === LF) {
          headerDone = true;
          if (headerBytes.length > 0 && headerBytes[headerBytes.length - 1] === CR) headerBytes.pop();
          delimiter = detectDelimiter(Buffer.from(headerBytes).toString('latin1'));
          delimiterByte = delimiter.charCodeAt(0);
        } else if (headerBytes.length < 1 << 16) headerBytes.push(b);
        continue;
      }

      if (inQuotes) {
        if (quoteMaybeClosed) {
          quoteMaybeClosed = false;
          if (b === QUOTE) continue; // "" is an escaped quote
          inQuotes = false; // the previous quote closed the field; handle b below
        } else {
          if (b === QUOTE) quoteMaybeClosed = true;
          else if (b === LF) recordLines++;
          continue;
        }
      }
      if (b === LF) {
        endRecord();
      } else if (b === CR) {
        // part of CRLF; a lone CR is kept as content (as DuckDB does with an explicit LF newline)
      } else if (b === delimiterByte) {
        atFieldStart = true;
        recordHasContent = true;
      } else if (b === QUOTE && atFieldStart) {
        inQuotes = true;
        recordHasContent = true;
        atFieldStart = false;
      } else if (b !== 0x20) {
        atFieldStart = false;
        recordHasContent = true;
      }
    }
  }
  if (!headerDone) {
    headerDone = true;
    delimiter = detectDelimiter(Buffer.from(headerBytes).toString('latin1'));
  } else if (recordHasContent || inQuotes) {
    // last record without a final line break
    recordHasContent = true;
    endRecord();
  }
  if (utf8Need > 0) invalid++;

  // A file with high bytes that are never valid UTF-8 sequences is a Windows-1252 export (Excel on
  // Windows); a UTF-8 file with a few broken lines stays UTF-8 and those lines are rejected.
  const encoding = invalid > 0 && utf8Valid === 0 ? 'windows-1252' : 'utf-8';
  const headerText = Buffer.from(headerBytes).toString(encoding === 'utf-8' ? 'utf8' : 'latin1');
  const header = splitCsvLine(headerText, delimiter).map((h) => h.trim());
  return {
    path,
    bytes: size,
    sha256: hash.digest('hex'),
    encoding,
    bom,
    delimiter,
    header,
    records,
    dataLines,
    blankLines,
    interiorBlankLines,
    multilineRecords,
    invalidUtf8Bytes: invalid,
  };
}
