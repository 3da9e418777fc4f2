import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from './db.js';
import { packageRoot } from './paths.js';
import { PADAN_VERSION } from './version.js';

/**
 * What an engineer needs to trace a run back to its inputs and its program, for the manifest:
 * when it ran, how it was called, the inputs' absolute paths, the versions of padan, Node and
 * DuckDB, and padan's git commit when it runs from a checkout. Kept apart (`trace`) from what the
 * run computed, which is the same for the same inputs and config.
 */
export interface RunTrace {
  started_at: string;
  finished_at: string | null;
  command_line: string[] | null;
  paths: Record<string, string | null>;
  versions: { padan: string; node: string; duckdb: string };
  git_commit: string | null;
}

export async function startTrace(
  db: Db,
  startedAt: Date,
  commandLine: string[] | undefined,
  paths: Record<string, string | null>,
): Promise<RunTrace> {
  const duckdb = (await db.one<{ v: string }>('SELECT version() AS v'))?.v ?? 'unknown';
  return {
    started_at: startedAt.toISOString(),
    finished_at: null,
    command_line: commandLine ?? null,
    paths,
    versions: { padan: PADAN_VERSION, node: process.version, duckdb },
    git_commit: await gitCommit(packageRoot()),
  };
}

/** The commit of a git checkout, read from `.git` without running git; null outside a checkout. */
export async function gitCommit(root: string): Promise<string | null> {
  try {
    const head = (await readFile(join(root, '.git', 'HEAD'), 'utf8')).trim();
    if (/^[0-9a-f]{40}$/.test(head)) return head;
    const ref = /^ref: (.+)$/.exec(head)?.[1];
    if (!ref) return null;
    const loose = await readFile(join(root, '.git', ref), 'utf8').catch(() => null);
    if (loose) return loose.trim();
    const packed = await readFile(join(root, '.git', 'packed-refs'), 'utf8').catch(() => '');
    return (
      packed
        .split('\n')
        .find((l) => l.endsWith(` ${ref}`))
        ?.split(' ')[0] ?? null
    );
  } catch {
    return null;
  }
}
