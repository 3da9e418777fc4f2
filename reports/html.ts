import { OUTLIER_MEASURES } from '../rules/region-outlier.js';
import { ALASAN, KOLOM } from './labels.js';
import type { Report } from './report.js';
import type { Summary } from './summary.js';

/**
 * `report.html`: the cleanup statistics of `summary.json` as one self-contained page in Indonesian,
 * for analysts in offices that may be offline. No script and no remote load: a Content-Security-
 * Policy forbids both, styles and charts are inline (SVG bar charts with their numbers written on
 * them, each beside its table). Prints on A4.
 *
 * Every number shown carries `data-k`, the path of the number in summary.json, so that a test can
 * check that the page and the file agree. Every text from the data (region names are typed by
 * operators) is HTML-escaped.
 */
export const htmlReport: Report = {
  name: 'report.html',
  audience: 'analysts',
  async write({ out, summary, run }) {
    await out.writeText('report.html', renderReport(summary, run.runId));
  },
};

/** Text safe in HTML content and attribute values. */
export function esc(text: unknown): string {
  return String(text ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const angka = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 0 });
/** A score as summary.json rounds it (two decimals). */
const desimal = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 2 });
const persen = new Intl.NumberFormat('id-ID', {
  style: 'percent',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const rupiah = new Intl.NumberFormat('id-ID', {
  style: 'currency',
  currency: 'IDR',
  maximumFractionDigits: 0,
});

type Format = 'angka' | 'desimal' | 'persen' | 'rupiah';
const fmt = (value: number, format: Format) =>
  format === 'persen'
    ? persen.format(value)
    : format === 'rupiah'
      ? rupiah.format(value)
      : format === 'desimal'
        ? desimal.format(value)
        : angka.format(value);

/** A number of the summary, tagged with its path. */
function num(value: number, key: string, format: Format = 'angka'): string {
  return `<span data-k="${esc(key)}" data-f="${format}">${esc(fmt(value, format))}</span>`;
}

interface Bar {
  label: string;
  value: number;
  key: string;
}

/**
 * A horizontal bar chart as inline SVG: one bar per item, its label at the left and its number at
 * the end of the bar, so that a reader can quote it without the table.
 */
function barChart(title: string, bars: Bar[], format: Format = 'angka'): string {
  if (bars.length === 0) return `<p class="kosong">Tidak ada data untuk grafik ini.</p>`;
  const max = Math.max(...bars.map((b) => b.value), 1);
  const rowHeight = 26;
  // Drawn at its own size (no scaling), so that every chart's text is as large as the page's.
  const labelWidth = Math.min(360, Math.max(120, ...bars.map((b) => textWidth(b.label) + 14)));
  const barSpace = 360;
  const valueSpace = format === 'rupiah' ? 150 : 80;
  const width = Math.round(labelWidth + barSpace + valueSpace);
  const height = bars.length * rowHeight + 10;
  const rows = bars
    .map((b, i) => {
      const y = 5 + i * rowHeight;
      const w = Math.max(1, Math.round((b.value / max) * barSpace));
      return `<g>
  <text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end" class="label">${esc(b.label)}</text>
  <rect x="${labelWidth}" y="${y + 3}" width="${w}" height="${rowHeight - 8}" class="bar"/>
  <text x="${labelWidth + w + 6}" y="${y + 17}" class="value" data-k="${esc(b.key)}" data-f="${format}">${esc(fmt(b.value, format))}</text>
</g>`;
    })
    .join('\n');
  return `<figure class="grafik"><svg role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg"><title>${esc(title)}</title>
${rows}
</svg><figcaption>${esc(title)}</figcaption></figure>`;
}

/**
 * The width of a label at 13 px, on the generous side: an SVG label cannot wrap, and one wider
 * than its space is cut at the chart's edge (seen with DejaVu Sans, Debian's default, whose small
 * letters are wider than Arial's).
 */
function textWidth(text: string): number {
  let w = 0;
  for (const ch of text)
    w += /[A-Zmw]/.test(ch) ? 9.6 : /[0-9]/.test(ch) ? 8.3 : /[ iljtf.,:;'()]/.test(ch) ? 4.6 : 8;
  return Math.ceil(w * 1.05);
}

/** A table of label → number rows (with a total when asked). */
function table(
  head: [string, string],
  rows: { label: string; value: number; key: string }[],
  format: Format = 'angka',
): string {
  const body = rows
    .map((r) => `<tr><td>${esc(r.label)}</td><td class="n">${num(r.value, r.key, format)}</td></tr>`)
    .join('');
  return `<table><thead><tr><th>${esc(head[0])}</th><th class="n">${esc(head[1])}</th></tr></thead><tbody>${body}</tbody></table>`;
}

/** A chart and its table side by side (the table below when the page is narrow). */
function chartWithTable(
  title: string,
  head: [string, string],
  rows: Bar[],
  format: Format = 'angka',
  short: (label: string) => string = (l) => l,
): string {
  const chartRows = rows.map((r) => ({ ...r, label: short(r.label) }));
  return `<div class="pasang">${barChart(title, chartRows, format)}${table(head, rows, format)}</div>`;
}

/** "Meninggal dunia (DECEASED)" → "Meninggal dunia": the code stays in the table. */
const withoutCode = (label: string) => label.replace(/ \([A-Z_]+\)$/, '');

const reasonLabel = (code: string) => (ALASAN[code] ? `${ALASAN[code]} (${code})` : code);
const fieldLabel = (field: string) => KOLOM[field] ?? field;

function entries(record: Record<string, number>, prefix: string, label: (k: string) => string): Bar[] {
  return Object.entries(record).map(([k, v]) => ({ label: label(k), value: v, key: `${prefix}.${k}` }));
}

function regionTable(
  rows: Summary['by_provinsi'],
  prefix: string,
  level: string,
  extra?: (row: Summary['by_provinsi'][number], i: number) => string,
): string {
  const head = `<tr><th>Kode</th><th>${esc(level)}</th>${extra ? '<th>Induk</th>' : ''}<th class="n">Baris</th><th class="n">Nonaktif</th><th class="n">Meninggal</th><th class="n">Ganda</th><th class="n">Pindah</th><th class="n">Perbaikan</th><th class="n">Verifikasi</th><th class="n">Tingkat nonaktif</th></tr>`;
  const body = rows
    .map((r, i) => {
      const k = (f: string) => `${prefix}.${i}.${f}`;
      return `<tr><td>${esc(r.kode ?? '—')}</td><td>${esc(r.nama ?? (r.kode ? '' : 'tidak dikenali'))}</td>${extra ? extra(r, i) : ''}
<td class="n">${num(r.rows, k('rows'))}</td><td class="n">${num(r.deactivated, k('deactivated'))}</td>
<td class="n">${num(r.deceased, k('deceased'))}</td><td class="n">${num(r.duplicate, k('duplicate'))}</td>
<td class="n">${num(r.moved, k('moved'))}</td><td class="n">${num(r.corrections, k('corrections'))}</td>
<td class="n">${num(r.reviews, k('reviews'))}</td><td class="n">${num(r.deactivation_rate, k('deactivation_rate'), 'persen')}</td></tr>`;
    })
    .join('\n');
  return `<table class="wilayah"><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

const STYLE = `
:root { --biru: #1f4e78; --garis: #c8d3de; --latar: #f4f7fa; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: #1b2733; margin: 0 auto; max-width: 1100px; padding: 24px; font-size: 14px; line-height: 1.45; }
h1 { color: var(--biru); margin: 0 0 4px; font-size: 26px; }
h2 { color: var(--biru); border-bottom: 2px solid var(--biru); padding-bottom: 4px; margin-top: 32px; font-size: 19px; }
.meta { color: #52616f; margin: 0 0 16px; }
.ringkas { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin: 16px 0; }
.kartu { background: var(--latar); border: 1px solid var(--garis); border-radius: 6px; padding: 10px 12px; }
.kartu .angka { font-size: 22px; font-weight: bold; color: var(--biru); display: block; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; }
th, td { border: 1px solid var(--garis); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--latar); }
td.n, th.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.pasang { display: flex; flex-wrap: wrap; gap: 16px 24px; align-items: flex-start; }
.pasang > table { flex: 1 1 280px; width: auto; }
figure.grafik { margin: 0; max-width: 100%; overflow-x: auto; }
figure.grafik svg { max-width: 100%; height: auto; }
figcaption { color: #52616f; font-size: 12px; }
svg .bar { fill: var(--biru); }
svg text { font-size: 13px; fill: #1b2733; font-family: inherit; }
svg .value { font-weight: bold; }
.kosong { color: #52616f; font-style: italic; }
.catatan { color: #52616f; font-size: 12px; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { padding: 0; max-width: none; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  section { break-inside: avoid-page; }
  section.panjang { break-inside: auto; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  .ringkas { grid-template-columns: repeat(4, 1fr); }
}
`;

export function renderReport(s: Summary, runId: string): string {
  const reasons = entries(s.deactivations.by_reason, 'deactivations.by_reason', reasonLabel);
  const provinsi: Bar[] = s.by_provinsi.map((p, i) => ({
    label: p.nama ?? (p.kode ? p.kode : 'Wilayah tidak dikenali'),
    value: p.deactivated,
    key: `by_provinsi.${i}.deactivated`,
  }));
  const nik: Bar[] = [
    { label: 'NIK sesuai struktur (sebelum)', value: s.nik.before.valid, key: 'nik.before.valid' },
    { label: 'Padan dengan Dukcapil (sebelum)', value: s.nik.before.padan, key: 'nik.before.padan' },
    { label: 'NIK tidak valid (sebelum)', value: s.nik.before.invalid, key: 'nik.before.invalid' },
    { label: 'NIK kosong (sebelum)', value: s.nik.before.missing, key: 'nik.before.missing' },
    { label: 'Padan dengan Dukcapil (sesudah)', value: s.nik.after.padan, key: 'nik.after.padan' },
    { label: 'NIK diperbaiki', value: s.nik.after.corrected, key: 'nik.after.corrected' },
    { label: 'Belum padan (sesudah)', value: s.nik.after.unresolved, key: 'nik.after.unresolved' },
  ];
  const aktif: Bar[] = [
    { label: 'Aktif sebelum', value: s.active.before, key: 'active.before' },
    { label: 'Aktif sesudah', value: s.active.after, key: 'active.after' },
    { label: 'Dinonaktifkan', value: s.deactivations.total, key: 'deactivations.total' },
  ];
  const programs = Object.entries(s.aid.by_program).map(([p, v]) => ({
    label: p,
    value: v.monthly,
    key: `aid.by_program.${p}.monthly`,
  }));
  const aidRows = Object.entries(s.aid.by_program)
    .map(
      ([p, v]) =>
        `<tr><td>${esc(p)}</td><td class="n">${num(v.units, `aid.by_program.${p}.units`)} ${esc(v.unit)}</td><td class="n">${num(v.amount_per_unit, `aid.by_program.${p}.amount_per_unit`, 'rupiah')}</td><td class="n">${num(v.monthly, `aid.by_program.${p}.monthly`, 'rupiah')}</td></tr>`,
    )
    .join('');
  const outliers =
    s.region_outliers.length === 0
      ? '<p class="kosong">Tidak ada wilayah yang angka-angkanya menyimpang jauh dari wilayah sekitarnya dalam proses ini.</p>'
      : `<table><thead><tr><th>Wilayah</th><th>Kode</th><th>Ukuran</th><th>Kasus</th><th>Anggota</th><th>Angka</th><th>Median pembanding</th><th>Pembanding</th><th>Skor</th></tr></thead><tbody>${s.region_outliers
          .map((o, i) => {
            const k = (f: string) => `region_outliers.${i}.${f}`;
            return `<tr><td>${esc(o.nama)}</td><td>${esc(o.kode)}</td><td>${esc(OUTLIER_MEASURES[o.ukuran])}</td><td class="n">${num(o.kasus, k('kasus'))}</td><td class="n">${num(o.anggota, k('anggota'))}</td><td class="n">${num(o.rate, k('rate'), 'persen')}</td><td class="n">${num(o.median_pembanding, k('median_pembanding'), 'persen')}</td><td class="n">${num(o.pembanding, k('pembanding'))}</td><td class="n">${num(o.skor, k('skor'), 'desimal')}</td></tr>`;
          })
          .join('')}</tbody></table>
<p class="catatan">Angka: bagian anggota DTKS wilayah itu yang terhitung (mis. tanpa NIK). Kecamatan dibandingkan dengan kecamatan lain di kabupaten/kotanya, kabupaten/kota dengan kabupaten/kota lain di provinsinya. Skor: selisih dengan median pembanding dibagi sebaran wajarnya (MAD, atau keragaman acak bila wilayah kecil); setinggi ambang regionOutlier.minScore (bawaan 3,5) atau lebih berarti jauh menyimpang. Wilayah ini perlu diperiksa proses pendataannya, bukan orang per orang.</p>`;
  return `<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Laporan pemadanan DTKS – ${esc(s.reference_date)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Laporan pemadanan DTKS dengan Dukcapil</h1>
<p class="meta">Tanggal acuan ${esc(s.reference_date)} · nomor proses ${esc(runId)} · dibuat oleh padan</p>
<div class="ringkas">
<div class="kartu">Baris DTKS dimuat<span class="angka">${num(s.rows.dtks_loaded, 'rows.dtks_loaded')}</span></div>
<div class="kartu">Tetap aktif<span class="angka">${num(s.active.after, 'active.after')}</span></div>
<div class="kartu">Dinonaktifkan<span class="angka">${num(s.deactivations.total, 'deactivations.total')}</span>${num(s.deactivations.rate, 'deactivations.rate', 'persen')} dari yang dimuat</div>
<div class="kartu">Bantuan yang tidak lagi dibayar per bulan<span class="angka">${num(s.aid.monthly_total, 'aid.monthly_total', 'rupiah')}</span>perkiraan</div>
</div>
</header>

<section>
<h2>1. Data masuk</h2>
<table><thead><tr><th>Berkas</th><th class="n">Dibaca</th><th class="n">Dimuat</th><th class="n">Ditolak</th></tr></thead><tbody>
<tr><td>DTKS (SIKS-NG)</td><td class="n">${num(s.rows.dtks_read, 'rows.dtks_read')}</td><td class="n">${num(s.rows.dtks_loaded, 'rows.dtks_loaded')}</td><td class="n">${num(s.rows.dtks_rejected, 'rows.dtks_rejected')}</td></tr>
<tr><td>Dukcapil</td><td class="n">${num(s.rows.dukcapil_read, 'rows.dukcapil_read')}</td><td class="n">${num(s.rows.dukcapil_loaded, 'rows.dukcapil_loaded')}</td><td class="n">${num(s.rows.dukcapil_rejected, 'rows.dukcapil_rejected')}</td></tr>
</tbody></table>
<p class="catatan">Baris yang ditolak tercatat di rejected.csv dengan nomor baris dan alasannya; baris dibaca = dimuat + ditolak.</p>
${
  s.dukcapil_repeated.niks === 0
    ? '<p class="catatan">Tidak ada NIK ganda di data Dukcapil.</p>'
    : `<p>Di data Dukcapil ${num(s.dukcapil_repeated.niks, 'dukcapil_repeated.niks')} NIK muncul lebih dari sekali (${num(s.dukcapil_repeated.records, 'dukcapil_repeated.records')} baris); ${num(s.dukcapil_repeated.same_person, 'dukcapil_repeated.same_person')} salinan di antaranya orang yang sama yang tercatat dua kali, dan dipadankan sebagai satu orang. Laporkan NIK ganda ke Dukcapil untuk dibersihkan.</p>`
}
</section>

<section>
<h2>2. Anggota aktif sebelum dan sesudah</h2>
${chartWithTable('Anggota aktif sebelum dan sesudah pemadanan', ['Keadaan', 'Anggota'], aktif)}
<p>${num(s.active.rate_after, 'active.rate_after', 'persen')} anggota tetap aktif; ${num(s.deactivations.households, 'deactivations.households')} keluarga dinonaktifkan seluruhnya.</p>
</section>

<section>
<h2>3. Penonaktifan menurut alasan</h2>
${chartWithTable('Anggota dinonaktifkan menurut alasan', ['Alasan', 'Anggota'], reasons, 'angka', withoutCode)}
</section>

<section class="panjang">
<h2>4. Penonaktifan menurut wilayah</h2>
${barChart('Anggota dinonaktifkan menurut provinsi', provinsi)}
<h3>Menurut provinsi</h3>
${regionTable(s.by_provinsi, 'by_provinsi', 'Provinsi')}
<h3>Menurut kabupaten/kota (semua)</h3>
${regionTable(s.by_kabupaten as Summary['by_provinsi'], 'by_kabupaten', 'Kabupaten/kota', (r) => `<td>${esc((r as Summary['by_kabupaten'][number]).kode_provinsi ?? '')}</td>`)}
<p class="catatan">Rincian per kecamatan ada di summary.json (by_kecamatan).</p>
</section>

<section>
<h2>5. NIK padan dengan Dukcapil, sebelum dan sesudah</h2>
${chartWithTable('Keadaan NIK sebelum dan sesudah pemadanan', ['Keadaan NIK', 'Anggota'], nik)}
</section>

<section>
<h2>6. Perbaikan menurut kolom</h2>
${chartWithTable('Perbaikan menurut kolom', ['Kolom', 'Perbaikan'], entries(s.corrections.by_field, 'corrections.by_field', fieldLabel))}
</section>

<section>
<h2>7. Butir verifikasi menurut alasan</h2>
${chartWithTable('Butir yang perlu diverifikasi petugas', ['Alasan', 'Butir'], entries(s.reviews.by_reason, 'reviews.by_reason', reasonLabel), 'angka', withoutCode)}
</section>

<section>
<h2>8. Wilayah yang menyimpang dari sekitarnya</h2>
${outliers}
</section>

<section class="panjang">
<h2>9. Nama wilayah yang tidak dikenali</h2>
${
  s.regions_unresolved.length === 0
    ? '<p class="kosong">Semua nama wilayah dikenali.</p>'
    : `<table><thead><tr><th>Provinsi</th><th>Kabupaten/kota</th><th>Kecamatan</th><th>Desa/kelurahan</th><th class="n">Baris</th></tr></thead><tbody>${s.regions_unresolved
        .map(
          (r, i) =>
            `<tr><td>${esc(r.provinsi)}</td><td>${esc(r.kabupaten)}</td><td>${esc(r.kecamatan)}</td><td>${esc(r.desa)}</td><td class="n">${num(r.rows, `regions_unresolved.${i}.rows`)}</td></tr>`,
        )
        .join(
          '',
        )}</tbody></table><p class="catatan">Nama seperti yang diketik di SIKS-NG; perbaiki di sana (lihat juga REGION_INVALID pada review.csv).</p>`
}
</section>

<section>
<h2>10. Perkiraan bantuan yang tidak lagi dibayar per bulan</h2>
${barChart('Perkiraan bantuan per bulan menurut program', programs, 'rupiah')}
<table><thead><tr><th>Program</th><th class="n">Penerima dinonaktifkan</th><th class="n">Besaran per bulan</th><th class="n">Jumlah per bulan</th></tr></thead><tbody>${aidRows}
<tr><th>Jumlah</th><td></td><td></td><td class="n">${num(s.aid.monthly_total, 'aid.monthly_total', 'rupiah')}</td></tr></tbody></table>
<p class="catatan">Perkiraan dari besaran di konfigurasi (aid.*). Bawaan: PKH Rp 200.000 per anggota per bulan (indeks Rp 2.400.000 per komponen per tahun untuk lansia dan disabilitas berat, Kemensos 2021; komponen lain Rp 900.000–3.000.000 per tahun); BPNT/Program Sembako Rp 200.000 per keluarga per bulan (Kemensos, sejak 2020), dihitung hanya bila seluruh keluarga dinonaktifkan; PBI-JKN Rp 42.000 per anggota per bulan (iuran kelas III yang dibayar pemerintah, Perpres 64/2020).</p>
</section>

<section>
<h2>11. Keputusan petugas dinas sosial</h2>
<table><thead><tr><th>Keputusan</th><th class="n">Jumlah</th></tr></thead><tbody>
<tr><td>Dijalankan (SETUJU, PERBAIKI)</td><td class="n">${num(s.decisions.applied, 'decisions.applied')}</td></tr>
<tr><td>Ditolak (TOLAK)</td><td class="n">${num(s.decisions.declined, 'decisions.declined')}</td></tr>
<tr><td>Kedaluwarsa (datanya sudah berubah)</td><td class="n">${num(s.decisions.stale, 'decisions.stale')}</td></tr>
</tbody></table>
</section>

<footer><p class="catatan">Angka pada laman ini sama dengan summary.json pada folder yang sama.</p></footer>
</body>
</html>
`;
}
