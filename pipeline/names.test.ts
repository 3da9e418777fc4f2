import { describe, expect, it } from 'vitest';
import {
  canonicalToken,
  initials,
  jaroWinkler,
  joinedForm,
  NAME_KEY_VERSION,
  nameKeys,
  nameSimilarity,
  nameTokens,
  normaliseName,
  phoneticKey,
  respell,
} from './names.js';

/** Every spelling in `variants` has the same key as `expected`. */
function expectSameKey(expected: string, ...variants: string[]): void {
  for (const v of variants) expect(normaliseName(v), v).toBe(expected);
}

describe('normaliseName: folding and punctuation', () => {
  it('upper-cases, collapses spaces and trims', () => {
    expect(normaliseName('  siti   aminah ')).toBe('SITI AMINAH');
    expect(normaliseName('Siti\tAminah\n')).toBe('SITI AMINAH');
  });

  it('folds accents and odd letters', () => {
    expect(normaliseName('José Sántos')).toBe('JOSE SANTOS');
    expect(normaliseName('Ñoman Çahyo')).toBe('NOMAN CAHYO');
    expect(normaliseName('Bjørn Łukasz')).toBe('BJORN LUKASZ');
  });

  it('drops apostrophes inside a word and turns other punctuation and digits into spaces', () => {
    expect(normaliseName("MA'RUF AMIN")).toBe('MARUF AMIN');
    expect(normaliseName('MA’RUF')).toBe('MARUF');
    expect(normaliseName('NUR-HAYATI')).toBe('NUR HAYATI');
    expect(normaliseName('SUPARMAN (ALM)')).toBe('SUPARMAN');
    expect(normaliseName('BUDI 2')).toBe('BUDI');
    expect(normaliseName('SITI/AMINAH')).toBe('SITI AMINAH');
    expect(normaliseName('SITI N.')).toBe('SITI N');
  });

  it('gives an empty key for null, empty and title-only names', () => {
    expect(normaliseName(null)).toBe('');
    expect(normaliseName(undefined)).toBe('');
    expect(normaliseName('')).toBe('');
    expect(normaliseName('   ')).toBe('');
    expect(normaliseName('.,-')).toBe('');
    expect(normaliseName('IBU')).toBe('');
    expect(normaliseName('H.')).toBe('');
  });
});

