import { describe, expect, it } from 'vitest';
import { asWorkbookText } from './workbook-file.js';

describe('asWorkbookText', () => {
  it('gives a text as the workbook will give it back, and any other value as it is', () => {
    expect(asWorkbookText('BUDI SANTOSO')).toBe('BUDI SANTOSO');
    expect(asWorkbookText('A\r\nB\rC\nD')).toBe('A\nB\nC\nD');
    expect(asWorkbookText('A\u0000B\u0008C\u000bD\u000cE\u001fF\u007fG\ufffeH\uffff')).toBe('ABCDEFGH');
    expect(asWorkbookText('tab\ttetap')).toBe('tab\ttetap');
    expect(asWorkbookText('\udc00x\ud83d\udc69')).toBe('\ufffdx\ud83d\udc69');
    expect(asWorkbookText(0.5)).toBe(0.5);
    expect(asWorkbookText(null)).toBe(null);
  });
});
