import { REPORTS } from '../reports/index.js';
import { manifest } from '../reports/manifest.js';
import type { ReportContext } from '../reports/report.js';
import { StepClock } from './steps.js';

/**
 * The apply: every output of `reports/` written into the run being built, then the manifest, which
 * lists and hashes them and whose presence means the run is complete. `stage` times the outputs as
 * the `write` stage, so that the manifest records that stage too.
 */
export async function writeOutputs(
  ctx: ReportContext,
  stage: <T>(name: string, fn: () => Promise<T>) => Promise<T>,
  progress?: (step: string, done: number, total: number) => void,
): Promise<string[]> {
  // Each output's own time, for the manifest: the next slow output must be visible.
  const clock = new StepClock();
  if (!ctx.run.details.step_seconds) ctx.run.details.step_seconds = {};
  (ctx.run.details.step_seconds as Record<string, unknown>).write = clock.seconds;
  await stage('write', async () => {
    for (const [i, report] of REPORTS.entries()) {
      progress?.(report.name, i, REPORTS.length);
      await clock.step(report.name, () => report.write(progress ? { ...ctx, progress } : ctx));
    }
  });
  await manifest.write(ctx);
  return [...ctx.out.written.keys()].filter((name) => name !== 'manifest.json').sort();
}
