import type { Profile } from './profile.js';

/** The DTKS export as SIKS-NG writes it (SPEC §1.1). */
export const SIKS_NG: Profile = {
  name: 'SIKS-NG',
  // Passed through to dtks_corrected as written (SPEC §1).
  extraColumns: 'keep',
  columns: [
    { header: 'ID DTKS', key: 'id_dtks', required: true, aliases: ['IDDTKS'] },
    {
      header: 'ID KELUARGA',
      key: 'id_keluarga',
      required: false,
      aliases: ['IDKELUARGA', 'ID ART KELUARGA'],
    },
    { header: 'PROVINSI', key: 'provinsi', required: true, aliases: ['NAMA PROVINSI'] },
    {
      header: 'KABUPATEN/KOTA',
      key: 'kabupaten',
      required: true,
      aliases: ['KABUPATEN', 'KAB/KOTA', 'KABUPATEN KOTA'],
    },
    { header: 'KECAMATAN', key: 'kecamatan', required: true },
    {
      header: 'DESA/KELURAHAN',
      key: 'desa',
      required: true,
      aliases: ['DESA', 'KELURAHAN', 'DESA KELURAHAN'],
    },
    {
      header: 'KODE WILAYAH',
      key: 'kode_wilayah',
      required: false,
      aliases: ['KODE DESA', 'KODE WILAYAH DESA'],
    },
    { header: 'ALAMAT', key: 'alamat', required: false },
    { header: 'DUSUN', key: 'dusun', required: false },
    { header: 'RT', key: 'rt', required: false },
    { header: 'RW', key: 'rw', required: false },
    { header: 'NOMOR KK', key: 'no_kk', required: true, aliases: ['NO KK', 'NOKK'] },
    { header: 'NOMOR NIK', key: 'nik', required: true, aliases: ['NIK', 'NO NIK'] },
    { header: 'NAMA', key: 'nama', required: true, aliases: ['NAMA LENGKAP'] },
    { header: 'TANGGAL LAHIR', key: 'tgl_lahir', required: true, aliases: ['TGL LAHIR'] },
    { header: 'TEMPAT LAHIR', key: 'tempat_lahir', required: false, aliases: ['TMPT LAHIR'] },
    { header: 'JENIS KELAMIN', key: 'jenis_kelamin', required: true, aliases: ['JK'] },
    { header: 'NAMA IBU KANDUNG', key: 'nama_ibu_kandung', required: false, aliases: ['NAMA IBU'] },
    {
      header: 'HUBUNGAN KELUARGA',
      key: 'hubungan',
      required: true,
      aliases: ['HUBUNGAN DENGAN KEPALA KELUARGA', 'HUB KELUARGA'],
    },
    { header: 'PEKERJAAN', key: 'pekerjaan', required: false },
    { header: 'PKH', key: 'pkh', required: false },
    { header: 'BPNT', key: 'bpnt', required: false },
    { header: 'PBI', key: 'pbi', required: false },
  ],
};
