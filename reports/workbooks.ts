import { mkdir, rename } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import pLimit from 'p-limit';
import type { Db } from '../pipeline/db.js';
import { compiledWorkerScript, envCount, WorkerCalls } from '../pipeline/worker-thread.js';
import { ALASAN, CAKUPAN, KOLOM, labelSql } from './labels.js';
import type { Report, ReportContext } from './report.js';
import { NO_REGION, SHEETS, type SheetName, WorkbookFile, type WorkbookSpec } from './workbook-file.js';
import type { WorkbookCall } from './workbook-worker.js';

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
 * DuckDB, so that a workbook of a kab with 270,000 rows never sits whole in memory. Rendering is
 * single-threaded JavaScript and was the largest part of the write stage, so with more than one
 * thread and enough rows (renderingWorkers) the workbooks are rendered on worker threads, one per
 * thread, while this thread only queries their rows. Bytes are deterministic whichever thread
 * renders them: the document and every zip entry carry the run's reference date.
 */
export const workbooks: Report = {
  name: 'regions/',
  audience: 'dinas sosial',
  async write(ctx) {
    await prepareItems(ctx.db);
    const kabs = await ctx.db.all<{ kab: string; nama: string | null; n: number }>(
      `SELECT kab, any_value(kab_nama) AS nama, count(*) AS n FROM workbook_items GROUP BY kab ORDER BY kab`,
    );
    // Every workbook's counts for its summary sheet in one query, not one scan per workbook.
    const counts = new Map<string, WorkbookSpec['counts']>();
    for (const c of await ctx.db.all<{ kab: string; sheet: string; alasan: string; n: number }>(
      'SELECT kab, sheet, alasan, count(*) AS n FROM workbook_items GROUP BY ALL ORDER BY kab, sheet, alasan',
    )) {
      const list = counts.get(c.kab) ?? [];
      list.push({ sheet: c.sheet, alasan: c.alasan, n: String(c.n) });
      counts.set(c.kab, list);
    }
    const threads = Number((await ctx.db.all<{ t: string }>(`SELECT current_setting('threads') AS t`))[0]?.t);
    const rows = kabs.reduce((sum, k) => sum + Number(k.n), 0);
    const workers = renderingWorkers(kabs.length, threads, rows, workerMinRows());
    ctx.logger.debug({ workbooks: kabs.length, rows, workers }, 'district workbooks');
    const renderers = await Renderers.start(workers);
    try {
      const limit = pLimit(renderers.size || WORKBOOKS_AT_ONCE);
      let done = 0;
      await Promise.all(
        kabs.map((k) =>
          limit(async () => {
            await renderers.use((open) => writeWorkbook(ctx, k.kab, k.nama, counts.get(k.kab) ?? [], open));
            ctx.progress?.(`workbook ${k.kab}`, ++done, kabs.length);
          }),
        ),
      );
    } finally {
      await renderers.close();
    }
  },
};

/**
 * Worker threads for the workbooks: one per DuckDB thread (at most MAX_WORKERS) when there are
 * several workbooks and enough rows to pay for them; none otherwise. Each worker loads exceljs and
 * its own V8 heap, about half a second of CPU, while this thread renders a row in about 150 µs: a
 * run with a few thousand rows is done on this thread before the workers would have started.
 */
export function renderingWorkers(workbooks: number, threads: number, rows: number, minRows: number): number {
  if (workbooks < 2 || threads < 2 || rows < minRows) return 0;
  return Math.min(threads, MAX_WORKERS);
}

/** Rows from which the workbooks go to worker threads. */
const WORKER_MIN_ROWS = 10_000;

/** WORKER_MIN_ROWS, or `PADAN_WORKBOOK_WORKER_ROWS` where it is set (0: always on workers). */
function workerMinRows(): number {
  return envCount('PADAN_WORKBOOK_WORKER_ROWS', WORKER_MIN_ROWS);
}

