import { z } from 'zod';
import type { Config } from '../pipeline/config.js';
import type { Db } from '../pipeline/db.js';
import type { InputReport } from '../pipeline/ingest.js';
import type { Report } from './report.js';

/**
 * `summary.json`, the cleanup statistics analysts quote: how many rows came in and how many stay
 * active, how many were removed and why, where (province, kab/kota, kecamatan), how many NIKs agree
 * with Dukcapil before and after, what was corrected and sent to review, and an estimate of the
 * monthly aid no longer paid. `report.html` shows the same numbers. Its shape is this zod schema;
 * `reports/summary.schema.json` is the same as JSON Schema, for other programs.
 */

const count = z.number().int().min(0);
const rate = z.number().min(0).max(1).describe('a share in [0, 1], rounded to 4 decimals');
const counts = z.record(z.string(), count);

const RegionRow = z.object({
  kode: z.string().nullable().describe('Kemendagri code; null for rows whose region did not resolve'),
  nama: z.string().nullable(),
  rows: count.describe('DTKS rows loaded'),
  aktif: count.describe('rows that stay active'),
  deactivated: count,
  deactivation_rate: rate,
  deceased: count,
  duplicate: count,
  moved: count,
  corrections: count,
  reviews: count,
});

export const SummarySchema = z
  .object({
    reference_date: z.string().describe('YYYY-MM-DD the ages and NIK centuries were computed against'),
    rows: z.object({
      dtks_read: count.describe('records of the DTKS export, rejected ones included'),
      dtks_loaded: count,
      dtks_rejected: count,
      dtks_aktif: count,
      dtks_nonaktif: count,
      dukcapil_read: count,
      dukcapil_loaded: count,
      dukcapil_rejected: count,
      rejected: count.describe('lines of both inputs in rejected.csv'),
    }),
    active: z.object({
      before: count.describe('DTKS rows loaded: all active before this run'),
      after: count.describe('rows still active after this run'),
      rate_after: rate,
    }),
    deactivations: z.object({
      total: count,
      rate: rate.describe('deactivated / loaded'),
      by_reason: counts,
      by_scope: counts,
      households: count.describe('households deactivated as a whole'),
    }),
    nik: z.object({
      before: z.object({
        valid: count.describe('rows whose NIK has the NIK structure'),
        padan: count.describe('rows whose NIK Dukcapil confirms as this person (name and birth date)'),
        invalid: count.describe(
          'rows whose NIK breaks the structure (placeholder, Excel-mangled, wrong length...)',
        ),
        missing: count.describe('rows without a NIK'),
      }),
      after: z.object({
        padan: count.describe(
          'rows matched to their Dukcapil record: confirmed, recovered or given by an operator',
        ),
        corrected: count.describe('rows whose NIK was corrected (NIK_CORRECTED)'),
        unresolved: count.describe('rows still without a NIK Dukcapil confirms'),
      }),
    }),
    corrections: z.object({ total: count, by_field: counts, by_reason: counts }),
    reviews: z.object({ total: count, by_reason: counts }),
    findings: z.object({ by_rule: counts }),
    decisions: z
      .object({
        applied: count,
        declined: count,
        stale: count,
        stale_kunci: z.array(z.string()),
      })
      .describe(
        "the operators' decisions honoured by this run (SPEC §5); stale keys match no finding any more",
      ),
    matching: counts.describe('rows by their match status with Dukcapil'),
    dukcapil_repeated: z
      .object({
        niks: count.describe('well-formed NIKs that occur more than once in the Dukcapil extract'),
        records: count.describe('Dukcapil records carrying such a NIK'),
        same_person: count.describe(
          'copies with the identity of the NIK’s first record: one person recorded twice, matched as one',
        ),
      })
      .describe('NIKs repeated in the Dukcapil extract, a data problem for Dukcapil to fix'),
    programs: z.record(z.string(), z.object({ members: count, deactivated: count })),
    aid: z
      .object({
        currency: z.literal('IDR'),
        monthly_total: z.number().min(0),
        by_program: z.record(
          z.string(),
          z.object({
            unit: z.enum(['anggota', 'keluarga']).describe('what the amount is paid per'),
            units: count.describe('deactivated members (or whole households) receiving the program'),
            amount_per_unit: z.number().min(0).describe('monthly amount from the config (aid.*)'),
            monthly: z.number().min(0),
          }),
        ),
      })
      .describe('estimated monthly aid no longer paid for the deactivated members, per program flag'),
    regions_unresolved: z
      .array(
        z.object({
          provinsi: z.string().nullable(),
          kabupaten: z.string().nullable(),
          kecamatan: z.string().nullable(),
          desa: z.string().nullable(),
          rows: count,
        }),
      )
      .describe('the region names as typed that did not resolve to one desa, most rows first (at most 100)'),
    region_outliers: z
      .array(
        z.object({
          tingkat: z.enum(['kabupaten', 'kecamatan']).describe('the level of the region'),
          kode: z.string().describe('its Kemendagri code (33.28 or 33.28.01)'),
          nama: z.string().describe('its name, with its kab/kota for a kecamatan'),
          ukuran: z
            .enum([
              'duplikat',
              'nik_kosong',
              'nik_tidak_ditemukan',
              'meninggal',
              'pindah',
              'wilayah_tidak_valid',
            ])
            .describe(
              'the rate: duplicates, missing NIK, NIK not in Dukcapil, deaths, moves, unresolved regions',
            ),
          anggota: count.describe('DTKS rows in the region'),
          kasus: count.describe('of which counted by the rate'),
          rate: rate.describe("the region's rate (kasus / anggota)"),
          median_pembanding: rate.describe("the peers' median rate (the region included)"),
          skor: z
            .number()
            .describe("robust z-score: (rate - median) / max(1.4826 MAD, the rate's binomial noise)"),
          pembanding: count.describe('regions in the peer group'),
          kelompok: z
            .string()
            .nullable()
            .describe('the peer group: a kab/kota or province code; null for all kab/kota of the file'),
        }),
      )
      .describe(
        'regions whose rates stand far above their peers (REGION_OUTLIER, rule region.outlier), highest score first; empty when none',
      ),
    by_provinsi: z.array(RegionRow),
    by_kabupaten: z.array(RegionRow.extend({ kode_provinsi: z.string().nullable() })),
    by_kecamatan: z.array(RegionRow.extend({ kode_kabupaten: z.string().nullable() })),
  })
  .strict();