describe('normaliseName: titles and honorifics', () => {
  it.each([
    ['H. SUPARMAN'],
    ['H SUPARMAN'],
    ['H.SUPARMAN'],
    ['HJ. SUPARMAN'],
    ['HJH SUPARMAN'],
    ['HAJI SUPARMAN'],
    ['HAJJAH SUPARMAN'],
    ['HAJAH SUPARMAN'],
    ['HADJI SUPARMAN'],
    ['KH. SUPARMAN'],
    ['USTADZ SUPARMAN'],
    ['DRS. SUPARMAN'],
    ['DRA SUPARMAN'],
    ['DR. SUPARMAN'],
    ['dr. SUPARMAN'],
    ['DRG. SUPARMAN'],
    ['IR. SUPARMAN'],
    ['PROF. DR. IR. H. SUPARMAN'],
    ['ALM. SUPARMAN'],
    ['ALMH SUPARMAN'],
    ['ALMARHUM SUPARMAN'],
    ['ALMARHUMAH SUPARMAN'],
    ['NY. SUPARMAN'],
    ['NYONYA SUPARMAN'],
    ['TN. SUPARMAN'],
    ['TUAN SUPARMAN'],
    ['BPK. SUPARMAN'],
    ['BAPAK SUPARMAN'],
    ['IBU SUPARMAN'],
    ['SDR. SUPARMAN'],
    ['SDRI SUPARMAN'],
    ['SUPARMAN S.PD'],
    ['SUPARMAN S.Pd.'],
    ['SUPARMAN S. PD'],
    ['SUPARMAN SPD'],
    ['SUPARMAN S.PD.I'],
    ['SUPARMAN S.E'],
    ['SUPARMAN S.E.'],
    ['SUPARMAN SE'],
    ['SUPARMAN S.H'],
    ['SUPARMAN SH'],
    ['SUPARMAN S.T'],
    ['SUPARMAN S.KOM'],
    ['SUPARMAN S.AG'],
    ['SUPARMAN S.SOS'],
    ['SUPARMAN S.IP'],
    ['SUPARMAN S.Kep.Ns'],
    ['SUPARMAN A.MD'],
    ['SUPARMAN AMD'],
    ['SUPARMAN A.Md.Kep'],
    ['SUPARMAN A. MD'],
    ['SUPARMAN M.PD'],
    ['SUPARMAN M.SI'],
    ['SUPARMAN M.M'],
    ['SUPARMAN MM'],
    ['SUPARMAN ALM'],
    ['SUPARMAN, S.PD'],
    ['SUPARMAN, SPD'],
    ['SUPARMAN, S.PD., M.PD.'],
    ['SUPARMAN,S.E,M.M'],
    ['SUPARMAN, SE'],
    ['SUPARMAN, H'],
    ['SUPARMAN,H.'],
    ['SUPARMAN, Sp.OG'],
    ['H. SUPARMAN, S.PD'],
  ])('%s → SUPARMAN', (raw) => {
    expect(normaliseName(raw)).toBe('SUPARMAN');
  });

  it('drops titles in every position and several at once', () => {
    expect(normaliseName('Drs. H. M. Yusuf, M.Si')).toBe('MUHAMMAD YUSUF');
    expect(normaliseName('HJ. SITI AMINAH, S.E., M.M.')).toBe('SITI AMINAH');
    expect(normaliseName('SITI IBU AMINAH')).toBe('SITI AMINAH');
    expect(normaliseName('Hj.Siti Nurhaliza')).toBe('SITI NURHALIZA');
    expect(normaliseName('BAPAK H. SUPARMAN')).toBe('SUPARMAN');
  });

  it('keeps a single letter H that is not a leading title: it is an initial', () => {
    expect(normaliseName('AHMAD H')).toBe('AHMAD H');
    expect(normaliseName('AHMAD H. SUPRIYADI')).toBe('AHMAD H SUPRIYADI');
    expect(normaliseName('M. H. YUSUF')).toBe('MUHAMMAD H YUSUF');
  });

  it('keeps initial-like degrees that do not stand at the end or after a comma', () => {
    expect(normaliseName('S.E. SIMANJUNTAK')).toBe('S E SIMANJUNTAK');
    expect(normaliseName('S. PARMAN')).toBe('S PARMAN');
    expect(normaliseName('BUDI SE TIAWAN')).toBe('BUDI SE TIAWAN');
    expect(normaliseName('BUDI S E')).toBe('BUDI S E');
    // A person's only token is never taken for a degree.
    expect(normaliseName('SE')).toBe('SE');
    expect(normaliseName('AMA')).toBe('AMA');
    expect(normaliseName('AMA LEWAR')).toBe('AMA LEWAR');
  });

  it('keeps plain words after a comma (name written surname first)', () => {
    expect(normaliseName('SURYANI, SITI')).toBe('SURYANI SITI');
    expect(normaliseName('SURYANI, SITI, S.PD')).toBe('SURYANI SITI');
  });

  it('does not take name tokens for titles', () => {
    for (const name of [
      'HARIYANTO',
      'HADI',
      'DRAJAT',
      'IRMA',
      'IBNU',
      'NYOMAN',
      'TUANKU',
      'ALMIRA',
      'SEPTI',
      'NONA',
      'I WAYAN SUDARTA',
      'NI MADE SARI',
      'ROSMA BR SITUMORANG',
      'AHMAD BIN SULAIMAN',
    ]) {
      expect(normaliseName(name), name).toBe(name);
    }
  });
});

