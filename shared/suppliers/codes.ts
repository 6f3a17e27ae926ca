// Supplier codes (docs/product-rules.md "Suppliers"): trade-fair contacts get the fair's letter plus the
// card's sequence (`A01`, `D12`) — never I or O, they read as 1 and 0; others a plain sequence
// (`001`); once a supplier has orders a country + company abbreviation is added (`D12 AUGI`).
import { issue, msg, ValidationError } from '../errors/index.js';
import { Counter } from './model.js';

export const FAIR_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ'; // no I, no O

export function assertFairLetter(letter: string): string {
  const l = letter.toUpperCase();
  if (l.length !== 1 || !FAIR_LETTERS.includes(l)) {
    const why = /^\d+$/.test(l) ? 'a fair letter is a letter, not a digit' : l === 'I' || l === 'O' ? `${l} is never used (it reads as ${l === 'I' ? '1' : '0'})` : 'one letter';
    throw new ValidationError(`invalid trade-fair letter "${letter}": ${why}; one of ${FAIR_LETTERS} (I and O are never used)`, [
      { field: 'letter', message: `${letter} is not a fair letter: ${why}` },
    ]);
  }
  return l;
}

export const formatFairCode = (letter: string, seq: number) => `${assertFairLetter(letter)}${String(seq).padStart(2, '0')}`;
export const formatPlainCode = (seq: number) => String(seq).padStart(3, '0');

/** A code as typed by a manager: case-insensitive, the abbreviation part optional. */
export function normaliseCode(input: string): string {
  return input.trim().split(/\s+/)[0]!.toUpperCase();
}

/**
 * A code as typed: plain (`D12`), tagged (`D12 AUGI`, `d12-augi`, `D12AUGI`), any case.
 * Undefined when it is not code-shaped at all.
 */
export function parseCodeInput(input: string): { code: string; tag?: string } | undefined {
  const m = /^\s*([A-Za-z]\d{2,3}|\d{3,4})(?:[\s-]*([A-Za-z]{2}[A-Za-z0-9]{2,6}))?\s*$/.exec(input);
  if (!m) return undefined;
  return { code: m[1]!.toUpperCase(), ...(m[2] ? { tag: m[2].toUpperCase() } : {}) };
}

export function isValidCode(code: string): boolean {
  return /^[A-HJ-NP-Z]\d{2,3}$/.test(code) || /^\d{3,4}$/.test(code);
}

/** Country (2 letters) + company abbreviation (2–6 letters), e.g. `AU` + `GI` → `AUGI`. */
export function formatTag(country: string, abbr: string): string {
  const c = country.trim().toUpperCase();
  const a = abbr.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(c)) throw new ValidationError(msg('countryTwoLetters'), [issue('country', 'field.twoLetters')]);
  if (!/^[A-Z0-9]{2,6}$/.test(a)) throw new ValidationError(msg('abbrFormat'), [issue('abbr', 'field.abbr')]);
  return c + a;
}

/** Next number of a sequence, atomically (one $inc upsert; safe under concurrency). */
export async function nextSeq(name: string): Promise<number> {
  const doc = await Counter.findOneAndUpdate({ _id: name }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' }).lean<{ seq: number }>();
  return doc!.seq;
}

/** Allocate a new code: `fairLetter` given → the fair scheme, otherwise the plain sequence. */
export async function allocateCode(fairLetter?: string): Promise<string> {
  if (fairLetter) {
    const letter = assertFairLetter(fairLetter);
    return formatFairCode(letter, await nextSeq(`fair:${letter}`));
  }
  return formatPlainCode(await nextSeq('plain'));
}

/**
 * Which of two codes survives a merge of duplicates: the earliest. Codes carry no date, so the
 * supplier's creation time decides, then the code itself for a stable answer.
 */
export function earliest<T extends { code: string; createdAt?: Date | null }>(a: T, b: T): T {
  const ta = a.createdAt?.getTime() ?? Infinity;
  const tb = b.createdAt?.getTime() ?? Infinity;
  if (ta !== tb) return ta < tb ? a : b;
  return a.code <= b.code ? a : b;
}
