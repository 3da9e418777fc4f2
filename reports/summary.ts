import type { Db } from '../pipeline/db.js';
import type { Report } from './report.js';

/** Counts of a query's `k, n` rows as an object with keys in sorted order (stable JSON). */
async function countsBy(db: Db, sql: string): Promise<Record<string, number>> {
  const rows = await db.all<{ k: string | null; n: number }>(
    `SELECT k, n FROM (${sql}) ORDER BY k NULLS LAST`,
  );
  const out: Record<string, number> = {};
  for (const r of rows) out[r.k ?? '(kosong)'] = r.n;
  return out;
}

export interface Summary {
  reference_date: string;
  rows: {
    dtks_loaded: number;
    dtks_aktif: number;
    dtks_nonaktif: number;
    dukcapil_loaded: number;
    rejected: number;
  };
  deactivations: {
    total: number;
    by_reason: Record<string, number>;
    by_scope: Record<string, number>;
    households: number;
  };
  corrections: { total: number; by_field: Record<string, number>; by_reason: Record<string, number> };
  reviews: { total: number; by_reason: Record<string, number> };
  findings: { by_rule: Record<string, number> };
  /** The operators' decisions honoured by this run (SPEC §5); stale ones listed by KUNCI. */
  decisions: { applied: number; declined: number; stale: number; stale_kunci: string[] };
  matching: Record<string, number>;
  programs: Record<string, { members: number; deactivated: number }>;
  by_kabupaten: {
    kode_kabupaten: string | null;
    nama: string | null;
    rows: number;
    deactivated: number;
    deceased: number;
    duplicate: number;
    moved: number;
    corrections: number;
    reviews: number;
  }[];
}

/** Cleanup statistics for analysts: how many rows were removed, why, where, and from which programs. */
export async function buildSummary(db: Db, referenceDate: string): Promise<Summary> {
  const n = (sql: string) => db.count(sql);
  const programs: Summary['programs'] = {};
  for (const p of ['pkh', 'bpnt', 'pbi']) {
    const row = await db.one<{ members: number; deactivated: number }>(`
      SELECT count(*) FILTER (WHERE padan_flag(r.${p})) AS members,
        count(*) FILTER (WHERE padan_flag(r.${p}) AND x.id_dtks IS NOT NULL) AS deactivated
      FROM dtks d JOIN raw_dtks r ON r._baris = d._baris LEFT JOIN deactivations x ON x.id_dtks = d.id_dtks`);
    programs[p.toUpperCase()] = { members: row?.members ?? 0, deactivated: row?.deactivated ?? 0 };
  }
  const byKab = await db.all<Summary['by_kabupaten'][number]>(`
    SELECT d.kode_kabupaten, k.nama, count(*) AS rows,
      count(x.id_dtks) AS deactivated,
      count(*) FILTER (WHERE x.reason = 'DECEASED') AS deceased,
      count(*) FILTER (WHERE x.reason = 'DUPLICATE') AS duplicate,
      count(*) FILTER (WHERE x.reason = 'MOVED') AS moved,
      coalesce(sum((SELECT count(*) FROM corrections c WHERE c.id_dtks = d.id_dtks)), 0)::BIGINT AS corrections,
      coalesce(sum((SELECT count(*) FROM reviews v WHERE v.id_dtks = d.id_dtks)), 0)::BIGINT AS reviews
    FROM dtks d LEFT JOIN deactivations x USING (id_dtks) LEFT JOIN ref_kabupaten k ON k.kode = d.kode_kabupaten
    GROUP BY d.kode_kabupaten, k.nama ORDER BY d.kode_kabupaten NULLS LAST`);
  return {
    reference_date: referenceDate,
    rows: {
      dtks_loaded: await n('SELECT count(*) FROM dtks'),
      dtks_aktif: await n(
        'SELECT count(*) FROM dtks WHERE id_dtks NOT IN (SELECT id_dtks FROM deactivations)',
      ),
      dtks_nonaktif: await n('SELECT count(*) FROM deactivations'),
      dukcapil_loaded: await n('SELECT count(*) FROM dukcapil'),
      rejected: await n('SELECT count(*) FROM rejected'),
    },
    deactivations: {
      total: await n('SELECT count(*) FROM deactivations'),
      by_reason: await countsBy(db, 'SELECT reason AS k, count(*) AS n FROM deactivations GROUP BY 1'),
      by_scope: await countsBy(db, 'SELECT scope AS k, count(*) AS n FROM deactivations GROUP BY 1'),
      households: await n("SELECT count(DISTINCT id_keluarga) FROM deactivations WHERE scope = 'HOUSEHOLD'"),
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
    programs,
    by_kabupaten: byKab,
  };
}

/** `summary.json`: the cleanup statistics, built before the write stage (the plan returns them too). */
export const summaryReport: Report = {
  name: 'summary.json',
  audience: 'analysts',
  async write({ out, summary }) {
    await out.writeText('summary.json', `${JSON.stringify(summary, null, 2)}\n`);
  },
};