describe('normaliseName: old spellings', () => {
  it.each([
    ['JOKO', 'DJOKO'],
    ['CAHYO', 'TJAHJO'],
    ['CAHYONO', 'TJAHJONO'],
    ['SUKARNO', 'SOEKARNO'],
    ['SYAHRIR', 'SJAHRIR'],
    ['YUSUF', 'JOESOEF'],
    ['SUYONO', 'SOEJONO'],
    ['WAHYU', 'WAHJU'],
    ['WAHYUDI', 'WAHJUDI'],
    ['YAHYA', 'JAHJA'],
    ['NYOMAN', 'NJOMAN'],
    ['WIJAYA', 'WIDJAJA'],
    ['WIJAYA', 'WIDJAYA'],
    ['JAYA', 'DJAYA'],
    ['RAJA', 'RADJA'],
    ['AJI', 'ADJI'],
    ['PUJI', 'PUDJI'],
    ['RAHARJO', 'RAHARDJO'],
    ['SUCIPTO', 'SUTJIPTO'],
    ['HASYIM', 'HASJIM'],
    ['RASYID', 'RASJID'],
    ['CANDRA', 'TJANDRA'],
    ['CANDRA', 'CHANDRA'],
    ['UTOMO', 'OETOMO'],
    ['NUR', 'NOER'],
    ['AHMAD', 'ACHMAD'],
    ['AHMAD', 'AKHMAD'],
    ['RAHMAT', 'RACHMAT'],
    ['RAHMAT', 'RAKHMAT'],
    ['HAIRUL', 'KHAIRUL'],
    ['HAIRUL', 'CHAIRUL'],
    ['HOIRUL', 'KHOIRUL'],
    ['HOIRUL', 'CHOIRUL'],
    ['KRISTINA', 'CHRISTINA'],
  ])('modern %s and old %s share one key', (modern, old) => {
    expect(normaliseName(old)).toBe(normaliseName(modern));
  });

  it('maps the old spellings onto the modern word itself', () => {
    expect(normaliseName('DJOKO')).toBe('JOKO');
    expect(normaliseName('TJAHJO')).toBe('CAHYO');
    expect(normaliseName('SOEKARNO')).toBe('SUKARNO');
    expect(normaliseName('SJAHRIR')).toBe('SYAHRIR');
  });

  it('leaves modern names with J alone', () => {
    for (const name of [
      'JOKO',
      'JAJANG',
      'JUJUN',
      'JAYA',
      'RAJA',
      'AJI',
      'JUNAEDI',
      'JUMIATI',
      'NURJANAH',
      'SANJAYA',
      'PANJAITAN',
      'SIMANJUNTAK',
      'ARJUNA',
      'JOHAN',
    ]) {
      expect(normaliseName(name), name).toBe(name);
    }
  });

  it('does not merge names that differ in J and Y without old-spelling evidence', () => {
    expect(normaliseName('JULI')).not.toBe(normaliseName('YULI'));
    expect(normaliseName('JOKO')).not.toBe(normaliseName('YOKO'));
  });

  it('respell is a fixed point and leaves tokens without triggers untouched', () => {
    for (const t of ['DJOKO', 'TJAHJO', 'HDJA', 'ADDJI', 'CKH', 'SOEJONO', 'SUPARMAN']) {
      expect(respell(respell(t)), t).toBe(respell(t));
    }
    expect(respell('SUPARMAN')).toBe('SUPARMAN');
  });
});

describe('normaliseName: canonical variants', () => {
  it('maps every MUHAMMAD spelling and abbreviation to MUHAMMAD', () => {
    expectSameKey(
      'MUHAMMAD YUSUF',
      'MUHAMMAD YUSUF',
      'MUHAMAD YUSUF',
      'MOHAMMAD YUSUF',
      'MOHAMMED YUSUF',
      'MOCHAMAD YUSUF',
      'MOCHAMMAD YUSUF',
      'MOHAMAD YUSUF',
      'MUHAMMED YUSUF',
      'MUCHAMMAD YUSUF',
      'MOCH. YUSUF',
      'MOCH YUSUF',
      'MOH. YUSUF',
      'MUH. YUSUF',
      'MHD YUSUF',
      'M. YUSUF',
      'M YUSUF',
      'M.YUSUF',
      'H. M. YUSUF',
      'MUHAMMAD YUSUP',
      'MUHAMMAD JUSUF',
      'MOH. JOESOEF',
    );
  });

  it('expands a lone M only as the first of several tokens', () => {
    expect(normaliseName('M')).toBe('M');
    expect(normaliseName('YUSUF M')).toBe('YUSUF M');
    expect(normaliseName('AHMAD M YUSUF')).toBe('AHMAD M YUSUF');
  });

  it('maps SITI, STI, SITTI and a leading ST to SITI', () => {
    expectSameKey('SITI AMINAH', 'SITI AMINAH', 'STI AMINAH', 'SITTI AMINAH', 'ST. AMINAH', 'ST AMINAH');
    // A trailing ST is a degree (Sarjana Teknik), a lone ST stays as written.
    expect(normaliseName('AMINAH ST')).toBe('AMINAH');
    expect(normaliseName('ST')).toBe('ST');
  });

  it('maps other frequent variants', () => {
    expectSameKey('ABDUL RAHMAN', 'ABD RAHMAN', 'ABD. RACHMAN', 'ABDOEL RAHMAN');
    expectSameKey('AHMAD DAHLAN', 'ACHMAD DAHLAN', 'AHMAT DAHLAN', 'AHMED DAHLAN', 'KH. AHMAD DAHLAN');
    expectSameKey('NUR HAYATI', 'NOOR HAYATI', 'NOER HAYATI');
    expectSameKey('ABDULLAH', 'ABDULAH', 'ABDOELLAH');
  });

  it('canonicalToken is stable on its own output', () => {
    for (const t of ['MOCH', 'MUHAMAD', 'STI', 'ABD', 'NOOR', 'TJAHJO']) {
      const c = canonicalToken(t);
      expect(canonicalToken(c), t).toBe(c);
    }
  });
});

