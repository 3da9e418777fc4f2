import { Writable } from 'node:stream';
import { type Logger, pino } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/** Where log lines go: stderr, or a terminal progress display that prints them above its bars. */
export interface LogSink {
  write(line: string): void;
}

const stderrSink: LogSink = { write: (line) => process.stderr.write(line) };

/**
 * The run's logger: JSON lines on stderr, readable (pino-pretty) when stderr is a terminal. Log
 * only counts, ids, file names and line numbers: NIKs, names and birth dates never go into a log
 * (UU PDP). The pretty form runs in this thread and writes through `sink`, so that a progress line
 * on the terminal is cleared before a log line and drawn again after it, never broken into.
 */
export function createLogger(
  options: { level?: string; pretty?: boolean; color?: boolean; sink?: LogSink } = {},
): Logger {
  const level = options.level ?? process.env.PADAN_LOG_LEVEL ?? 'info';
  const usePretty = options.pretty ?? process.stderr.isTTY === true;
  const sink = options.sink ?? stderrSink;
  if (usePretty) {
    const stream = pretty({
      colorize: options.color ?? (process.env.NO_COLOR === undefined || process.env.NO_COLOR === ''),
      translateTime: 'SYS:HH:MM:ss',
      sync: true,
      destination: new Writable({
        write(chunk, _encoding, done) {
          sink.write(String(chunk));
          done();
        },
      }),
    });
    return pino({ level }, stream);
  }
  if (options.sink)
    return pino({ level, base: { app: 'padan' } }, { write: (line: string) => sink.write(line) });
  return pino({ level, base: { app: 'padan' } }, pino.destination(2));
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
