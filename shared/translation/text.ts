// Text helpers of translation memory: the normalised form memory is keyed by, long texts cut at
// sentence ends, a human correction masked like its source.
import { createHash } from 'node:crypto';
import { placeholder } from './terms.js';

/** Normalised for exact-match memory: NFKC, trimmed, spaces folded, case folded, end punctuation dropped. */
export function normalise(s: string): string {
  return s
    .normalize('NFKC')
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase()
    .replace(/[\s.!?。！？~～…]+$/u, '');
}

export const memoryKey = (from: string, to: string, maskedSource: string) =>
  createHash('sha256')
    .update(`${from}>${to}\n${normalise(maskedSource)}`)
    .digest('base64url');

/** Split a long text at sentence ends (then at spaces, then hard) into pieces of at most max. */
export function chunkText(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const sentences = text.match(/[^。！？!?.\n]+[。！？!?.\n]*/gu) ?? [text];
  const out: string[] = [];
  let cur = '';
  for (const s of sentences) {
    if (s.length > max) {
      if (cur) out.push(cur);
      cur = '';
      for (let i = 0; i < s.length; i += max) out.push(s.slice(i, i + max));
      continue;
    }
    if (cur.length + s.length > max) {
      out.push(cur);
      cur = '';
    }
    cur += s;
  }
  if (cur) out.push(cur);
  return out;
}

/** Replace each term in a human-written correction by its placeholder; undefined if one is missing. */
export function maskLike(text: string, terms: string[]): string | undefined {
  let out = text;
  for (let i = 0; i < terms.length; i++) {
    const at = out.indexOf(terms[i]!);
    if (at < 0) return undefined;
    out = out.slice(0, at) + placeholder(i) + out.slice(at + terms[i]!.length);
  }
  return out;
}
