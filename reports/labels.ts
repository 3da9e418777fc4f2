/**
 * The words a dinas sosial operator reads: reason codes, fields and scopes in Indonesian. Shared by
 * the workbooks (`workbooks.ts`) and `padan apply-review`, which maps the returned headers back.
 */

/** Reason codes of SPEC §4 as an operator says them. */
export const ALASAN: Record<string, string> = {
  DECEASED: 'Meninggal dunia',
  DUPLICATE: 'Terdaftar ganda',
  MOVED: 'Pindah domisili',
  NIK_CORRECTED: 'NIK diperbaiki',
  FIELD_CORRECTED: 'Data disesuaikan dengan Dukcapil',
  NIK_MISSING: 'NIK kosong',
  NIK_INVALID: 'NIK tidak valid',
  NIK_NOT_FOUND: 'NIK tidak ditemukan di Dukcapil',
  NIK_IDENTITY_MISMATCH: 'NIK milik orang lain',
  MATCH_UNCERTAIN: 'Calon di Dukcapil belum pasti',
  HEAD_DECEASED: 'Kepala keluarga meninggal',
  REGION_INVALID: 'Wilayah tidak valid',
  REGION_OUTLIER: 'Wilayah menyimpang dari sekitarnya',
  HOUSEHOLD_ANOMALY: 'Susunan keluarga janggal',
  FIELD_ANOMALY: 'Isian data janggal',
};

/** The correctable fields of SPEC §3 under their SIKS-NG headers. */
export const KOLOM: Record<string, string> = {
  nik: 'NIK',
  no_kk: 'NOMOR KK',
  nama: 'NAMA',
  tgl_lahir: 'TANGGAL LAHIR',
  jenis_kelamin: 'JENIS KELAMIN',
  kode_desa: 'KODE DESA',
  nama_ibu_kandung: 'NAMA IBU KANDUNG',
};

export const CAKUPAN: Record<string, string> = {
  PERSON: 'Perorangan',
  HOUSEHOLD: 'Seluruh keluarga',
};

/** The operator's decisions (SPEC §5). */
export const KEPUTUSAN = ['SETUJU', 'TOLAK', 'PERBAIKI'] as const;
export type Keputusan = (typeof KEPUTUSAN)[number];

/** A SQL CASE mapping a code column to its label (codes without a label pass through). */
export function labelSql(column: string, labels: Record<string, string>, withCode = false): string {
  const whens = Object.entries(labels)
    .map(
      ([code, label]) =>
        `WHEN '${code}' THEN '${(withCode ? `${label} (${code})` : label).replaceAll("'", "''")}'`,
    )
    .join(' ');
  return `CASE ${column} ${whens} ELSE ${column} END`;
}
