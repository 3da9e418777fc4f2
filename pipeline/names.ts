import { doubleMetaphone } from 'double-metaphone';
import { distance as levenshtein } from 'fastest-levenshtein';

/**
 * Indonesian name normalisation: one canonical key per person name, so that the spellings the same
 * person is registered under in DTKS and Dukcapil compare equal (or close). Pure functions, no I/O.
 *
 * The key is not a pretty name: it is an upper-case, title-free, spelling-canonical token list used
 * only for comparison. What matters is that variants of one name map to the same key and that
 * different names do not; over-applying a rewrite is harmless as long as it is applied the same way
 * to both sides (the key of JOEL becomes YUL, and so does YOEL).
 *
 * Rules, in order (see DOMAIN.md "Names"):
 * 1. Fold: upper case, accents removed (NFKD), apostrophes dropped without a space (MA'RUF → MARUF),
 *    every character other than A–Z, dot and comma (digits, hyphens, brackets...) becomes a space.
 * 2. Comma: what follows the first comma is post-nominal degrees (SUPARMAN, S.PD., M.PD). There,
 *    known titles and any dotted abbreviation are dropped; plain words are kept (SURYANI, SITI).
 * 3. Dotted tokens are recognised before dots go: S.PD, A.MD.KEP, M.SI are degrees; any other dotted
 *    token is split into its parts (H.SUPARMAN → H SUPARMAN, M.YUSUF → M YUSUF). "S. PD" written
 *    with a space is joined back when it forms a degree and some name comes before it ("S PD"
 *    without the dot is not).
 * 4. Titles and honorifics (HJ, HAJI, DRS, IR, ALM, NY, BPK, IBU, SPD, AMD...) are dropped anywhere.
 *    A lone H is a title only in the leading run of titles (H. SUPARMAN, DRS. H. M. YUSUF); elsewhere
 *    it is an initial. Degrees that look like initials (S.E, S.H, S.T, M.M, SE, SH, ST, MM, AMA...)
 *    are dropped only at the end of the name (after at least one other token) or after a comma.
 * 5. Old spellings, per token (see `respell`): OE→U everywhere; in a token that shows old spelling
 *    (DJ, TJ, SJ, OE, HJ+vowel, or a leading NJ+vowel) DJ→J, TJ→C and every other J→Y (so SJ→SY,
 *    NJ→NY); CH/KH→H except CHR→KR and a leading CHANDR→CANDR.
 * 6. Canonical variants per token (MUHAMMAD, SITI, ABDUL, AHMAD, NUR, YUSUF, ...); a lone leading M or
 *    ST before another token is MUHAMMAD or SITI.
 *
 * The function is idempotent: normaliseName(normaliseName(x)) === normaliseName(x).
 */

/** Bump whenever a change here can change a key; recorded in the run manifest. */
export const NAME_KEY_VERSION = '1';

// ---------------------------------------------------------------------------------------------
// Old spellings

// Per-token work is memoised: names repeat their tokens heavily (MUHAMMAD, SITI, NUR...). The cache
// is cleared when full, so memory stays bounded however many distinct tokens a run meets.
const CACHE_LIMIT = 500_000;
const phoneticCache = new Map<string, string>();
/** Each token is respelled twice (its kind, its canonical form): the regular expressions once. */
const respellCache = new Map<string, string>();

