// Protected terms: PO numbers, supplier codes, numbers with units, amounts with currency,
// dates, URLs, e-mails, product/model codes and emoji pass through translation unchanged. They
// are replaced by placeholders before a provider sees the text and restored after; a result
// whose placeholders did not all come back exactly once is rejected (see restore()).

/** Placeholder spelling: digits in square brackets survive TMT and LLMs best in our trials. */
export const placeholder = (i: number) => `[${i}]`;
const PLACEHOLDER_RE = /\[\s*(\d{1,3})\s*\]/g;

const CURRENCY = '(?:USD|US\\$|CNY|RMB|EUR|RUB|HKD|\\$|¥|￥|€|₽|руб\\.?|元|美元|欧元|卢布)';
const UNITS =
  "(?:pcs|pc|sets?|ctns?|cartons?|kgs?|g|t|tons?|mm|cm|m|m2|m3|cbm|ml|l|%|°C|V|W|kW|Hz|A|\"|''|ft|in|GP|HQ|件|个|套|箱|台|只|张|米|公斤|千克|吨|克|毫米|厘米|天|小时|шт\\.?|кг|мм|см|дн\\.?)";

// Order matters: the first pattern that matches at a position wins.
const PATTERNS: RegExp[] = [
  /\[\s*\d{1,3}\s*\]/gu, // text that already looks like a placeholder
  /\bhttps?:\/\/[^\s<>"'，。！？）]+/giu, // URL
  /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/gu, // e-mail
  /\bPO[-_ #]?\d[\w-]*/giu, // PO numbers: PO-2026-001, PO2026001
  /\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b/gu, // 2026-11-24
  /\d{4}年\d{1,2}月\d{1,2}日|\d{1,2}月\d{1,2}[日号]/gu, // 2026年12月5日, 12月5日
  new RegExp(`${CURRENCY}\\s?\\d[\\d,]*(?:\\.\\d+)?(?:\\s?[kKmM万])?|\\d[\\d,]*(?:\\.\\d+)?\\s?(?:万)?${CURRENCY}`, 'gu'), // amounts
  /\b[A-HJ-NP-Z]\d{2,3}(?:\s[A-Z]{4,8})?\b/gu, // supplier codes: D12, D12 AUGI (never I or O)
  /\b(?=[A-Za-z0-9-]*\d)(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+\b|\b[A-Z]{1,5}\d{2,}[A-Z0-9]*\b/gu, // model codes: ABC-123X, SKU12345, GB2626
  new RegExp(`\\d+(?:[.,]\\d+)?\\s?(?:x\\s?\\d+(?:[.,]\\d+)?\\s?)*${UNITS}(?![A-Za-z])`, 'giu'), // 500pcs, 40HQ, 3x4mm
  /\d{1,2}\/\d{1,2}\b/gu, // 11/24
  /\d+(?:[.,]\d+)*/gu, // any other number
  /\p{Extended_Pictographic}(?:\u200d\p{Extended_Pictographic}|\ufe0f)*/gu, // emoji
];

export interface Masked {
  text: string;
  terms: string[];
}

export function protect(text: string): Masked {
  const spans: { start: number; end: number }[] = [];
  const taken = (s: number, e: number) => spans.some((x) => s < x.end && e > x.start);
  for (const re of PATTERNS) {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
      const s = m.index!;
      const e = s + m[0].length;
      if (m[0].trim() && !taken(s, e)) spans.push({ start: s, end: e });
    }
  }
  spans.sort((a, b) => a.start - b.start);
  const terms: string[] = [];
  let out = '';
  let at = 0;
  for (const sp of spans) {
    out += text.slice(at, sp.start) + placeholder(terms.length);
    terms.push(text.slice(sp.start, sp.end));
    at = sp.end;
  }
  return { text: out + text.slice(at), terms };
}

/** Put the terms back. Fails (ok: false) unless every placeholder came back exactly once. */
export function restore(translated: string, terms: string[]): { ok: boolean; text: string } {
  const seen = new Array<number>(terms.length).fill(0);
  let unknown = false;
  const text = translated.replace(PLACEHOLDER_RE, (_, n: string) => {
    const i = Number(n);
    if (i >= terms.length) {
      unknown = true;
      return _;
    }
    seen[i]!++;
    return terms[i]!;
  });
  return { ok: !unknown && seen.every((c) => c === 1), text };
}

/** The pieces of a masked text between placeholders (for the segment-wise fallback). */
export function segments(masked: string): { parts: string[]; order: number[] } {
  const parts: string[] = [];
  const order: number[] = [];
  let at = 0;
  for (const m of masked.matchAll(PLACEHOLDER_RE)) {
    parts.push(masked.slice(at, m.index));
    order.push(Number(m[1]));
    at = m.index! + m[0].length;
  }
  parts.push(masked.slice(at));
  return { parts, order };
}

/** True when nothing is left to translate once terms are masked (numbers, emoji, a URL). */
export function nothingToTranslate(masked: string): boolean {
  return !/[\p{L}]/u.test(masked.replace(PLACEHOLDER_RE, ''));
}
