import { REPORTS } from '../reports/index.js';
import { manifest } from '../reports/manifest.js';
import type { ReportContext } from '../reports/report.js';

/**
 * The apply: every output of `reports/` written into the run being built, then the manifest, which
 * lists and hashes them and whose presence means the run is complete. `stage` times the outputs as
 * the `write` stage, so that the manifest records that stage too.
 */
export async function writeOutputs(
  ctx: ReportContext,
  stage: <T>(name: string, fn: () => Promise<T>) => Promise<T>,
): Promise<string[]> {
  await stage('write', async () => {
    for (const report of REPORTS) await report.write(ctx);
  });
  await manifest.write(ctx);
  return [...ctx.out.written.keys()].filter((name) => name !== 'manifest.json').sort();
}
