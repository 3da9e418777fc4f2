import cliProgress from 'cli-progress';
import type { LogSink } from '../pipeline/logger.js';
import type { ProgressEvent } from '../pipeline/run.js';
import { STAGES } from '../pipeline/run.js';

/**
 * What a person at a terminal sees while a run works: the stage (k of 7) and, inside it, the step
 * with its count and an estimate (blocking rule 3 of 10, workbook 120 of 514). Drawn with
 * cli-progress on stderr, only when stderr is a terminal and not --quiet; log lines are printed
 * above the bars (the logger writes through `sink`), never into them. NO_COLOR is honoured.
 */
export class TerminalProgress {
  private readonly bars: cliProgress.MultiBar;
  private readonly stage: cliProgress.SingleBar;
  private readonly step: cliProgress.SingleBar;
  private stopped = false;
  /** When the step on the second bar began (Date.now()). */
  private stepStarted = Date.now();
  private stepName = '';

  private constructor(stream: NodeJS.WriteStream, color: boolean) {
    this.bars = new cliProgress.MultiBar(
      {
        stream,
        hideCursor: true,
        clearOnComplete: true,
        stopOnComplete: false,
        forceRedraw: true,
        barsize: 28,
        format: (options, params, payload: { label: string; detail: string }) => {
          const bar = cliProgress.Format.BarFormat(params.progress, options);
          const eta =
            params.eta > 0 && Number.isFinite(params.eta) && params.value > 0
              ? ` · ETA ${formatSeconds(params.eta)}`
              : '';
          // A step that is one long DuckDB statement (scoring every candidate pair) moves no count
          // for minutes: its own running time says it is working.
          const running = (Date.now() - this.stepStarted) / 1000;
          const elapsed = payload.label !== 'padan run' && running >= 2 ? ` · ${formatSeconds(running)}` : '';
          const line = `${payload.label.padEnd(12)} ${bar} ${params.value}/${params.total} ${payload.detail}${elapsed}${eta}`;
          return color ? `\u001b[36m${line}\u001b[0m` : line;
        },
      },
      cliProgress.Presets.shades_classic,
    );
    this.stage = this.bars.create(STAGES.length, 0, { label: 'padan run', detail: '' });
    this.step = this.bars.create(1, 0, { label: '', detail: '' });
  }

  /** A display on `stream` when it is a terminal and the run is not quiet; otherwise null. */
  static forTerminal(stream: NodeJS.WriteStream, quiet: boolean): TerminalProgress | null {
    if (quiet || !stream.isTTY) return null;
    return new TerminalProgress(stream, process.env.NO_COLOR === undefined || process.env.NO_COLOR === '');
  }

  /** Log lines go above the bars. */
  readonly sink: LogSink = {
    write: (line) => {
      if (this.stopped) process.stderr.write(line);
      else this.bars.log(line.endsWith('\n') ? line : `${line}\n`);
    },
  };

  onStage = (name: string, state: 'start' | 'done') => {
    const index = STAGES.indexOf(name as (typeof STAGES)[number]);
    if (state === 'start') {
      this.stage.update(Math.max(index, 0), {
        label: 'padan run',
        detail: `stage ${index + 1} of ${STAGES.length}: ${name}`,
      });
      this.step.setTotal(1);
      this.startStep(`${name}:`);
      this.step.update(0, { label: name, detail: '' });
    } else this.stage.update(index + 1, { label: 'padan run', detail: `${name} done` });
  };

  onProgress = (event: ProgressEvent) => {
    if (event.total > 0 && this.step.getTotal() !== event.total) this.step.setTotal(event.total);
    this.startStep(`${event.stage}:${event.step}`);
    this.step.update(event.done, { label: event.stage, detail: event.step });
  };

  private startStep(name: string): void {
    if (name === this.stepName) return;
    this.stepName = name;
    this.stepStarted = Date.now();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.bars.stop();
  }
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}