function cached<T>(cache: Map<string, T>, key: string, compute: (key: string) => T): T {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const value = compute(key);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

/**
 * Evidence that a token is written in the pre-1972 (Van Ophuijsen / Soewandi) spelling, where J
 * stood for today's Y and DJ for today's J. Modern spelling never has DJ, TJ, SJ or OE, nor J right
 * after H (WAHJU, TJAHJO, JAHJA) or a leading NJ (NJOMAN). Only in such tokens is J read as Y:
 * a modern JOKO, JAYA, RAJA or JUJUN has no such evidence and keeps its J, while DJOKO → JOKO and
 * TJAHJO → CAHYO land on the modern spelling. An old token without evidence (JANTO for YANTO) is
 * not recognised; that is a known limit, left to fuzzy comparison.
 */
const OLD_SPELLING = /DJ|TJ|SJ|OE|HJ[AEIOU]|^NJ[AEIOU]/;
/** Tokens without these letters are left as they are by every rule below. */
const RESPELL_TRIGGER = /J|OE|H/;

function respellOnce(token: string): string {
  if (!RESPELL_TRIGGER.test(token)) return token;
  const old = OLD_SPELLING.test(token);
  let s = token.replaceAll('OE', 'U');
  if (old) {
    // DJ's J is a real J: park it in a lower-case placeholder while the other J's become Y.
    s = s.replaceAll('DJ', 'j').replaceAll('TJ', 'C').replaceAll('J', 'Y').replaceAll('j', 'J');
  }
  // Arabic kh is written KH, CH or H (AKHMAD/ACHMAD/AHMAD, KHOIRUL/CHOIRUL/HOIRUL, RACHMAT/RAHMAT);
  // H is the common spelling, so all three meet there. CHR is always /kr/ (CHRISTINA/KRISTINA) and
  // CHANDRA is the old spelling of CANDRA, not a kh.
  s = s.replace(/^CHANDR/, 'CANDR').replaceAll('CHR', 'KR');
  return s.replace(/[CK]H/g, 'H');
}

/**
 * A token in modern spelling. Applied until nothing changes, so that the result is a fixed point
 * (HDJA → HJA → HYA) and normalisation stays idempotent.
 */
export function respell(token: string): string {
  return cached(respellCache, token, respellFully);
}

function respellFully(token: string): string {
  let current = token;
  for (let i = 0; i < 8; i++) {
    const next = respellOnce(current);
    if (next === current) return current;
    current = next;
  }
  return current;
}

// ---------------------------------------------------------------------------------------------
// Titles and degrees (dot-free forms)

/** Honorifics, religious, academic and mourning titles: never a name token, dropped anywhere. */
const TITLES = new Set([
  // hajj and religion
  'HJ',
  'HJH',
  'HAJI',
  'HAJJAH',
  'HAJAH',
  'KH',
  'KYAI',
  'KIAI',
  'UST',
  'USTADZ',
  'USTAZ',
  'USTADZAH',
  'USTAZAH',
  // academic and professional
  'DRS',
  'DRA',
  'DR',
  'DRG',
  'IR',
  'PROF',
  'PHD',
  // deceased
  'ALM',
  'ALMH',
  'ALMRH',
  'ALMARHUM',
  'ALMARHUMAH',
  // forms of address
  'NY',
  'NYONYA',
  'NN',
  'TN',
  'TUAN',
  'BPK',
  'BP',
  'BAPAK',
  'IBU',
  'SDR',
  'SDRI',
  'SAUDARA',
  'SAUDARI',
  // degrees that cannot be read as a name or as initials (S.PD, S.KOM, A.MD, M.PD...)
  'SPD',
  'SPDI',
  'SPDSD',
  'SKOM',
  'SAG',
  'SSOS',
  'SSOSI',
  'SIP',
  'SKEP',
  'SKEPNS',
  'SKM',
  'SPSI',
  'SFARM',
  'SHUT',
  'SSTP',
  'STP',
  'SKED',
  'SGZ',
  'SPT',
  'STR',
  'STRT',
  'STH',
  'STHI',
  'SSN',
  'SDS',
  'SHI',
  'SEI',
  'SSI',
  'SSY',
  'SPI',
  'SKG',
  'SIKOM',
  'AMD',
  'AMDKEP',
  'AMDKEB',
  'AMDKES',
  'AMDFARM',
  'AMKEP',
  'AMKEB',
  'AMK',
  'AMAK',
  'AMAPD',
  'AMG',
  'AMF',
  'AMKL',
  'AMRAD',
  'MPD',
  'MPDI',
  'MSI',
  'MAG',
  'MKES',
  'MKOM',
  'MSC',
  'MHUM',
  'MKN',
  'MBA',
  'MAP',
  'MKEP',
  'MSOS',
  'MIP',
  'MPH',
  'MKM',
  'MFARM',
  'MPSI',
]);

/**
 * Degrees that read like initials or a short name (S.E, S.H, S.T, M.M, AMA = "father" in eastern
 * Indonesia, SIK): dropped only where degrees stand, at the end of the name or after a comma.
 * A leading ST is SITI (ST. AMINAH), not a degree.
 */
const POSTNOMINALS = new Set([
  'SE',
  'SH',
  'ST',
  'SP',
  'SS',
  'SIK',
  'MM',
  'MH',
  'MT',
  'MA',
  'MS',
  'AMA',
  'NS',
]);

type Kind = 'word' | 'title' | 'h' | 'postnominal';

function kindOf(dotless: string): Kind {
  // Respelled forms count too (HADJI is HAJI), so that a key never holds a token that would be
  // dropped when the key itself is normalised again.
  const s = respell(dotless);
  if (TITLES.has(dotless) || TITLES.has(s)) return 'title';
  if (dotless === 'H' || s === 'H') return 'h';
  if (POSTNOMINALS.has(dotless) || POSTNOMINALS.has(s)) return 'postnominal';
  return 'word';
}

// ---------------------------------------------------------------------------------------------
// Canonical variants

/** Canonical token ← spellings seen for it. Keys are compiled through `respell` below. */
const VARIANT_GROUPS: Record<string, string[]> = {
  MUHAMMAD: [
    'MUHAMAD',
    'MUHAMMED',
    'MUHAMED',
    'MUHAMMAT',
    'MUHAMAT',
    'MOHAMMAD',
    'MOHAMAD',
    'MOHAMMED',
    'MOHAMED',
    'MOHAMMAT',
    'MOHAMAT',
    'MOCHAMAD',
    'MOCHAMMAD',
    'MOCHAMED',
    'MUCHAMAD',
    'MUCHAMMAD',
    'MUKHAMAD',
    'MUKHAMMAD',
    'MOKHAMAD',
    'MOKHAMMAD',
    'MOEHAMAD',
    'MOEHAMMAD',
    'MOCH',
    'MOH',
    'MOHD',
    'MUH',
    'MUHD',
    'MHD',
    'MUCH',
  ],
  SITI: ['STI', 'SITTI'],
  ABDUL: ['ABD', 'ABDOEL', 'ABDOL'],
  ABDULLAH: ['ABDULAH', 'ABDOELLAH'],
  AHMAD: ['ACHMAD', 'AKHMAD', 'AHMAT', 'ACHMAT', 'AKHMAT', 'AHMED'],
  NUR: ['NOOR', 'NOER'],
  NURUL: ['NOERUL', 'NURRUL'],
  YUSUF: ['JUSUF', 'YUSUP', 'JUSUP', 'YOESOEF'],
};

const VARIANTS: Map<string, string> = (() => {
  const map = new Map<string, string>();
  for (const [canonical, spellings] of Object.entries(VARIANT_GROUPS)) {
    if (respell(canonical) !== canonical) throw new Error(`names: canonical ${canonical} is not respelled`);
    for (const spelling of [canonical, ...spellings]) {
      const key = respell(spelling);
      const existing = map.get(key);
      if (existing !== undefined && existing !== canonical) {
        throw new Error(`names: ${spelling} maps to both ${existing} and ${canonical}`);
      }
      map.set(key, canonical);
    }
  }
  return map;
})();

/** Leading abbreviations that stand for a name only before another token (M. YUSUF, ST. AMINAH). */
export const LEADING_ABBREVIATIONS: Record<string, string> = { M: 'MUHAMMAD', ST: 'SITI' };

/** One dot-free name token in canonical form: modern spelling, then the variant table. */
export function canonicalToken(token: string): string {
  const s = respell(token);
  return VARIANTS.get(s) ?? s;
}

// ---------------------------------------------------------------------------------------------
// Tokenising

interface Token {
  kind: Kind;
  /** The dot-free parts, as written (a kept "S.E" in the middle of a name is the initials S E). */
  parts: string[];
  /** Written with dots inside (S.PD, H.SUPARMAN): after a comma such an unknown token is a degree. */
  dotted: boolean;
  /** Followed by a dot (S. PD): an abbreviation, which may start a degree written with spaces. */
  finalDot: boolean;
}

const FOLD_EXTRA: Record<string, string> = { Æ: 'AE', Œ: 'OE', Ø: 'O', Ł: 'L', Đ: 'D', Þ: 'TH', Ð: 'D' };
const NON_ASCII = /[^ -~]/;

/** Upper case, accents off, apostrophes out; only A–Z, dots, commas and single spaces remain. */
function fold(raw: string): string {
  let text = raw.toUpperCase();
  // Most names are printable ASCII: skip the Unicode work for them.
  if (NON_ASCII.test(text)) {
    text = text
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .replace(/[ÆŒØŁĐÞÐ]/g, (c) => FOLD_EXTRA[c] ?? ' ');
  }
  return text.replace(/['’‘`´ʼʻ]/g, '').replace(/[^A-Z.,]+/g, ' ');
}

function degreeKind(dotless: string): Kind | null {
  const kind = kindOf(dotless);
  return kind === 'title' || kind === 'postnominal' ? kind : null;
}

function tokenise(segment: string): Token[] {
  const tokens: Token[] = [];
  for (const piece of segment.split(' ')) {
    const finalDot = piece.endsWith('.');
    const trimmed = piece.replace(/^\.+|\.+$/g, '');
    if (trimmed === '') continue;
    if (!trimmed.includes('.')) {
      tokens.push({ kind: kindOf(trimmed), parts: [trimmed], dotted: false, finalDot });
      continue;
    }
    const parts = trimmed.split('.').filter((p) => p !== '');
    const kind = degreeKind(parts.join(''));
    if (kind) {
      tokens.push({ kind, parts, dotted: true, finalDot });
      continue;
    }
    // Not a degree: the dots separate initials or a title glued to a name (H.SUPARMAN, M.YUSUF).
    parts.forEach((part, i) => {
      tokens.push({
        kind: kindOf(part),
        parts: [part],
        dotted: true,
        finalDot: i < parts.length - 1 || finalDot,
      });
    });
  }
  return tokens;
}

/**
 * Join a degree written with spaces ("S. PD", "A. MD. KEP") back into one token. Only from `from`
 * on (a name must come first in the head: S. PARMAN is an initial), and only when the first letter
 * carries its dot: the key has no dots, so it is never joined again when normalised a second time
 * (without that, the key JOKO M PD S of "JOKO M, PD, S." would lose M PD on a second pass).
 */
function joinSpacedDegrees(tokens: Token[], from: number): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const first = tokens[i] as Token;
    if (i >= from && first.kind === 'word' && first.finalDot && first.parts[0]?.length === 1) {
      let joined: Token | null = null;
      for (const span of [3, 2]) {
        const group = tokens.slice(i, i + span);
        if (group.length !== span) continue;
        const parts = group.flatMap((t) => t.parts);
        const kind = degreeKind(parts.join(''));
        if (kind === 'title' || kind === 'postnominal') {
          joined = { kind, parts, dotted: true, finalDot: group[span - 1]?.finalDot ?? false };
          i += span - 1;
          break;
        }
      }
      if (joined) {
        out.push(joined);
        continue;
      }
    }
    out.push(first);
  }
  return out;
}

/**
 * The tokens of a name's head (before the first comma) that belong to the name: without the leading
 * titles and H, the degrees at the end and titles anywhere.
 */
function inName<T extends { kind: Kind }>(tokens: T[]): T[] {
  let start = 0;
  while (start < tokens.length && (tokens[start]?.kind === 'title' || tokens[start]?.kind === 'h')) start++;
  let end = tokens.length;
  // Post-nominal degrees at the end, but never the last remaining token (a person called SE).
  while (end - 1 > start && (tokens[end - 1]?.kind === 'postnominal' || tokens[end - 1]?.kind === 'title'))
    end--;
  return tokens.slice(start, end).filter((t) => t.kind !== 'title');
}

/** The parts of the head's tokens that belong to the name, as written. */
function headParts(tokens: Token[]): string[] {
  return inName(tokens).flatMap((t) => t.parts);
}

/** After a comma only plain words survive: titles, initial-like degrees and dotted abbreviations go. */
function tailParts(tokens: Token[]): string[] {
  return tokens.filter((t) => t.kind === 'word' && !t.dotted).flatMap((t) => t.parts);
}

// ---------------------------------------------------------------------------------------------
// Public API

/** The canonical comparison key of a name: canonical tokens joined by single spaces ('' for none). */
export function normaliseName(raw: string | null | undefined): string {
  if (raw === null || raw === undefined) return '';
  const text = fold(raw);
  const comma = text.indexOf(',');
  const head = comma < 0 ? text : text.slice(0, comma);
  const tail = comma < 0 ? '' : text.slice(comma + 1).replaceAll(',', ' ');
  const headTokens = tokenise(head);
  const parts = [
    ...headParts(joinSpacedDegrees(headTokens, 1)),
    ...tailParts(joinSpacedDegrees(tokenise(tail), 0)),
  ];
  const words = parts.map(canonicalToken).filter((w) => w !== '');
  const first = words[0];
  if (first !== undefined && words.length >= 2) {
    const expanded = LEADING_ABBREVIATIONS[first];
    if (expanded) words[0] = expanded;
  }
  return words.join(' ');
}

/** A name's comparison keys: `normaliseName`, its tokens' phonetic keys, their initials. */
export interface NameKeys {
  norm: string;
  fonetik: string[];
  inisial: string;
}

/**
 * The keys of a raw name, as `normaliseName`, `phoneticKey` and `initials` give them. A plain name
 * (letters in words with single spaces: 98 % of the distinct names of a 1M run) takes a short path
 * with everything about a word looked up once per distinct word; any other goes the whole way.
 * `names.test.ts` holds the two to the same keys.
 */
export function nameKeys(raw: string): NameKeys {
  if (!PLAIN_NAME.test(raw)) {
    const norm = normaliseName(raw);
    return { norm, fonetik: nameTokens(norm).map(phoneticKey), inisial: initials(norm) };
  }
  // The rules of normaliseName for a name without dots, commas or other characters: the words that
  // belong to the name (inName), as canonical tokens.
  const kept = inName(raw.toUpperCase().split(' ').map(wordInfo));
  const first = kept[0];
  if (first && kept.length >= 2) {
    const expanded = LEADING_ABBREVIATIONS[first.canonical];
    if (expanded) kept[0] = { kind: 'word', canonical: expanded, fonetik: phoneticKey(expanded) };
  }
  return {
    norm: kept.map((w) => w.canonical).join(' '),
    fonetik: kept.map((w) => w.fonetik),
    inisial: kept.map((w) => w.canonical[0]).join(''),
  };
}

/** Letters in words, one space between: no dot, comma, apostrophe, digit or other character. */
const PLAIN_NAME = /^[A-Za-z]+(?: [A-Za-z]+)*$/;

/** What a word of a plain name is: its kind, its canonical token and that token's phonetic key. */
export interface WordInfo {
  kind: Kind;
  canonical: string;
  fonetik: string;
}

const wordCache = new Map<string, WordInfo>();

/** What a word (upper case, letters only) of a plain name is, as `nameKeys` reads it. */
export function wordInfo(word: string): WordInfo {
  return cached(wordCache, word, (w) => {
    const canonical = canonicalToken(w);
    return { kind: kindOf(w), canonical, fonetik: phoneticKey(canonical) };
  });
}

/** The tokens of a normalised name. */
export function nameTokens(normalised: string): string[] {
  return normalised === '' ? [] : normalised.split(' ');
}

/** The name with spaces removed: NURHAYATI and NUR HAYATI agree on it. */
export function joinedForm(normalised: string): string {
  return normalised.replaceAll(' ', '');
}

/** First letters of the tokens: SITI NURHALIZA → SN. */
export function initials(normalised: string): string {
  return nameTokens(normalised)
    .map((t) => t[0])
    .join('');
}

/**
 * Primary Double Metaphone code of one normalised token. Double Metaphone reads English, so the
 * token is first spelled the English way for the two sounds where Indonesian differs most: C is
 * always /tʃ/ (CUCU, CAHYO → CH) and SY is /ʃ/ (SYAHRIR → SH). Without that, CUCU would code as
 * KK like KUKU. Other letters are left to the algorithm. '' for an empty token.
 */
export function phoneticKey(token: string): string {
  if (token === '') return '';
  return cached(
    phoneticCache,
    token,
    (t) => doubleMetaphone(t.replace(/C(?!H)/g, 'CH').replaceAll('SY', 'SH'))[0],
  );
}

/**
 * Jaro–Winkler similarity, computed as DuckDB's `jaro_winkler_similarity` does (prefix scale 0.1,
 * common prefix up to 4, the prefix bonus only above a Jaro of 0.7, half the transpositions rounded
 * down, 0 when either string is empty),
 * so that `padan explain` shows the same number the SQL comparison used. Our own implementation
 * because fastest-levenshtein only offers edit distance, and Jaro–Winkler's weight on the start of
 * the string suits names, where typing slips are rarer in the first letters.
 */
export function jaroWinkler(a: string, b: string): number {
  const jaro = jaroSimilarity(a, b);
  if (jaro <= 0.7) return jaro;
  let prefix = 0;
  const max = Math.min(4, a.length, b.length);
  while (prefix < max && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

function jaroSimilarity(a: string, b: string): number {
  if (a.length === 0 || b.length === 0) return 0;
  if (a === b) return 1;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched = new Uint8Array(a.length);
  const bMatched = new Uint8Array(b.length);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(b.length - 1, i + window);
    for (let j = lo; j <= hi; j++) {
      if (!bMatched[j] && a[i] === b[j]) {
        aMatched[i] = 1;
        bMatched[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[j]) j++;
    if (a[i] !== b[j]) transpositions++;
    j++;
  }
  // Half the transpositions, rounded down: rapidfuzz (behind DuckDB) divides integers here.
  const m = matches;
  return (m / a.length + m / b.length + (m - Math.floor(transpositions / 2)) / m) / 3;
}

export interface NameSimilarity {
  /** The two normalised names compared. */
  a: string;
  b: string;
  /** Jaro–Winkler of the whole normalised names (as DuckDB computes it). */
  jaroWinkler: number;
  /** Jaro–Winkler of the joined forms (spaces removed). */
  jaroWinklerJoined: number;
  /** The joined forms are equal: the names differ at most in where the spaces are. */
  joinedEqual: boolean;
  /** Levenshtein edit distance of the joined forms. */
  editDistance: number;
  /**
   * Shared distinct tokens over the distinct tokens of the shorter name (overlap coefficient):
   * 1 when one name's tokens are all in the other (a dropped token: SITI AMINAH / SITI), 0 if none.
   */
  tokenOverlap: number;
  /**
   * Monge–Elkan: for each token of the shorter name the best Jaro–Winkler against the other's
   * tokens, averaged. Order-free, tolerant of a typo in each token.
   */
  tokenSimilarity: number;
  /** Overlap coefficient of the phonetic keys of the tokens. */
  phoneticOverlap: number;
  /**
   * The shorter name's tokens can be matched, in order, to tokens of the longer one, each pair equal
   * or an initial and a token starting with it (SITI N / SITI NURHALIZA; S NURHALIZA / SITI
   * NURHALIZA; SITI / SITI AMINAH). False when either name is empty.
   */
  initialsCompatible: boolean;
  /** Tokens of the longer name left over by that matching (AMINAH for SITI / SITI AMINAH). */
  droppedTokens: string[];
}

/** Compare two names (raw or already normalised: normalisation is idempotent). */
export function nameSimilarity(rawA: string, rawB: string): NameSimilarity {
  const a = normaliseName(rawA);
  const b = normaliseName(rawB);
  const ta = nameTokens(a);
  const tb = nameTokens(b);
  const [shorter, longer] = ta.length <= tb.length ? [ta, tb] : [tb, ta];
  const alignment = shorter.length === 0 ? null : alignInitials(shorter, longer);
  const ja = joinedForm(a);
  const jb = joinedForm(b);
  return {
    a,
    b,
    jaroWinkler: jaroWinkler(a, b),
    jaroWinklerJoined: jaroWinkler(ja, jb),
    joinedEqual: ja !== '' && ja === jb,
    editDistance: levenshtein(ja, jb),
    tokenOverlap: overlap(ta, tb),
    tokenSimilarity: mongeElkan(shorter, longer),
    phoneticOverlap: overlap(ta.map(phoneticKey), tb.map(phoneticKey)),
    initialsCompatible: alignment !== null,
    droppedTokens: alignment === null ? [] : longer.filter((_, i) => !alignment.has(i)),
  };
}

function overlap(a: string[], b: string[]): number {
  const sa = new Set(a);
  const sb = new Set(b);
  if (sa.size === 0 || sb.size === 0) return 0;
  let shared = 0;
  for (const t of sa) if (sb.has(t)) shared++;
  return shared / Math.min(sa.size, sb.size);
}

function mongeElkan(shorter: string[], longer: string[]): number {
  if (shorter.length === 0 || longer.length === 0) return 0;
  let sum = 0;
  for (const s of shorter) sum += Math.max(...longer.map((l) => jaroWinkler(s, l)));
  return sum / shorter.length;
}

function compatible(x: string, y: string): boolean {
  return x === y || (x.length === 1 && y.startsWith(x)) || (y.length === 1 && x.startsWith(y));
}

/**
 * An order-preserving matching of every token of `shorter` to a compatible token of `longer`, as the
 * set of matched positions in `longer`, or null. Exhaustive search; names have a handful of tokens.
 */
function alignInitials(shorter: string[], longer: string[]): Set<number> | null {
  const matched: number[] = [];
  const search = (i: number, from: number): boolean => {
    if (i === shorter.length) return true;
    for (let j = from; j <= longer.length - (shorter.length - i); j++) {
      if (compatible(shorter[i] as string, longer[j] as string)) {
        matched.push(j);
        if (search(i + 1, j + 1)) return true;
        matched.pop();
      }
    }
    return false;
  };
  return search(0, 0) ? new Set(matched) : null;
}
