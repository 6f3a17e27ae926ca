// Numbers as a manager reads them, in their language's locale: one family for the server's
// texts (WeChat replies, notices, the weekly report, error texts). The console has the same
// family for the browser (server/console/web/src/i18n.ts). az writes 1.234,5 and 12,5%;
// ru 1 234,5 and 12,5 %; en 1,234.5 and 12.5%.

/** The BCP 47 locale a manager language writes numbers and dates in. */
export const localeOf = (lang: string): string => (lang === 'az' ? 'az-Latn-AZ' : lang === 'ru' ? 'ru-RU' : lang === 'zh' ? 'zh-CN' : 'en-GB');

const cache = new Map<string, Intl.NumberFormat>();
function formatter(lang: string, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${lang}|${JSON.stringify(opts)}`;
  let f = cache.get(key);
  if (!f) cache.set(key, (f = new Intl.NumberFormat(localeOf(lang), opts)));
  return f;
}

/** A count or a plain number (at most `digits` decimals). */
export const fmtNumber = (lang: string, n: number, digits = 1): string => formatter(lang, { maximumFractionDigits: digits }).format(n);

/** A share 0…1 as a percentage; '—' when there is none. */
export const fmtPercent = (lang: string, share: number | null | undefined, digits = 0): string =>
  share === null || share === undefined || Number.isNaN(share) ? '—' : formatter(lang, { style: 'percent', maximumFractionDigits: digits }).format(share);