/** Workbooks written at once on this thread, when there are no workers: their zlib runs off it. */
const WORKBOOKS_AT_ONCE = 3;
/** Worker threads at most, whatever the threads: each holds a V8 heap and exceljs' buffers. */
const MAX_WORKERS = 8;
/** Chunks of rows posted to a worker ahead of its answers: it renders one while the next is fetched. */
const CHUNKS_AHEAD = 2;

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
 * One table with every item of every workbook, in the order the sheets show them, with what an
 * operator needs to find the person: names of desa and kecamatan from the region reference (the
 * typed names where the region did not resolve), NIK and KK as typed in SIKS-NG.
 */
async function prepareItems(db: Db): Promise<void> {
  await db.exec(`
    CREATE OR REPLACE TABLE workbook_items AS
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
    )
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
      s.confidence AS keyakinan,
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
    ORDER BY kab, s.sheet, _kec NULLS LAST, _desa NULLS LAST, d.id_keluarga, d._baris, s.kunci`);
}

function defaultSaran(): string {
  return `CASE s.sheet WHEN 'Nonaktif' THEN 'Periksa; bila keliru pilih TOLAK, bila NIK salah pilih PERBAIKI'
    WHEN 'Perbaikan' THEN 'Periksa nilai baru; bila keliru pilih TOLAK' ELSE 'Periksa dan putuskan' END`;
}

async function writeWorkbook(
  ctx: ReportContext,
  kab: string,
  kabNama: string | null,
  counts: WorkbookSpec['counts'],
  open: (spec: WorkbookSpec) => Promise<WorkbookSink>,
): Promise<void> {
  const name = `regions/${kab}.xlsx`;
  const tmp = ctx.out.temporary(name);
  await mkdir(ctx.out.path('regions'), { recursive: true });
  const connection = await ctx.db.connectAnother();
  try {
    const sink = await open({
      file: tmp,
      kab,
      kabNama,
      runId: ctx.run.runId,
      referenceDate: ctx.run.referenceDate,
      counts,
    });
    await streamSheets(connection, kab, sink);
    const rows = await sink.finish();
    await rename(tmp, ctx.out.path(name));
    await ctx.out.recorded(name, { rows });
  } finally {
    connection.closeSync();
  }
}

/**
 * A workbook's sheets, each begun, given its rows a chunk at a time and ended, in SHEETS' order,
 * from one query over `workbook_items`. One query per sheet, and one more for the counts, scanned
 * the table four times per workbook, and the worker threads waited for rows a third of their time.
 */
async function streamSheets(connection: DuckDBConnection, kab: string, sink: WorkbookSink): Promise<void> {
  const sheets = Object.keys(SHEETS) as SheetName[];
  // Each row comes as one JSON array, rendered by DuckDB on its threads: decoding the cells one
  // by one into JavaScript values took 17.8 s of the JS thread for a 1M run's 460k items, one JSON
  // text per row and JSON.parse per chunk 4.1 s (measured). A number stays a number.
  const columns = (sheet: SheetName) =>
    SHEETS[sheet]
      .filter((c) => c.key !== 'cek')
      .map((c) => (c.kind === 'number' ? c.key : `CAST(${c.key} AS VARCHAR)`))
      .join(', ');
  const row = `CASE sheet ${sheets.map((s) => `WHEN '${s}' THEN CAST(json_array(${columns(s)}) AS VARCHAR)`).join(' ')} END`;
  // No ORDER BY: workbook_items is stored in the sheets' order (prepareItems) and the database keeps
  // insertion order (preserve_insertion_order), so a filtered scan gives the rows in it. A sort here
  // sorted again what was sorted, and held a kabupaten's sheet in memory, three workbooks at once.
  const result = await connection.stream(`SELECT sheet, ${row} AS row FROM workbook_items WHERE kab = $kab`, {
    kab,
  });
  let current = -1;
  const ahead: Promise<void>[] = [];
  const post = async (parts: string[]) => {
    const posted = sink.addRows(`[${parts.join(',')}]`);
    // Awaited below, in order; the handler keeps an early failure from counting as unhandled.
    posted.catch(() => {});
    ahead.push(posted);
    if (ahead.length >= CHUNKS_AHEAD) await ahead.shift();
  };
  // End the sheet being written and begin the next ones up to `index` (a sheet without rows is
  // written empty, with its header).
  const advanceTo = async (index: number) => {
    while (current < index) {
      if (current >= 0) {
        for (const posted of ahead.splice(0)) await posted;
        await sink.endSheet();
      }
      current++;
      await sink.beginSheet(sheets[current] as SheetName);
    }
  };
  try {
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const names = chunk.getColumnVector(0);
      const rows = chunk.getColumnVector(1);
      let parts: string[] = [];
      for (let i = 0; i < chunk.rowCount; i++) {
        const index = sheets.indexOf(names.getItem(i) as SheetName);
        if (index < 0 || index < current)
          throw new Error(
            `workbook ${kab}: the items are not in the sheets' order (${String(names.getItem(i))})`,
          );
        if (index > current) {
          if (parts.length > 0) await post(parts);
          parts = [];
          await advanceTo(index);
        }
        parts.push(rows.getItem(i) as string);
      }
      if (parts.length > 0) await post(parts);
    }
    await advanceTo(sheets.length - 1);
    for (const posted of ahead.splice(0)) await posted;
    await sink.endSheet();
  } finally {
    await Promise.allSettled(ahead);
  }
}

