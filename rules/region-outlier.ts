import { percentSql } from '../pipeline/link-nik.js';
import type { Rule } from './rule.js';

/** The rates compared, with the words an operator reads: what share of a region's rows is ... */
export const OUTLIER_MEASURES = {
  duplikat: 'terdaftar ganda',
  nik_kosong: 'tanpa NIK',
  nik_tidak_ditemukan: 'NIK tidak ditemukan di Dukcapil',
  meninggal: 'tercatat meninggal di Dukcapil',
  pindah: 'pindah domisili menurut Dukcapil',
  wilayah_tidak_valid: 'wilayah tidak valid',
} as const;
export type OutlierMeasure = keyof typeof OUTLIER_MEASURES;

/**
 * A region whose data collection stands apart (SPEC §4 REGION_OUTLIER): for each kab/kota and
 * kecamatan, the share of its DTKS rows that are duplicates, lack a NIK, carry a NIK Dukcapil does
 * not know, are dead or moved, or have a region that does not resolve, compared with its peers.
 *
 * Peers: a kecamatan is compared with the other kecamatan of its kab/kota (the same dinas sosial,
 * the same operators and enumerators, the same Dukcapil office: what differs is the kecamatan's
 * own collection); a kab/kota with the other kab/kota of its province. With fewer than
 * `regionOutlier.minPeers` peers of at least `minRows` rows, the comparison widens to the province
 * (kecamatan) or to the whole file (kab/kota).
 *
 * Score: a robust z-score, (rate - peers' median) / (1.4826 MAD), so that one bad region cannot
 * hide itself by moving the mean. When the peers agree so closely that the MAD is below the
 * binomial noise of a region of this size, the noise is the scale instead: a small kecamatan's
 * 2 duplicates in 60 rows are chance, not a finding. The noise counts households, not rows:
 * operators register a household at once, so its members' errors come together (the region typed
 * once, a household registered twice), and a region's rows vary as much as its households do. Only rates above the peers count, by at least
 * `minExcess` of the rows: a region with fewer problems than its neighbours needs no visit.
 *
 * One finding per region and rate, about the region and not a person: id_dtks is empty, `wilayah`
 * holds the code and `field` the rate's name; `detail` has the numbers as JSON for summary.json.
 */
