// The labeled chat messages of test/fixtures/chat-facts.tsv and how the recognizers score on
// them (the unit test asserts the targets; `npm run bench -- facts` prints the figures).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { factKey, recognize } from '../../shared/facts/index.js';

export interface LabeledMessage {
  text: string;
  at: Date;
  tz: string;
  expected: string[];
}

const here = dirname(fileURLToPath(import.meta.url));

export function loadLabels(): LabeledMessage[] {
  const raw = readFileSync(join(here, '../fixtures/chat-facts.tsv'), 'utf8');
  return raw
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const [text, at, tz, expected] = l.split('\t');
      return {
        text: text!,
        at: new Date(at!),
        tz: tz!,
        expected: (expected ?? '')
          .split(';')
          .map((s) => s.trim())
          .filter(Boolean),
      };
    });
}

export interface Score {
  messages: number;
  labeled: number;
  found: number;
  truePositives: number;
  precision: number;
  recall: number;
  misses: { text: string; expected: string[]; got: string[] }[];
}

/** Precision and recall of the rules alone, fact by fact (a fact is its key). */
export function scoreLabels(rows: LabeledMessage[]): Score {
  let labeled = 0;
  let found = 0;
  let tp = 0;
  const misses: Score['misses'] = [];
  for (const r of rows) {
    const got = recognize(r.text, r.at, r.tz).facts.map(factKey);
    labeled += r.expected.length;
    found += got.length;
    const hit = got.filter((k) => r.expected.includes(k)).length;
    tp += hit;
    if (hit !== got.length || hit !== r.expected.length) misses.push({ text: r.text.slice(0, 80), expected: r.expected, got });
  }
  return { messages: rows.length, labeled, found, truePositives: tp, precision: found ? tp / found : 1, recall: labeled ? tp / labeled : 1, misses };
}
