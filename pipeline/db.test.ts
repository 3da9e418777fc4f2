import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Db } from './db.js';

describe('the database storage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'padan-db-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Names like these, distinct but sharing their letters, are what FSST would be chosen for.
  const NAMES = `SELECT 'SITI NURHALIZAH BINTI ' || i || ' MUHAMMAD ' || (i * 7919 % 100003) AS nama
    FROM range(200000) t(i)`;

  async function compressions(db: Db): Promise<string[]> {
    await db.exec(`CREATE TABLE t AS ${NAMES}; CHECKPOINT`);
    const rows = await db.all<{ c: string }>(
      `SELECT DISTINCT compression AS c FROM pragma_storage_info('t') WHERE segment_type = 'VARCHAR' ORDER BY c`,
    );
    return rows.map((r) => r.c);
  }

  it('stores text without FSST, on every connection and whether or not the file is attached', async () => {
    for (const rowGroupSize of [undefined, 2048]) {
      const db = await Db.open({ path: join(dir, `run-${rowGroupSize ?? 'default'}.duckdb`), rowGroupSize });
      try {
        expect(await compressions(db)).not.toContain('FSST');
        const other = await db.connectAnother();
        const setting = (
          await other.runAndReadAll(`SELECT current_setting('disabled_compression_methods')`)
        ).getRows();
        expect(String(setting[0]?.[0]).toLowerCase()).toBe('fsst');
        other.closeSync();
      } finally {
        db.close();
      }
    }
  });
});
