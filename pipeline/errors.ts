/**
 * Errors that end a run with a known exit code. The message is one line, names the file (and line
 * and column where there is one) and says what to do. It never carries a NIK, a name or a birth
 * date: those belong in rejected.csv only.
 */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  unreadableInput: 3,
  /** Out of memory or of disk for spilling: the run needs more resources, not another input. */
  resources: 4,
  /** Stopped by SIGINT (128 + 2) or SIGTERM (128 + 15). */
  interrupted: 130,
  terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class PadanError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'PadanError';
  }
}

/** Bad command-line options or an invalid config file (exit 2). */
export class UsageError extends PadanError {
  constructor(message: string) {
    super(message, ExitCode.usage);
    this.name = 'UsageError';
  }
}

/** An input file that cannot be read at all, or lacks a required column (exit 3). */
export class InputError extends PadanError {
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(message, ExitCode.unreadableInput);
    this.name = 'InputError';
  }
}

/** An output folder or database that cannot be written (exit 3, like an unreadable input). */
export class OutputError extends PadanError {
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(message, ExitCode.unreadableInput);
    this.name = 'OutputError';
  }
}

/** DuckDB ran out of memory or of temp disk (exit 4): say which option to raise. */
export class ResourceError extends PadanError {
  constructor(message: string) {
    super(message, ExitCode.resources);
    this.name = 'ResourceError';
  }
}

/** The run was stopped by a signal; the previous run is untouched. */
export class InterruptedError extends PadanError {
  constructor(readonly signal: 'SIGINT' | 'SIGTERM') {
    super(
      `stopped by ${signal}; this run's files were removed and the output folder is as it was`,
      signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated,
    );
    this.name = 'InterruptedError';
  }
}
