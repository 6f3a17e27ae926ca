// The fair register: letter → trade fair (name, city, dates). The letters are handed out in
// order, skipping I and O (they read as 1 and 0) and any letter taken; a letter is registered
// once (its `_id`), so two people registering at the same moment cannot both get `D`.
import { ConflictError, isDuplicateKey, NotFoundError, ValidationError } from '../errors/index.js';
import { assertFairLetter, FAIR_LETTERS } from './codes.js';
import { Fair, type FairDoc } from './model.js';

export interface NewFair {
  /** Omitted: the next free letter. */
  letter?: string;
  name: string;
  city?: string;
  from?: string;
  to?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export async function listFairs(): Promise<FairDoc[]> {
  return Fair.find({}).sort({ _id: 1 }).lean<FairDoc[]>();
}

/** The letter the next fair would get (the first free one, I and O never). */
export async function nextFairLetter(): Promise<string> {
  const taken = new Set((await Fair.find({}, { _id: 1 }).lean<{ _id: string }[]>()).map((f) => f._id));
  const free = [...FAIR_LETTERS].find((l) => !taken.has(l));
  if (!free) throw new ConflictError('every fair letter is taken');
  return free;
}

export async function registerFair(input: NewFair, by: string, now: Date): Promise<FairDoc> {
  const name = input.name?.trim();
  if (!name) throw new ValidationError('the fair needs a name', [{ field: 'name', message: 'required' }]);
  for (const f of ['from', 'to'] as const) {
    const v = input[f];
    if (v !== undefined && (!DAY.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))) throw new ValidationError(`${f} must be a date YYYY-MM-DD`, [{ field: f, message: 'YYYY-MM-DD' }]);
  }
  if (input.from && input.to && input.to < input.from) throw new ValidationError('the fair ends before it starts', [{ field: 'to', message: 'before from' }]);
  const explicit = input.letter !== undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const letter = explicit ? assertFairLetter(input.letter!.trim()) : await nextFairLetter();
    const doc: FairDoc = { _id: letter, name, city: input.city?.trim() || undefined, from: input.from, to: input.to, by, createdAt: now };
    try {
      await Fair.create(doc);
      return doc;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      if (explicit) {
        const other = await Fair.findOne({ _id: letter }).lean<FairDoc>();
        throw new ConflictError(`the letter ${letter} is taken by ${other?.name ?? 'another fair'}; the next free letter is ${await nextFairLetter().catch(() => 'none')}`);
      }
      // Someone took the offered letter a moment ago: offer the next one.
    }
  }
  throw new ConflictError('could not register the fair; try again');
}

export async function getFair(letter: string): Promise<FairDoc> {
  const l = assertFairLetter(letter.trim());
  const f = await Fair.findOne({ _id: l }).lean<FairDoc>();
  if (!f) throw new NotFoundError(`no fair with the letter ${l}: register the fair first`);
  return f;
}
