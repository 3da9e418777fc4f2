import { tableReport } from './report.js';

/** `findings.parquet`: every finding of every rule with its evidence, for analysts. */
export const findings = tableReport({
  name: 'findings.parquet',
  audience: 'analysts',
  query: `SELECT f.*, d.id_keluarga, d.kode_desa, d.kode_kabupaten FROM findings f JOIN dtks d USING (id_dtks)
    ORDER BY d._baris, f.rule, f.field NULLS FIRST, f.evidence`,
});