describe('normaliseName: idempotence', () => {
  it('holds on tricky names', () => {
    for (const raw of [
      'Drs. H. M. Yusuf, M.Si',
      'S.E. SIMANJUNTAK',
      'BUDI SE TIAWAN',
      'SE, ANI',
      'M, YUSUF',
      'CH SUPARMAN',
      'HADJI',
      'AHMAD H',
      'ST',
      'ST. AMINAH ST',
      'BUDI S. E ANI',
      'H.S. SIMANJUNTAK',
    ]) {
      const key = normaliseName(raw);
      expect(normaliseName(key), raw).toBe(key);
    }
  });

  it('holds on random strings of name-like pieces', () => {
    const pieces = [
      'H',
      'HJ',
      'M',
      'ST',
      'S',
      'E',
      'SE',
      'PD',
      'A',
      'MD',
      'MM',
      'DJOKO',
      'TJAHJO',
      'SITI',
      'AMA',
      'CH',
      'KH',
      'IBU',
      'OE',
    ];
    const glue = [' ', '. ', '.', ', ', ','];
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 48271) % 2147483647;
      return seed % n;
    };
    for (let i = 0; i < 20000; i++) {
      let raw = '';
      const count = 1 + random(5);
      for (let k = 0; k < count; k++)
        raw += pieces[random(pieces.length)] + (glue[random(glue.length)] as string);
      const key = normaliseName(raw);
      expect(normaliseName(key), raw).toBe(key);
    }
  });
});

describe('tokens, joined form, initials, phonetic keys', () => {
  it('splits and joins', () => {
    expect(nameTokens('SITI NURHALIZA')).toEqual(['SITI', 'NURHALIZA']);
    expect(nameTokens('')).toEqual([]);
    expect(joinedForm(normaliseName('NUR HAYATI'))).toBe(joinedForm(normaliseName('NURHAYATI')));
    expect(joinedForm('')).toBe('');
  });

  it('takes initials', () => {
    expect(initials('SITI NURHALIZA')).toBe('SN');
    expect(initials(normaliseName('H. M. YUSUF'))).toBe('MY');
    expect(initials('')).toBe('');
  });

  it('codes tokens with Double Metaphone, read the Indonesian way', () => {
    expect(phoneticKey('')).toBe('');
    expect(phoneticKey('MUHAMMAD')).toBe(phoneticKey('MUHAMAD'));
    expect(phoneticKey('WIDODO')).toBe(phoneticKey('WIDDODO'));
    // C is /tʃ/ in Indonesian: CUCU is not KUKU.
    expect(phoneticKey('CUCU')).not.toBe(phoneticKey('KUKU'));
    expect(phoneticKey('SYAHRIR')).toBe(phoneticKey('SHAHRIR'));
    expect(phoneticKey('CAHYO')).toMatch(/^X/);
  });
});

describe('nameKeys', () => {
  // Plain names take nameKeys' short path: titles first and last, H as a title and as an initial,
  // degrees that read as initials, old spellings, variants, the leading M and ST; then names that
  // are not plain and go the whole way.
  const names = [
    'SUPARMAN',
    'siti aminah',
    'Haji Muhammad Yusuf',
    'H SUPARMAN',
    'HJ H SITI',
    'BUDI H SANTOSO',
    'BUDI SANTOSO SE',
    'SE',
    'H',
    'IBU',
    'DRS IR HAJI SOEKARNO MM',
    'M YUSUF',
    'ST AMINAH',
    'M',
    'DJOKO TJAHJONO',
    'MOCHAMAD ACHMAD NOOR',
    'NJOMAN CHANDRA',
    'AMA LIMA',
    'CHRISTINA KHOIRUL',
    'H. SUPARMAN',
    'SUPARMAN, S.PD',
    "MA'RUF AMIN",
    '  SITI  AMINAH ',
    'José Sántos',
    'NUR-HAYATI',
  ];
  it.each(names)('gives %j the keys of normaliseName, phoneticKey and initials', (raw) => {
    const norm = normaliseName(raw);
    expect(nameKeys(raw)).toEqual({
      norm,
      fonetik: nameTokens(norm).map(phoneticKey),
      inisial: initials(norm),
    });
  });
});