export const regionOutlier: Rule = {
  id: 'region.outlier',
  version: 1,
  reasons: ['REGION_OUTLIER'],
  action: 'review',
  severity: 'medium',
  stage: 'detect',
  reads: ['duplicate.same_nik', 'duplicate.dtks_only', 'nik.not_found', 'life.deceased', 'life.moved'],
  settings: [
    'regionOutlier.minRows',
    'regionOutlier.minPeers',
    'regionOutlier.minScore',
    'regionOutlier.minExcess',
  ],
  description: {
    id: 'Wilayah (kab/kota atau kecamatan) yang angka ganda, tanpa NIK, NIK tidak ditemukan, meninggal, pindah atau wilayah tidak valid-nya jauh di atas wilayah sebandingnya',
    en: 'A kab/kota or kecamatan whose rate of duplicates, missing NIK, NIK not found, deaths, moves or unresolved regions stands far above its peers',
  },
  async run({ emit, config }) {
    const measures = Object.keys(OUTLIER_MEASURES);
    const label = `CASE ukuran ${Object.entries(OUTLIER_MEASURES)
      .map(([k, v]) => `WHEN '${k}' THEN '${v}'`)
      .join(' ')} END`;
    const sums = measures.map((m) => `sum(${m}) AS ${m}`).join(', ');
    // The median rate of each peer group and how many regions it has (the MAD follows in `mad`).
    const peerMedian = (group: string) => `
      SELECT tingkat, ukuran, ${group} AS kelompok, median(rate) AS med, count(*) AS peers FROM eligible GROUP BY ALL`;
    await emit(
      'id_dtks, wilayah, field, evidence, confidence, detail, suggested_action',
      `
      WITH flagged AS (
        SELECT id_dtks, max(rule IN ('duplicate.same_nik', 'duplicate.dtks_only'))::INT AS duplikat,
          max(rule = 'nik.not_found')::INT AS nik_tidak_ditemukan,
          max(rule = 'life.deceased')::INT AS meninggal, max(rule = 'life.moved')::INT AS pindah
        FROM findings WHERE rule IN ('duplicate.same_nik', 'duplicate.dtks_only', 'nik.not_found', 'life.deceased', 'life.moved')
        GROUP BY id_dtks),
      r AS (
        SELECT d.kode_provinsi, d.kode_kabupaten, d.kode_kecamatan, d.id_keluarga,
          coalesce(f.duplikat, 0) AS duplikat, (d.nik_bentuk = 'KOSONG')::INT AS nik_kosong,
          coalesce(f.nik_tidak_ditemukan, 0) AS nik_tidak_ditemukan, coalesce(f.meninggal, 0) AS meninggal,
          coalesce(f.pindah, 0) AS pindah, (d.wilayah_status <> 'RESOLVED')::INT AS wilayah_tidak_valid
        FROM dtks d LEFT JOIN flagged f USING (id_dtks)),
      units AS (
        SELECT 'kecamatan' AS tingkat, kode_kecamatan AS kode, kode_kabupaten AS induk, kode_provinsi AS induk_luas,
          count(*) AS n, count(DISTINCT id_keluarga) AS keluarga, ${sums}
        FROM r WHERE kode_kecamatan IS NOT NULL GROUP BY ALL
        UNION ALL
        SELECT 'kabupaten', kode_kabupaten, kode_provinsi, '', count(*), count(DISTINCT id_keluarga), ${sums}
        FROM r WHERE kode_kabupaten IS NOT NULL GROUP BY ALL),
      eligible AS (
        SELECT tingkat, kode, induk, induk_luas, n, keluarga, ukuran, kasus, kasus / n AS rate
        FROM (UNPIVOT units ON ${measures.join(', ')} INTO NAME ukuran VALUE kasus)
        WHERE n >= ${config.regionOutlier.minRows}),
      narrow AS (${peerMedian('induk')}),
      wide AS (${peerMedian('induk_luas')}),
      placed AS (
        -- The narrow group when it has enough peers, else the wide one.
        SELECT e.*, CASE WHEN nw.peers >= ${config.regionOutlier.minPeers} THEN 'sempit' ELSE 'luas' END AS lingkup,
          CASE WHEN nw.peers >= ${config.regionOutlier.minPeers} THEN e.induk ELSE e.induk_luas END AS kelompok,
          CASE WHEN nw.peers >= ${config.regionOutlier.minPeers} THEN nw.med ELSE wd.med END AS med,
          CASE WHEN nw.peers >= ${config.regionOutlier.minPeers} THEN nw.peers ELSE wd.peers END AS peers
        FROM eligible e
        JOIN narrow nw ON nw.tingkat = e.tingkat AND nw.ukuran = e.ukuran AND nw.kelompok = e.induk
        JOIN wide wd ON wd.tingkat = e.tingkat AND wd.ukuran = e.ukuran AND wd.kelompok = e.induk_luas),
      mad AS (
        SELECT p.tingkat, p.ukuran, p.lingkup, p.kelompok, median(abs(e.rate - p.med)) AS mad
        FROM (SELECT DISTINCT tingkat, ukuran, lingkup, kelompok, med FROM placed) p
        JOIN eligible e ON e.tingkat = p.tingkat AND e.ukuran = p.ukuran
          AND (CASE p.lingkup WHEN 'sempit' THEN e.induk ELSE e.induk_luas END) = p.kelompok
        GROUP BY ALL),
      scored AS (
        SELECT p.*, m.mad,
          greatest(1.4826 * m.mad,
            sqrt(greatest(p.med, 1.0 / p.n) * (1 - greatest(p.med, 1.0 / p.n)) / p.keluarga)) AS skala
        FROM placed p JOIN mad m USING (tingkat, ukuran, lingkup, kelompok)),
      outliers AS (
        SELECT *, (rate - med) / skala AS skor FROM scored
        WHERE peers >= ${config.regionOutlier.minPeers}
          AND rate - med >= ${config.regionOutlier.minExcess}
          AND (rate - med) / skala >= ${config.regionOutlier.minScore}),
      named AS (
        SELECT o.*,
          CASE o.tingkat WHEN 'kecamatan' THEN 'Kec. ' || kc.nama || ', ' ELSE '' END || kb.nama AS nama_wilayah,
          CASE WHEN o.tingkat = 'kecamatan' AND o.lingkup = 'sempit'
                 THEN 'kecamatan di ' || kb.nama
               WHEN o.tingkat = 'kecamatan' THEN 'kecamatan di Provinsi ' || pv.nama
               WHEN o.lingkup = 'sempit' THEN 'kabupaten/kota di Provinsi ' || pv.nama
               ELSE 'kabupaten/kota dalam data ini' END AS nama_pembanding
        FROM outliers o
        JOIN ref_kabupaten kb ON kb.kode = left(o.kode, 5)
        JOIN ref_provinsi pv ON pv.kode = left(o.kode, 2)
        LEFT JOIN ref_kecamatan kc ON kc.kode = o.kode)
      SELECT NULL, kode, ukuran,
        nama_wilayah || ' (' || kode || '): ' || kasus || ' dari ' || n || ' anggota ' || ${label} ||
          ' (' || ${percentSql('rate')} || '), sedangkan median ' || nama_pembanding || ' (' || peers || ' wilayah) ' ||
          ${percentSql('med')} || '; skor ' || replace(CAST(round(skor, 1) AS VARCHAR), '.', ','),
        NULL,
        json_object('tingkat', tingkat, 'kode', kode, 'nama', nama_wilayah, 'ukuran', ukuran, 'anggota', n, 'kasus', kasus,
          'rate', round(rate, 4), 'median_pembanding', round(med, 4), 'mad', round(mad, 4),
          'skor', round(skor, 2), 'pembanding', peers, 'kelompok', nullif(kelompok, ''))::VARCHAR,
        'Periksa proses pendataan di wilayah ini (petugas, sumber data, cara pengisian): bagian anggota ' || ${label} ||
          ' jauh di atas wilayah sebandingnya'
      FROM named`,
    );
  },
};
