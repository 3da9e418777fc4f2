import type { Rule } from './rule.js';
import { ageSql } from './sql.js';

/**
 * The Dukcapil occupation list (JENIS_PKRJN) as SIKS-NG operators type it: the entries that are no
 * work, and the pupils and retirees among them. Matched as patterns because PEKERJAAN is free text.
 */
const NO_WORK = 'BELUM|TIDAK BEKERJA|MENGURUS RUMAH|IBU RUMAH|^IRT$|PELAJAR|MAHASISWA|SISWA|PENSIUN|LAINNYA';
const PUPIL = 'PELAJAR|MAHASISWA|SISWA';
const RETIREE = 'PENSIUN|PURNAWIRAWAN';

/**
 * Single-field anomalies operators fix in SIKS-NG: an impossible age or a birth date in the future,
 * unreadable birth date or sex, an occupation impossible for the age, a mother's name that is
 * missing, a placeholder or the member's own name. One finding per row, listing every problem.
 */
export const fieldAnomaly: Rule = {
  id: 'field.anomaly',
  version: 2,
  reasons: ['FIELD_ANOMALY'],
  action: 'review',
  severity: 'low',
  stage: 'validate',
  settings: ['fields.maxAge', 'fields.minWorkerAge', 'fields.maxPupilAge', 'fields.minRetireeAge'],
  description: {
    id: 'Isian janggal: umur tidak wajar, tanggal lahir atau jenis kelamin tidak terbaca, pekerjaan tidak sesuai umur, nama ibu kandung kosong, pengisi atau sama dengan nama sendiri',
    en: "Field anomaly: implausible age, unreadable birth date or sex, occupation impossible for the age, mother's name missing, a placeholder or the member's own name",
  },
  async run({ emit, config, referenceDate }) {
    await emit(
      'id_dtks, evidence, suggested_action',
      `
      WITH a AS (
        SELECT *, ${ageSql('tgl_lahir', '$ref::DATE')} AS umur,
          upper(coalesce(pekerjaan, '')) AS kerja
        FROM dtks),
      p AS (
        SELECT id_dtks, list_filter([
          CASE WHEN tgl_lahir IS NULL AND tgl_lahir_bentuk = 'KOSONG' THEN 'tanggal lahir kosong'
               WHEN tgl_lahir IS NULL THEN 'tanggal lahir tidak terbaca' END,
          CASE WHEN tgl_lahir > $ref::DATE THEN 'tanggal lahir di masa depan' END,
          CASE WHEN umur > ${config.fields.maxAge} THEN 'umur ' || umur || ' tahun, lebih dari ${config.fields.maxAge} tahun' END,
          CASE WHEN jenis_kelamin IS NULL THEN 'jenis kelamin kosong atau tidak dikenal' END,
          CASE WHEN hubungan IS NULL THEN 'hubungan keluarga kosong atau tidak dikenal' END,
          CASE WHEN nama IS NULL THEN 'nama kosong' END,
          CASE WHEN kerja <> '' AND umur >= 0 AND umur < ${config.fields.minWorkerAge} AND NOT regexp_matches(kerja, '${NO_WORK}')
            THEN 'pekerjaan ' || kerja || ' pada umur ' || umur || ' tahun' END,
          CASE WHEN umur > ${config.fields.maxPupilAge} AND regexp_matches(kerja, '${PUPIL}')
            THEN 'pelajar/mahasiswa berumur ' || umur || ' tahun' END,
          CASE WHEN umur >= 0 AND umur < ${config.fields.minRetireeAge} AND regexp_matches(kerja, '${RETIREE}')
            THEN 'pensiunan berumur ' || umur || ' tahun' END,
          CASE WHEN nama_ibu_kandung IS NULL THEN 'nama ibu kandung kosong'
               WHEN padan_ibu_pengisi(nama_ibu_kandung) THEN 'nama ibu kandung berupa isian pengisi'
               WHEN padan_teks_bentuk(nama_ibu_kandung) = padan_teks_bentuk(nama)
                 THEN 'nama ibu kandung sama dengan nama anggota sendiri' END
        ], x -> x IS NOT NULL) AS problems
        FROM a)
      SELECT id_dtks, array_to_string(problems, '; '),
        'Periksa isian pada dokumen kependudukan dan perbaiki di SIKS-NG'
      FROM p WHERE len(problems) > 0`,
      { ref: referenceDate },
    );
  },
};