describe('jaroWinkler', () => {
  it('has the textbook values and the DuckDB edge cases', () => {
    expect(jaroWinkler('MARTHA', 'MARHTA')).toBeCloseTo(0.9611, 4);
    expect(jaroWinkler('DIXON', 'DICKSONX')).toBeCloseTo(0.8133, 4);
    expect(jaroWinkler('SITI', 'SITI')).toBe(1);
    expect(jaroWinkler('', '')).toBe(0);
    expect(jaroWinkler('A', '')).toBe(0);
    expect(jaroWinkler('ABC', 'XYZ')).toBe(0);
  });
});

describe('nameSimilarity', () => {
  it('scores equal keys as identical', () => {
    const s = nameSimilarity('H. MOCH. YUSUF, S.PD', 'MUHAMMAD YUSUF');
    expect(s.a).toBe('MUHAMMAD YUSUF');
    expect(s.jaroWinkler).toBe(1);
    expect(s.tokenOverlap).toBe(1);
    expect(s.initialsCompatible).toBe(true);
    expect(s.droppedTokens).toEqual([]);
    expect(s.editDistance).toBe(0);
  });

  it('treats an initial as compatible with the token it abbreviates', () => {
    const s = nameSimilarity('SITI N.', 'SITI NURHALIZA');
    expect(s.initialsCompatible).toBe(true);
    expect(s.tokenOverlap).toBe(0.5);
    expect(nameSimilarity('S. NURHALIZA', 'SITI NURHALIZA').initialsCompatible).toBe(true);
    expect(nameSimilarity('SITI A.', 'SITI NURHALIZA').initialsCompatible).toBe(false);
    expect(nameSimilarity('N SITI', 'SITI NURHALIZA').initialsCompatible).toBe(false);
  });

  it('reports a dropped token', () => {
    const s = nameSimilarity('SITI', 'SITI AMINAH');
    expect(s.initialsCompatible).toBe(true);
    expect(s.droppedTokens).toEqual(['AMINAH']);
    expect(s.tokenOverlap).toBe(1);
    const middle = nameSimilarity('AHMAD YUSUF', 'AHMAD MUHAMMAD YUSUF');
    expect(middle.droppedTokens).toEqual(['MUHAMMAD']);
  });

  it('sees joined and split tokens as equal on the joined form', () => {
    const s = nameSimilarity('NURHAYATI', 'NUR HAYATI');
    expect(s.joinedEqual).toBe(true);
    expect(s.jaroWinklerJoined).toBe(1);
    expect(s.jaroWinkler).toBeLessThan(1);
    expect(s.tokenOverlap).toBe(0);
  });

  it('is order-free in its token measures', () => {
    const s = nameSimilarity('NURHALIZA SITI', 'SITI NURHALIZA');
    expect(s.tokenOverlap).toBe(1);
    expect(s.tokenSimilarity).toBe(1);
    expect(s.initialsCompatible).toBe(false);
  });

  it('tolerates a typo per token and counts phonetic agreement', () => {
    const s = nameSimilarity('SUPARMAN WIDODO', 'SUPARMAN WIDDODO');
    expect(s.tokenOverlap).toBe(0.5);
    expect(s.tokenSimilarity).toBeGreaterThan(0.95);
    expect(s.phoneticOverlap).toBe(1);
    expect(s.editDistance).toBe(1);
  });

  it('keeps different people apart', () => {
    const s = nameSimilarity('SITI AMINAH', 'SUPARMAN');
    expect(s.tokenOverlap).toBe(0);
    expect(s.initialsCompatible).toBe(false);
    expect(s.jaroWinkler).toBeLessThan(0.7);
  });

  it('handles empty names', () => {
    const s = nameSimilarity('', 'SITI');
    expect(s.jaroWinkler).toBe(0);
    expect(s.tokenOverlap).toBe(0);
    expect(s.tokenSimilarity).toBe(0);
    expect(s.initialsCompatible).toBe(false);
    expect(s.joinedEqual).toBe(false);
    expect(nameSimilarity(null as unknown as string, '').joinedEqual).toBe(false);
  });
});

describe('NAME_KEY_VERSION', () => {
  it('is a non-empty string', () => {
    expect(typeof NAME_KEY_VERSION).toBe('string');
    expect(NAME_KEY_VERSION.length).toBeGreaterThan(0);
  });
});
