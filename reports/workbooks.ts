import { mkdir, rename } from 'node:fs/promises';
import type { DuckDBBlobValue, DuckDBDataChunk, DuckDBResult } from '@duckdb/node-api';
import { type Db, sqlString } from '../pipeline/db.js';
import { parseSize } from '../pipeline/memory.js';
import { ALASAN, CAKUPAN, KOLOM, labelSql } from './labels.js';
import type { Report } from './report.js';
import {
  NO_REGION,
  probeStyles,
  SHEETS,
  type SheetName,
  WorkbookFile,
  type WorkbookSpec,
} from './workbook-file.js';
import { itemsXmlQuery, type SheetStyles } from './workbook-xml.js';

export { NO_REGION } from './workbook-file.js';

/**
 * `regions/<kode_kab>.xlsx` (SPEC §5): one workbook per kabupaten/kota with findings, for the dinas
 * sosial operators who fix the data and send decisions back. Sheets `Ringkasan` (what is in it and
 * how to fill it), `Nonaktif`, `Perbaikan` and `Verifikasi` (the kab's rows of deactivate.csv,
 * corrections.csv and review.csv), all in Indonesian, sorted by kecamatan, desa and household so
 * that one visit covers one family.
 *
 * Every data sheet: the finding's columns, locked; `KUNCI`, the finding's key; then the operator's
 * `KEPUTUSAN` (a drop-down), `NILAI PERBAIKAN` and `CATATAN`, unlocked and formatted as text (a
 * NIK typed there stays 16 digits). The sheets are protected without a password: the protection
 * keeps accidental edits out of the finding columns, and a hidden `KODE CEK` per row (a hash of
 * the row's locked cells) lets `padan apply-review` tell a finding that was edited anyway.
 *
 * Written with exceljs' streaming writer (`workbook-file.ts`), one chunk of rows at a time from
 * DuckDB, so that a workbook of a kab with 270,000 rows never sits whole in memory. DuckDB renders
 * each data row's XML (`workbook-xml.ts`) and this thread moves it into the zip, whose compression
 * runs on Node's thread pool; several workbooks are written at once. Bytes are deterministic: the
 * document and every zip entry carry the run's reference date.
 */
export const workbooks: Report = {
  name: 'regions/',
  audience: 'dinas sosial',
  async write(ctx) {
    const { db } = ctx;
    await prepareItems(db);
    const kabs = await db.all<{ kab: string; nama: string | null }>(
      `SELECT kab, any_value(kab_nama) AS nama FROM workbook_items GROUP BY kab ORDER BY kab`,
    );
    // Every workbook's counts for its summary sheet in one query, not one scan per workbook.
    const counts = new Map<string, WorkbookSpec['counts']>();
    for (const c of await db.all<{ kab: string; sheet: string; alasan: string; n: number }>(
      'SELECT kab, sheet, alasan, count(*) AS n FROM workbook_items GROUP BY ALL ORDER BY kab, sheet, alasan',
    )) {
      const list = counts.get(c.kab) ?? [];
      list.push({ sheet: c.sheet, alasan: c.alasan, n: String(c.n) });
      counts.set(c.kab, list);
    }
    ctx.logger.debug({ workbooks: kabs.length }, 'district workbooks');
    const first = kabs[0];
    if (first) {
      await mkdir(ctx.out.path('regions'), { recursive: true });
      const spec = (kab: string, kabNama: string | null, file: string): WorkbookSpec => ({
        file,
        kab,
        kabNama,
        runId: ctx.run.runId,
        referenceDate: ctx.run.referenceDate,
        counts: counts.get(kab) ?? [],
      });
      const styles = await probeStyles(
        spec(first.kab, first.nama, ctx.out.temporary('regions/.styles.xlsx')),
      );
      let done = 0;
      await writeWorkbooks(
        db,
        kabs.map((k) => ({
          spec: spec(k.kab, k.nama, ctx.out.temporary(`regions/${k.kab}.xlsx`)),
          finished: async (rows: number) => {
            const name = `regions/${k.kab}.xlsx`;
            await rename(ctx.out.temporary(name), ctx.out.path(name));
            await ctx.out.recorded(name, { rows });
            ctx.progress?.(`workbook ${k.kab}`, ++done, kabs.length);
          },
        })),
        styles,
      );
    }
    await db.exec('DROP TABLE temp.main.workbook_items');
  },
};