/** A workbook being rendered, here or on a worker thread: WorkbookFile's calls, as promises. */
interface WorkbookSink {
  beginSheet(sheet: SheetName): Promise<void>;
  addRows(json: string): Promise<void>;
  endSheet(): Promise<number>;
  finish(): Promise<number>;
}

/** The worker script, compiled beside this file (null from source: rendered on this thread). */
const WORKER_SCRIPT = compiledWorkerScript(import.meta.url, './workbook-worker.js');

/** The worker threads that render workbooks, one workbook each at a time; none renders here. */
class Renderers {
  private readonly idle: RenderWorker[];
  private constructor(private readonly workers: RenderWorker[]) {
    this.idle = [...workers];
  }

  static async start(count: number): Promise<Renderers> {
    if (!WORKER_SCRIPT || count === 0) return new Renderers([]);
    return new Renderers(Array.from({ length: count }, () => new RenderWorker(WORKER_SCRIPT)));
  }

  get size(): number {
    return this.workers.length;
  }

  /** Run `write` with a way to open a workbook on a free worker (or here, without workers). */
  async use<T>(write: (open: (spec: WorkbookSpec) => Promise<WorkbookSink>) => Promise<T>): Promise<T> {
    if (this.workers.length === 0) return write(async (spec) => localSink(new WorkbookFile(spec)));
    const worker = this.idle.pop();
    if (!worker) throw new Error('workbooks: more workbooks at once than worker threads');
    try {
      return await write(async (spec) => worker.open(spec));
    } finally {
      this.idle.push(worker);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function localSink(file: WorkbookFile): WorkbookSink {
  return {
    beginSheet: async (sheet) => file.beginSheet(sheet),
    addRows: async (json) => file.addRows(json),
    endSheet: () => file.endSheet(),
    finish: () => file.finish(),
  };
}

/** One worker thread rendering one workbook at a time. */
class RenderWorker {
  private readonly calls: WorkerCalls<Omit<WorkbookCall, 'id'>, number | undefined>;

  constructor(script: URL) {
    this.calls = new WorkerCalls(script, 'district workbook');
  }

  private call(op: WorkbookCall['op'], arg?: unknown): Promise<number | undefined> {
    return this.calls.call({ op, arg } as Omit<WorkbookCall, 'id'>);
  }

  async open(spec: WorkbookSpec): Promise<WorkbookSink> {
    await this.call('open', spec);
    return {
      beginSheet: async (sheet) => {
        await this.call('beginSheet', sheet);
      },
      addRows: async (json) => {
        await this.call('addRows', json);
      },
      endSheet: async () => (await this.call('endSheet')) as number,
      finish: async () => (await this.call('finish')) as number,
    };
  }

  terminate(): Promise<void> {
    return this.calls.terminate();
  }
}
