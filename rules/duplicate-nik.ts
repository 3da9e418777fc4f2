import type { Rule } from './rule.js';

/**
 * Rows linked to the same Dukcapil person are one person registered more than once: by the same NIK
 * and identity, or found by matching under a wrong or missing NIK. Rows that share a NIK but are
 * different people (a relative's NIK) are not duplicates: they are caught by nik.identity_mismatch.
 * Rows unknown to Dukcapil are duplicates when they share a NIK and their identities agree. The row kept follows DOMAIN.md: the one in the desa where Dukcapil says
 * the person lives, then the one whose KK matches Dukcapil, then one whose region resolved, then
 * the first in the file.
 */
export const duplicateNik: Rule = {
  id: 'duplicate.same_nik',
  version: 2,
  reasons: ['DUPLICATE'],
  action: 'deactivate',
  severity: 'high',
  stage: 'detect',
  description: {
    id: 'Orang yang sama terdaftar lebih dari sekali (NIK dan identitas sama, atau ditemukan lewat pencocokan)',
    en: 'The same person is registered more than once (same NIK and identity, or found by matching)',
  },
  async run({ emit }) {
    await emit(
      'id_dtks, evidence, kept_id_dtks, scope',
      `
      WITH members AS (
        -- With a Dukcapil record, the members of a person are the rows linked to it (or to a copy of
        -- it: a NIK repeated in Dukcapil with the same identity).
        SELECT id_dtks, 'dukcapil:' || dc_orang AS orang, id_keluarga, _baris, kode_desa, wilayah_status,
          (kode_desa = dc_kode_desa) AS di_domisili, (no_kk = dc_no_kk) AS kk_sama,
          padan_metode = 'TEPAT' AS tepat
        FROM dtks_padan WHERE padan_status = 'PADAN'
        UNION ALL
        -- Without one, rows with the same NIK are one person when their identities agree with the
        -- NIK's first row.
        SELECT d.id_dtks, 'nik:' || d.nik, d.id_keluarga, d._baris, d.kode_desa, d.wilayah_status, false, false, true
        FROM dtks_padan d
        JOIN (SELECT nik, arg_min(id_dtks, _baris) AS anchor FROM dtks_padan
              WHERE padan_status = 'TIDAK_DITEMUKAN' GROUP BY nik HAVING count(*) > 1) g ON g.nik = d.nik
        JOIN dtks a ON a.id_dtks = g.anchor
        WHERE d.padan_status = 'TIDAK_DITEMUKAN'
          AND (d.id_dtks = g.anchor OR (padan_identitas_sama(padan_nama_mirip(d.nama_norm, a.nama_norm),
               padan_tanggal_level(d.tgl_lahir, a.tgl_lahir), d.jenis_kelamin, a.jenis_kelamin)
            -- Within a household only one person typed twice: a twin carrying the other's NIK is not.
            AND (d.id_keluarga <> a.id_keluarga OR padan_satu_orang(d.nama_norm, a.nama_norm, d.nama_gabung, a.nama_gabung, d.tgl_lahir, a.tgl_lahir,
              d.jenis_kelamin, a.jenis_kelamin))))
      ),
      ranked AS (
        SELECT *, count(*) OVER (PARTITION BY orang) AS n, bool_and(tepat) OVER (PARTITION BY orang) AS semua_tepat,
          first_value(id_dtks) OVER w AS kept, first_value(id_keluarga) OVER w AS kept_keluarga
        FROM members
        -- Prefer the row in the Dukcapil domicile, then one not known to be elsewhere (its region did
        -- not resolve: a row known to be elsewhere goes as MOVED, and keeping it would take both),
        -- then the one whose KK matches, then one whose NIK was right, then a resolved region, then
        -- the first in the file.
        WINDOW w AS (PARTITION BY orang ORDER BY CASE WHEN di_domisili THEN 0 WHEN di_domisili IS NULL THEN 1 ELSE 2 END,
                     kk_sama DESC NULLS LAST, tepat DESC,
                     (wilayah_status = 'RESOLVED') DESC, _baris)
      )
      SELECT id_dtks, 'Orang yang sama terdaftar ' || n || ' kali' ||
          CASE WHEN semua_tepat THEN ' dengan NIK, nama dan tanggal lahir yang sama'
               ELSE ' (ditemukan lewat pencocokan data Dukcapil)' END ||
          '; dipertahankan ID DTKS ' || kept ||
          CASE WHEN kept_keluarga = id_keluarga THEN ' (keluarga yang sama)' ELSE ' (keluarga lain)' END,
        kept, 'PERSON'
      FROM ranked WHERE n > 1 AND id_dtks <> kept`,
    );
  },
};