/** Rows handed to a zip at a time (about 1 MB of XML). */
const PIECE_ROWS = 1024;
/**
 * Rows rendered at a time, per DuckDB thread: whole workbooks, about 1 KB of XML a row. DuckDB
 * scans a table a row group (122,880 rows) per thread at a time, so a smaller batch leaves threads
 * idle; a batch is also at most a sixteenth of DuckDB's memory (BATCH_MEMORY_SHARE).
 */
const BATCH_ROWS_PER_THREAD = 122_880;
const BATCH_MEMORY_SHARE = 1 / 16;
/** Bytes of XML a row is taken for when sizing a batch (1.1 KB on average at 1M rows). */
const ROW_XML_BYTES = 1200;
/** Bytes of XML handed to the zips and not yet compressed, at most (then this thread waits). */
const MAX_UNCOMPRESSED = 64 * 2 ** 20;

/** A workbook to write: its spec, and what to do once its file is complete. */
export interface WorkbookJob {
  spec: WorkbookSpec;
  finished: (rows: number) => Promise<void>;
}

/**
 * The workbooks in `table`'s order (kab/kota, sheet, row), a batch of rows at a time. DuckDB
 * renders a batch's rows (`itemsXmlQuery`) on its threads into a temporary table; this thread then
 * streams them, joins them into pieces of PIECE_ROWS rows and hands each sheet its pieces, as
 * bytes, and the zips compress them on Node's thread pool, several workbooks at once, with at most
 * MAX_UNCOMPRESSED bytes waiting. Rendered all at once, the whole XML (about 1 KB a row, 1 GB with
 * its pieces at 1M rows) sat in DuckDB's memory. `table` is a table of `db`'s connection, in
 * kab/kota order (a batch is a range of it).
 */
export async function writeWorkbooks(
  db: Db,
  workbooks: WorkbookJob[],
  styles: Record<SheetName, SheetStyles>,
  table = 'workbook_items',
): Promise<void> {
  const pending = new Compression(MAX_UNCOMPRESSED);
  try {
    for (const batch of inBatches(workbooks, await batchRows(db))) {
      await renderBatch(db, batch, styles, table);
      const rows = new XmlRows(
        await db.connection.stream('SELECT kab, sheet, r, xml FROM temp.main.workbook_rows'),
      );
      await writeBatch(batch, rows, styles, pending);
    }
    await pending.all();
  } finally {
    await pending.settled();
    await db.exec('DROP TABLE IF EXISTS temp.main.workbook_rows');
  }
}

/** Rows a batch holds: a row group per DuckDB thread, within a share of DuckDB's memory. */
async function batchRows(db: Db): Promise<number> {
  const setting = await db.one<{ threads: number; memory: string }>(
    "SELECT current_setting('threads')::BIGINT AS threads, current_setting('memory_limit') AS memory",
  );
  const threads = Math.max(Number(setting?.threads ?? 1), 1);
  const memory = parseSize(setting?.memory ?? '1GiB');
  return Math.max(
    PIECE_ROWS,
    Math.min(threads * BATCH_ROWS_PER_THREAD, Math.floor((memory * BATCH_MEMORY_SHARE) / ROW_XML_BYTES)),
  );
}

/** Rows of a workbook, by its counts. */
function rowsOf(spec: WorkbookSpec, sheet?: SheetName): number {
  return spec.counts.filter((c) => !sheet || c.sheet === sheet).reduce((sum, c) => sum + Number(c.n), 0);
}

