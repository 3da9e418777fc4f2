import { tableReport } from './report.js';

/**
 * `findings.parquet`: every finding of every rule with its evidence, for analysts: a row's findings
 * in the input's order, then the findings about a region (REGION_OUTLIER), which have no row: their
 * `wilayah` names the region, and their kab/kota is its first two parts. Ordered to the last column
 * that tells two findings apart (`kunci` is unique), so that the file is the same from run to run.
 */
export const findings = tableReport({
  name: 'findings.parquet',
  audience: 'analysts',
  query: `SELECT f.*, d.id_keluarga, d.kode_desa, CASE WHEN f.id_dtks IS NULL THEN left(f.wilayah, 5) ELSE d.kode_kabupaten END AS kode_kabupaten
    FROM findings f LEFT JOIN dtks d USING (id_dtks)
    ORDER BY d._baris NULLS LAST, f.wilayah, f.rule, f.field NULLS FIRST, f.evidence, f.kunci`,
});