export type Summary = z.infer<typeof SummarySchema>;

/** Counts of a query's `k, n` rows as an object with keys in sorted order (stable JSON). */
async function countsBy(db: Db, sql: string): Promise<Record<string, number>> {
  const rows = await db.all<{ k: string | null; n: number }>(
    `SELECT k, n FROM (${sql}) ORDER BY k NULLS LAST`,
  );
  const out: Record<string, number> = {};
  for (const r of rows) out[r.k ?? '(kosong)'] = r.n;
  return out;
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const share = (part: number, whole: number) => (whole > 0 ? round4(part / whole) : 0);

/** Per-region rows at one level: `code` is the dtks column of the level's code. */
async function byRegion(db: Db, code: string, names: string, parentLength: number | null) {
  const rows = await db.all<Record<string, string | number | null>>(`
    WITH per AS (
      SELECT d.${code} AS kode, count(*) AS rows,
        count(x.id_dtks) AS deactivated,
        count(*) FILTER (WHERE x.reason = 'DECEASED') AS deceased,
        count(*) FILTER (WHERE x.reason = 'DUPLICATE') AS duplicate,
        count(*) FILTER (WHERE x.reason = 'MOVED') AS moved
      FROM dtks d LEFT JOIN deactivations x USING (id_dtks)
      GROUP BY d.${code}
    ),
    c AS (SELECT d.${code} AS kode, count(*) AS n FROM corrections JOIN dtks d USING (id_dtks) GROUP BY 1),
    r AS (SELECT d.${code} AS kode, count(*) AS n FROM reviews JOIN dtks d USING (id_dtks) GROUP BY 1)
    SELECT per.kode, ref.nama, ${parentLength ? `left(per.kode, ${parentLength})` : 'NULL'} AS induk, per.rows, per.rows - per.deactivated AS aktif, per.deactivated,
      per.deceased, per.duplicate, per.moved, coalesce(c.n, 0) AS corrections, coalesce(r.n, 0) AS reviews
    FROM per LEFT JOIN ${names} ref ON ref.kode = per.kode
    LEFT JOIN c ON c.kode IS NOT DISTINCT FROM per.kode
    LEFT JOIN r ON r.kode IS NOT DISTINCT FROM per.kode
    ORDER BY per.kode NULLS LAST`);
  return rows.map((row) => {
    const n = (k: string) => Number(row[k] ?? 0);
    return {
      kode: (row.kode as string | null) ?? null,
      nama: (row.nama as string | null) ?? null,
      induk: (row.induk as string | null) ?? null,
      rows: n('rows'),
      aktif: n('aktif'),
      deactivated: n('deactivated'),
      deactivation_rate: share(n('deactivated'), n('rows')),
      deceased: n('deceased'),
      duplicate: n('duplicate'),
      moved: n('moved'),
      corrections: n('corrections'),
      reviews: n('reviews'),
    };
  });
}

/** Cleanup statistics for analysts: how many rows were removed, why, where, and from which programs. */
export async function buildSummary(
  db: Db,
  referenceDate: string,
  inputs: InputReport[],
  config: Config,
): Promise<Summary> {
  const n = (sql: string) => db.count(sql);
  const [dtksInput, dukcapilInput] = inputs as [InputReport, InputReport];
  const loaded = await n('SELECT count(*) FROM dtks');
  const nonaktif = await n('SELECT count(*) FROM deactivations');
  // The three program flags in one pass over the rows.
  const flags = ['pkh', 'bpnt', 'pbi'];
  const flagCounts = await db.one<Record<string, number>>(`
    SELECT ${flags
      .map(
        (p) => `count(*) FILTER (WHERE padan_flag(r.${p})) AS ${p}_members,
        count(*) FILTER (WHERE padan_flag(r.${p}) AND x.id_dtks IS NOT NULL) AS ${p}_deactivated`,
      )
      .join(',\n      ')}
    FROM dtks d JOIN raw_dtks r ON r._baris = d._baris LEFT JOIN deactivations x ON x.id_dtks = d.id_dtks`);
  const programs: Summary['programs'] = {};
  for (const p of flags) {
    programs[p.toUpperCase()] = {
      members: flagCounts?.[`${p}_members`] ?? 0,
      deactivated: flagCounts?.[`${p}_deactivated`] ?? 0,
    };
  }
  // BPNT is paid to the family: it stops only when the whole household goes.
  const bpntHouseholds = await n(`
    SELECT count(DISTINCT x.id_keluarga) FROM deactivations x JOIN dtks d USING (id_dtks)
    JOIN raw_dtks r ON r._baris = d._baris
    WHERE x.scope = 'HOUSEHOLD' AND padan_flag(r.bpnt)`);
  const aidRow = (unit: 'anggota' | 'keluarga', units: number, amount: number) => ({
    unit,
    units,
    amount_per_unit: amount,
    monthly: units * amount,
  });
  const byProgram = {
    BPNT: aidRow('keluarga', bpntHouseholds, config.aid.bpntPerHouseholdMonthly),
    PBI: aidRow('anggota', programs.PBI?.deactivated ?? 0, config.aid.pbiPerMemberMonthly),
    PKH: aidRow('anggota', programs.PKH?.deactivated ?? 0, config.aid.pkhPerMemberMonthly),
  };
  const nik = await db.one<Record<string, number>>(`
    SELECT count(*) FILTER (WHERE d.nik_bentuk = 'ANGKA16' AND NOT padan_nik_placeholder(d.nik)
                              AND d.id_dtks NOT IN (SELECT id_dtks FROM findings WHERE rule = 'nik.structure')) AS valid,
      count(*) FILTER (WHERE m.metode = 'TEPAT') AS padan_before,
      count(*) FILTER (WHERE d.nik_bentuk = 'KOSONG') AS missing,
      count(*) FILTER (WHERE m.status = 'PADAN') AS padan_after
    FROM dtks d LEFT JOIN matches m USING (id_dtks)`);
  const corrected = await n("SELECT count(DISTINCT id_dtks) FROM corrections WHERE field = 'nik'");
  // Rows an operator gave a NIK count as resolved: their NIK is what the person's KTP says.
  const padanAfter = await n(`
    SELECT count(*) FROM dtks d LEFT JOIN matches m USING (id_dtks)
    WHERE m.status = 'PADAN' OR d.id_dtks IN (SELECT id_dtks FROM corrections WHERE field = 'nik' AND rule = 'review.decision')`);
  const missing = nik?.missing ?? 0;
  const valid = nik?.valid ?? 0;
  const provinsi = await byRegion(db, 'kode_provinsi', 'ref_provinsi', null);
  // A region's parent is its code's prefix (33.28 is in 33).
  const kabupaten = await byRegion(db, 'kode_kabupaten', 'ref_kabupaten', 2);
  const kecamatan = await byRegion(db, 'kode_kecamatan', 'ref_kecamatan', 5);
  const withoutParent = ({ induk: _, ...rest }: (typeof provinsi)[number]) => rest;
  const summary: Summary = {
    reference_date: referenceDate,
    rows: {
      dtks_read: dtksInput.rowsRead,
      dtks_loaded: loaded,
      dtks_rejected: dtksInput.rowsRejected,
      dtks_aktif: loaded - nonaktif,
      dtks_nonaktif: nonaktif,
      dukcapil_read: dukcapilInput.rowsRead,
      dukcapil_loaded: await n('SELECT count(*) FROM dukcapil'),
      dukcapil_rejected: dukcapilInput.rowsRejected,
      rejected: await n('SELECT count(*) FROM rejected'),
    },
    active: { before: loaded, after: loaded - nonaktif, rate_after: share(loaded - nonaktif, loaded) },
    deactivations: {
      total: nonaktif,
      rate: share(nonaktif, loaded),
      by_reason: await countsBy(db, 'SELECT reason AS k, count(*) AS n FROM deactivations GROUP BY 1'),
      by_scope: await countsBy(db, 'SELECT scope AS k, count(*) AS n FROM deactivations GROUP BY 1'),
      households: await n("SELECT count(DISTINCT id_keluarga) FROM deactivations WHERE scope = 'HOUSEHOLD'"),
    },
    nik: {
      before: { valid, padan: nik?.padan_before ?? 0, invalid: loaded - valid - missing, missing },
      after: { padan: padanAfter, corrected, unresolved: loaded - padanAfter },
    },
    corrections: {
      total: await n('SELECT count(*) FROM corrections'),
      by_field: await countsBy(db, 'SELECT field AS k, count(*) AS n FROM corrections GROUP BY 1'),
      by_reason: await countsBy(db, 'SELECT reason AS k, count(*) AS n FROM corrections GROUP BY 1'),
    },
    reviews: {
      total: await n('SELECT count(*) FROM reviews'),
      by_reason: await countsBy(db, 'SELECT reason AS k, count(*) AS n FROM reviews GROUP BY 1'),
    },
    findings: { by_rule: await countsBy(db, 'SELECT rule AS k, count(*) AS n FROM findings GROUP BY 1') },
    decisions: {
      applied: await n("SELECT count(*) FROM decisions_applied WHERE hasil = 'APPLIED'"),
      declined: await n("SELECT count(*) FROM decisions_applied WHERE hasil = 'DECLINED'"),
      stale: await n("SELECT count(*) FROM decisions_applied WHERE hasil = 'STALE'"),
      stale_kunci: (
        await db.all<{ k: string }>(
          "SELECT kunci AS k FROM decisions_applied WHERE hasil = 'STALE' ORDER BY kunci",
        )
      ).map((r) => r.k),
    },
    matching: await countsBy(
      db,
      `SELECT coalesce(m.status, CASE WHEN d.nik_bentuk = 'KOSONG' THEN 'NIK_KOSONG' ELSE 'NIK_TIDAK_VALID' END) AS k,
         count(*) AS n FROM dtks d LEFT JOIN matches m USING (id_dtks) GROUP BY 1`,
    ),
    dukcapil_repeated: {
      niks: await n('SELECT count(*) FROM dukcapil_nik_count WHERE n > 1'),
      records: await n('SELECT coalesce(sum(n), 0) FROM dukcapil_nik_count WHERE n > 1'),
      same_person: await n('SELECT count(*) FROM dukcapil_salinan'),
    },
    programs,
    aid: {
      currency: 'IDR',
      monthly_total: Object.values(byProgram).reduce((a, p) => a + p.monthly, 0),
      by_program: byProgram,
    },
    regions_unresolved: await db.all<Summary['regions_unresolved'][number]>(`
      SELECT r.provinsi, r.kabupaten, r.kecamatan, r.desa, count(*) AS rows
      FROM dtks d JOIN raw_dtks r ON r._baris = d._baris
      WHERE d.wilayah_status <> 'RESOLVED'
      GROUP BY ALL ORDER BY rows DESC, r.provinsi NULLS LAST, r.kabupaten NULLS LAST, r.kecamatan NULLS LAST, r.desa NULLS LAST
      LIMIT 100`),
    region_outliers: await regionOutliers(db),
    by_provinsi: provinsi.map(withoutParent),
    by_kabupaten: kabupaten.map(({ induk, ...rest }) => ({ ...rest, kode_provinsi: induk })),
    by_kecamatan: kecamatan.map(({ induk, ...rest }) => ({ ...rest, kode_kabupaten: induk })),
  };
  // The schema is the contract: a summary that does not fit it is a bug, not a file to publish.
  return SummarySchema.parse(summary);
}

/** `summary.json`: the cleanup statistics, built before the write stage (the plan returns them too). */
export const summaryReport: Report = {
  name: 'summary.json',
  audience: 'analysts',
  async write({ out, summary }) {
    await out.writeText('summary.json', `${JSON.stringify(summary, null, 2)}\n`);
  },
};

/** The REGION_OUTLIER findings with their numbers (the rule's JSON detail), highest score first. */
async function regionOutliers(db: Db): Promise<Summary['region_outliers']> {
  const rows = await db.all<{ detail: string }>(`
    SELECT detail FROM findings WHERE rule = 'region.outlier'
    ORDER BY CAST(json_extract(detail, '$.skor') AS DOUBLE) DESC, wilayah, field`);
  return rows.map((r) => {
    const { mad: _mad, ...outlier } = JSON.parse(r.detail) as Summary['region_outliers'][number] & {
      mad: number;
    };
    return { ...outlier, kelompok: outlier.kelompok ?? null };
  });
}
