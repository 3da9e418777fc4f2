import type { Profile } from './profile.js';

/** The Dukcapil extract with the field names of the Dukcapil data services (SPEC §1.2). */
export const DUKCAPIL: Profile = {
  name: 'Dukcapil',
  // Nothing downstream of the extract shows its other columns: personal data padan has no use for.
  extraColumns: 'drop',
  columns: [
    { header: 'NIK', key: 'nik', required: true },
    { header: 'NO_KK', key: 'no_kk', required: true },
    { header: 'NAMA_LGKP', key: 'nama', required: true },
    { header: 'TMPT_LHR', key: 'tempat_lahir', required: false, read: false },
    { header: 'TGL_LHR', key: 'tgl_lahir', required: true },
    { header: 'JENIS_KLMIN', key: 'jenis_kelamin', required: true },
    { header: 'STAT_HBKEL', key: 'hubungan', required: false },
    { header: 'NAMA_LGKP_IBU', key: 'nama_ibu_kandung', required: false },
    { header: 'ALAMAT', key: 'alamat', required: false, read: false },
    { header: 'NO_RT', key: 'rt', required: false, read: false },
    { header: 'NO_RW', key: 'rw', required: false, read: false },
    { header: 'NO_PROP', key: 'no_prop', required: true },
    { header: 'NO_KAB', key: 'no_kab', required: true },
    { header: 'NO_KEC', key: 'no_kec', required: true },
    { header: 'NO_KEL', key: 'no_kel', required: true },
    { header: 'JENIS_PKRJN', key: 'pekerjaan', required: false },
    { header: 'STATUS_KAWIN', key: 'status_kawin', required: false, read: false },
    { header: 'AGAMA', key: 'agama', required: false, read: false },
    { header: 'STAT_HIDUP', key: 'stat_hidup', required: true },
    { header: 'TGL_KEMATIAN', key: 'tgl_kematian', required: false },
  ],
};