/** Consecutive workbooks in batches of about `rows` rows (a workbook larger than that alone). */
function inBatches(workbooks: WorkbookJob[], rows: number): WorkbookJob[][] {
  const batches: WorkbookJob[][] = [];
  let current: WorkbookJob[] = [];
  let n = 0;
  for (const w of workbooks) {
    if (current.length > 0 && n + rowsOf(w.spec) > rows) {
      batches.push(current);
      current = [];
      n = 0;
    }
    current.push(w);
    n += rowsOf(w.spec);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** A batch's rows rendered by DuckDB into `workbook_rows`, in the table's order, as UTF-8 bytes. */
async function renderBatch(
  db: Db,
  batch: WorkbookJob[],
  styles: Record<SheetName, SheetStyles>,
  table: string,
): Promise<void> {
  const first = sqlString(batch[0]?.spec.kab ?? '');
  const last = sqlString(batch[batch.length - 1]?.spec.kab ?? '');
  // As bytes (encode): this thread hands them to the zips as they are, without decoding the text.
  await db.exec(`
    CREATE OR REPLACE TEMP TABLE workbook_rows AS
    SELECT kab, sheet, r, encode(xml) AS xml
    FROM (${itemsXmlQuery(styles, `(SELECT * FROM ${table} WHERE kab BETWEEN ${first} AND ${last})`)})`);
}

/**
 * The rows of `workbook_rows` taken a sheet at a time, each checked to be the one expected: the
 * sheet's kab/kota and name, numbered from 2 on (the header is row 1). The table keeps the order
 * it was made in (preserve_insertion_order), which is workbook_items', so it is read without a sort.
 */
class XmlRows {
  private chunk: DuckDBDataChunk | null = null;
  private at = 0;

  constructor(private readonly result: DuckDBResult) {}

  /** The next `n` rows, `kab`'s of `sheet`, joined into pieces of up to PIECE_ROWS rows. */
  async *take(kab: string, sheet: SheetName, n: number): AsyncGenerator<{ xml: Buffer; rows: number }> {
    const parts: Uint8Array[] = [];
    for (let r = 2; r < n + 2; r++) {
      if (!this.chunk || this.at >= this.chunk.rowCount) {
        this.chunk = await this.result.fetchChunk();
        this.at = 0;
        if (!this.chunk || this.chunk.rowCount === 0) {
          throw new Error(`workbook ${kab}: sheet ${sheet} has ${r - 2} rows of ${n}`);
        }
      }
      const chunk = this.chunk;
      const i = this.at++;
      const value = (k: number) => chunk.getColumnVector(k).getItem(i);
      if (value(0) !== kab || value(1) !== sheet || value(2) !== r) {
        throw new Error(`workbook ${kab}: sheet ${sheet} row ${r}: the rows came out of order`);
      }
      parts.push((value(3) as DuckDBBlobValue).bytes);
      if (parts.length === PIECE_ROWS || r === n + 1) {
        yield { xml: Buffer.concat(parts), rows: parts.length };
        parts.length = 0;
      }
    }
  }

  /** Every row taken: the query must have none left. */
  async end(): Promise<void> {
    const left = this.chunk ? this.chunk.rowCount - this.at : 0;
    const next = left > 0 ? this.chunk : await this.result.fetchChunk();
    if (next && next.rowCount > 0) throw new Error('workbooks: rows left over that no workbook took');
  }
}

/** A batch's workbooks from its rows. */
async function writeBatch(
  batch: WorkbookJob[],
  rows: XmlRows,
  styles: Record<SheetName, SheetStyles>,
  pending: Compression,
): Promise<void> {
  for (const { spec, finished } of batch) {
    const file = new WorkbookFile(spec);
    for (const sheet of Object.keys(SHEETS) as SheetName[]) {
      const n = rowsOf(spec, sheet);
      const begun = file.beginSheet(sheet, n);
      if (begun && !sameStyles(begun, styles[sheet])) {
        throw new Error(`workbook ${spec.kab}: sheet ${sheet} has other style ids than the first workbook`);
      }
      for await (const piece of rows.take(spec.kab, sheet, n)) {
        await pending.add(piece.xml.length, file.addXml(piece.xml, piece.rows));
      }
      // The sheet's closing parts follow its rows in the part's stream: nothing to wait for.
      await file.endSheet();
    }
    await pending.add(0, file.finish().then(finished));
  }
  await rows.end();
}

/**
 * What the zips have been handed and not yet compressed, and the workbooks being finished: `add`
 * waits while more than `limit` bytes wait. A failure surfaces at the next `add` or at `all`.
 */
class Compression {
  private readonly waiting = new Set<Promise<void>>();
  private bytes = 0;
  private failure: unknown = null;

  constructor(private readonly limit: number) {}

  async add(bytes: number, done: Promise<void>): Promise<void> {
    this.bytes += bytes;
    const tracked: Promise<void> = done.then(
      () => {
        this.bytes -= bytes;
        this.waiting.delete(tracked);
      },
      (error: unknown) => {
        this.failure ??= error;
        this.waiting.delete(tracked);
      },
    );
    this.waiting.add(tracked);
    while (this.bytes > this.limit && this.waiting.size > 0) await Promise.race(this.waiting);
    if (this.failure) throw this.failure;
  }

  async all(): Promise<void> {
    await this.settled();
    if (this.failure) throw this.failure;
  }

  async settled(): Promise<void> {
    while (this.waiting.size > 0) await Promise.all(this.waiting);
  }
}

function sameStyles(a: SheetStyles, b: SheetStyles): boolean {
  return a.row === b.row && a.cells.length === b.cells.length && a.cells.every((c, i) => c === b.cells[i]);
}

/**
 * The field a PERBAIKI corrects, per item: the correction's own field; for a deactivation the NIK
 * (the person matched may be someone else) or, for a move, the desa; for NIK review items the NIK;
 * for a region the desa code; for the others their field when it is one the SPEC lets change.
 */
const KOLOM_SQL = `CASE
  WHEN s.sheet = 'Perbaikan' THEN s.field
  WHEN s.reason = 'MOVED' OR s.reason = 'REGION_INVALID' THEN 'kode_desa'
  WHEN s.reason IN ('DECEASED', 'DUPLICATE', 'NIK_MISSING', 'NIK_INVALID', 'NIK_NOT_FOUND',
                    'NIK_IDENTITY_MISMATCH', 'MATCH_UNCERTAIN') THEN 'nik'
  WHEN s.field IN (${Object.keys(KOLOM)
    .map((k) => `'${k}'`)
    .join(', ')}) THEN s.field
  END`;

/**
 * One table with every item of every workbook, in the order the sheets show them (temporary: the
 * workbooks are written from it on this connection, and nothing reads it after), with what an
 * operator needs to find the person: names of desa and kecamatan from the region reference (the
 * typed names where the region did not resolve), NIK and KK as typed in SIKS-NG.
 */
async function prepareItems(db: Db): Promise<void> {
  await db.exec(`
    CREATE OR REPLACE TEMP TABLE workbook_items AS
    WITH items AS (
      SELECT 'Nonaktif' AS sheet, id_dtks, reason, NULL AS field, NULL AS old_value, NULL AS new_value,
        NULL::DOUBLE AS confidence, scope, kept_id_dtks, moved_to, evidence, NULL AS suggested_action,
        NULL::BIGINT AS candidate_baris, kunci, NULL AS wilayah
      FROM deactivations
      UNION ALL
      SELECT 'Perbaikan', id_dtks, reason, field, old_value, new_value, confidence, NULL, NULL, NULL, evidence,
        NULL, NULL, kunci, NULL
      FROM corrections
      UNION ALL
      -- A region's item (REGION_OUTLIER) has no row; its region code stands in kode_desa.
      SELECT 'Verifikasi', id_dtks, reason, field, NULL, new_value, NULL, NULL, NULL, NULL, evidence,
        suggested_action, candidate_baris, kunci, CASE WHEN id_dtks IS NULL THEN kode_desa END
      FROM reviews
    ),
    -- The register's rows, raw rows and Dukcapil candidates the items name, before they are joined:
    -- joined whole, the three tables' hash tables did not fit in DuckDB's share of 1 GB on a 1M run.
    item_dtks AS (SELECT * FROM dtks WHERE id_dtks IN (SELECT id_dtks FROM items)),
    item_raw AS (SELECT * FROM raw_dtks WHERE _baris IN (SELECT _baris FROM item_dtks)),
    item_calon AS (
      SELECT * FROM dukcapil
      WHERE _baris IN (SELECT candidate_baris FROM items WHERE reason = 'MATCH_UNCERTAIN')
    ),
    q AS (
    SELECT s.sheet, coalesce(d.kode_kabupaten, left(s.wilayah, 5), '${NO_REGION}') AS kab, k.nama AS kab_nama,
      d.id_dtks, d.id_keluarga, r.nama, r.nik, r.no_kk,
      coalesce(strftime(d.tgl_lahir, '%Y-%m-%d'), r.tgl_lahir) AS tgl_lahir,
      d.hubungan,
      coalesce(v.nama, r.desa) AS desa, coalesce(c.nama, r.kecamatan, wc.nama) AS kecamatan,
      coalesce(d.kode_desa, s.wilayah) AS kode_desa,
      ${labelSql('s.reason', ALASAN, true)} AS alasan,
      ${labelSql('s.scope', CAKUPAN)} AS cakupan, s.kept_id_dtks,
      CASE WHEN s.moved_to IS NOT NULL THEN coalesce(mv.nama || ', Kec. ' || mc.nama || ' (' || s.moved_to || ')', s.moved_to) END AS pindah_ke,
      ${labelSql('s.field', KOLOM)} AS kolom_label, s.old_value AS nilai_lama, s.new_value AS nilai_baru,
      -- Four decimals: the sheet shows a percentage, and the row's XML writes it as JavaScript would.
      round(s.confidence, 4) AS keyakinan,
      s.evidence AS bukti,
      coalesce(s.suggested_action, ${defaultSaran()}) AS saran,
      cd.nik AS calon_nik, cd.nama AS calon_nama,
      ${labelSql(KOLOM_SQL, KOLOM)} AS kolom,
      s.kunci,
      -- The order of the sheets: kecamatan, desa, household, then the file's order.
      coalesce(c.nama, r.kecamatan, wc.nama) AS _kec, coalesce(v.nama, r.desa) AS _desa, d._baris
    FROM items s
    LEFT JOIN item_dtks d USING (id_dtks)
    LEFT JOIN item_raw r ON r._baris = d._baris
    LEFT JOIN ref_kecamatan wc ON wc.kode = s.wilayah
    LEFT JOIN ref_kabupaten k ON k.kode = coalesce(d.kode_kabupaten, left(s.wilayah, 5))
    LEFT JOIN ref_kecamatan c ON c.kode = d.kode_kecamatan
    LEFT JOIN ref_desa v ON v.kode = d.kode_desa
    LEFT JOIN ref_desa mv ON mv.kode = s.moved_to
    LEFT JOIN ref_kecamatan mc ON mc.kode = mv.kode_kecamatan
    -- An equality on the left side's value: a condition testing s.reason in the ON clause would
    -- turn this into a nested-loop join over every item and every Dukcapil record.
    LEFT JOIN item_calon cd ON cd._baris = CASE WHEN s.reason = 'MATCH_UNCERTAIN' THEN s.candidate_baris END
    )
    -- _r: the row's number in its sheet, the header being row 1.
    SELECT *, (row_number() OVER (PARTITION BY kab, sheet
        ORDER BY _kec NULLS LAST, _desa NULLS LAST, id_keluarga, _baris, kunci) + 1)::INTEGER AS _r
    FROM q
    ORDER BY kab, sheet, _r`);
}

function defaultSaran(): string {
  return `CASE s.sheet WHEN 'Nonaktif' THEN 'Periksa; bila keliru pilih TOLAK, bila NIK salah pilih PERBAIKI'
    WHEN 'Perbaikan' THEN 'Periksa nilai baru; bila keliru pilih TOLAK' ELSE 'Periksa dan putuskan' END`;
}
