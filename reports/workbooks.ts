import { mkdir, rename } from 'node:fs/promises';
import type { DuckDBBlobValue } from '@duckdb/node-api';
import { type Db, sqlString } from '../pipeline/db.js';
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

/** Rows a piece of a sheet's XML holds: DuckDB joins them, and the zips take a piece at a time. */
const PIECE_ROWS = 1024;
/** Pieces read from DuckDB at a time (about 1 MB each). */
const PIECES_AT_ONCE = 16;
/**
 * Rows rendered at a time, per DuckDB thread: whole workbooks, about 1 KB of XML a row. DuckDB
 * scans a table a row group (122,880 rows) per thread at a time, so a smaller batch leaves threads
 * idle; a larger one only holds more of DuckDB's memory.
 */
const BATCH_ROWS_PER_THREAD = 122_880;
/** Bytes of XML handed to the zips and not yet compressed, at most (then this thread waits). */
const MAX_UNCOMPRESSED = 64 * 2 ** 20;

/** A workbook to write: its spec, and what to do once its file is complete. */
export interface WorkbookJob {
  spec: WorkbookSpec;
  finished: (rows: number) => Promise<void>;
}

/**
 * The workbooks in `table`'s order (kab/kota, sheet, row), a batch of rows at a time. DuckDB
 * renders a batch's rows (`itemsXmlQuery`) and joins them into pieces of PIECE_ROWS rows on its
 * threads; then this thread hands each sheet its pieces, as bytes, PIECES_AT_ONCE read at a time,
 * and the zips compress them on Node's thread pool, several workbooks at once, with at most
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
  const threads = await db.count("SELECT current_setting('threads')::BIGINT");
  try {
    for (const batch of inBatches(workbooks, Math.max(threads, 1) * BATCH_ROWS_PER_THREAD)) {
      await renderBatch(db, batch, styles, table);
      await writeBatch(batch, readPieces(db), styles, pending);
    }
    await pending.all();
  } finally {
    await pending.settled();
    await db.exec('DROP TABLE IF EXISTS temp.main.workbook_pieces');
  }
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

/** A piece of a sheet: PIECE_ROWS rows (or the sheet's last) as UTF-8 XML, from row `r` on. */
interface Piece {
  kab: string;
  sheet: string;
  r: number;
  n: number;
  xml: Uint8Array;
}

/** A batch's rows rendered by DuckDB into `workbook_pieces`, numbered (`i`) in the table's order. */
async function renderBatch(
  db: Db,
  batch: WorkbookJob[],
  styles: Record<SheetName, SheetStyles>,
  table: string,
): Promise<void> {
  const first = sqlString(batch[0]?.spec.kab ?? '');
  const last = sqlString(batch[batch.length - 1]?.spec.kab ?? '');
  // Two steps: the pieces' ordered join made in the same query as the rows ran on one thread.
  await db.exec(`
    CREATE OR REPLACE TEMP TABLE workbook_rows AS
    ${itemsXmlQuery(styles, `(SELECT * FROM ${table} WHERE kab BETWEEN ${first} AND ${last})`)};
    CREATE OR REPLACE TEMP TABLE workbook_pieces AS
    SELECT row_number() OVER (ORDER BY kab, sheet, r) AS i, * FROM (
      SELECT kab, sheet, min(r) AS r, count(*) AS n, encode(string_agg(xml, '' ORDER BY r)) AS xml
      FROM temp.main.workbook_rows GROUP BY kab, sheet, (r - 2) // ${PIECE_ROWS})
    ORDER BY i;
    DROP TABLE temp.main.workbook_rows`);
}

/** The pieces of `workbook_pieces` in order, PIECES_AT_ONCE read at a time. */
async function* readPieces(db: Db): AsyncGenerator<Piece> {
  for (let i = 1; ; i += PIECES_AT_ONCE) {
    const reader = await db.connection.runAndReadAll(
      `SELECT kab, sheet, r, n, xml FROM temp.main.workbook_pieces WHERE i >= ${i} AND i < ${i + PIECES_AT_ONCE} ORDER BY i`,
    );
    const rows = reader.getRows();
    for (const [kab, sheet, r, n, xml] of rows) {
      yield {
        kab: kab as string,
        sheet: sheet as string,
        r: Number(r),
        n: Number(n),
        xml: (xml as DuckDBBlobValue).bytes,
      };
    }
    if (rows.length < PIECES_AT_ONCE) return;
  }
}

/** A batch's workbooks from its pieces, each checked to be the one expected. */
async function writeBatch(
  batch: WorkbookJob[],
  pieces: AsyncGenerator<Piece>,
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
      // Rows 2, 3, ... after the header, in pieces of this workbook's sheet.
      for (let r = 2; r < n + 2; ) {
        const { value: piece } = await pieces.next();
        if (
          !piece ||
          piece.kab !== spec.kab ||
          piece.sheet !== sheet ||
          piece.r !== r ||
          r + piece.n > n + 2
        ) {
          throw new Error(`workbook ${spec.kab}: sheet ${sheet} row ${r}: the rows came out of order`);
        }
        r += piece.n;
        await pending.add(piece.xml.length, file.addXml(piece.xml, piece.n));
      }
      // The sheet's closing parts follow its rows in the part's stream: nothing to wait for.
      await file.endSheet();
    }
    await pending.add(0, file.finish().then(finished));
  }
  if (!(await pieces.next()).done) throw new Error('workbooks: rows left over that no workbook took');
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
