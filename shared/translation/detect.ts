// Local language detection (no API call): Chinese, English, Russian, Azerbaijani or other.
// Scripts decide first (Han, Cyrillic); Latin-script text is checked for Azerbaijani (the letter
// ə, which Turkish lacks, and common words) against Turkish, then goes to tinyld to tell English
// from other languages. Mixed messages: the script with the most letters wins, so
// "PO-7 的大货 ready?" is Chinese. `prefer` (the writer's own language) wins when unsure.
import { detect as tinyDetect } from 'tinyld';
import type { Lang } from '../threads/model.js';
import { protect } from './terms.js';

// Common words, lower case. Azerbaijani and Turkish are close; these are the words that differ.
const AZ_WORDS = new Set(
  'və ilə üçün necə nə salam sağ ol olun mən sən biz siz onlar bizim sizin yox bəli xeyr hə çox yaxşı sabah bu gün indi hələ artıq zəhmət təşəkkür edirəm edin olacaq olar olmaz hazırdır göndərin göndərdik göndərəcəyik qiymət sifariş sifarişi malı mallar zavod tarix tarixi nömrə ödəniş gecikmə niyə harada haçan nə vaxt lazımdır xahiş edirik'.split(
    ' ',
  ),
);
const TR_WORDS = new Set(
  've ile için nasıl ne merhaba ben sen biz siz onlar bizim sizin yok evet hayır çok iyi yarın bugün şimdi henüz lütfen teşekkür ederim edin olacak olur olmaz hazır gönderin gönderdik fiyat sipariş siparişi ürün fabrika tarih tarihi numara ödeme gecikme neden nerede zaman gerekli değil mı mi mu mü'.split(
    ' ',
  ),
);
/** Letters of the Turkic Latin alphabets that English lacks (ə is Azerbaijani only). */
const TURKIC = /[ğıöüçşĞİÖÜÇŞ]/u;

/** Azerbaijani vs Turkish, from the letter ə and common words: 'az', 'tr' or undefined (neither). */
export function turkicOf(text: string): 'az' | 'tr' | undefined {
  const words = text.toLocaleLowerCase('az').match(/\p{L}+/gu) ?? [];
  let az = (text.match(/[əƏ]/gu)?.length ?? 0) * 3;
  let tr = 0;
  for (const w of words) {
    if (AZ_WORDS.has(w)) az += 2;
    if (TR_WORDS.has(w)) tr += 2;
  }
  // With Turkic letters about, q and x (Azerbaijani; Turkish writes k and h) tip the balance.
  // Never on their own: English has them too ("next", "quality").
  if (TURKIC.test(text) || az > 0) az += words.filter((w) => /[qx]/u.test(w) && !TR_WORDS.has(w)).length;
  if (az === 0 && tr === 0) return TURKIC.test(text) ? 'tr' : undefined;
  if (az === tr) return undefined;
  return az > tr ? 'az' : 'tr';
}

export function detectLang(text: string, prefer?: Lang): Lang | undefined {
  const masked = protect(text).text.replace(/\[\d+\]/g, ' ');
  let han = 0;
  let cyr = 0;
  let latin = 0;
  let otherLetters = 0;
  for (const ch of masked) {
    if (/\p{Script=Han}/u.test(ch)) han++;
    else if (/\p{Script=Cyrillic}/u.test(ch)) cyr++;
    else if (/\p{Script=Latin}/u.test(ch)) latin++;
    else if (/\p{L}/u.test(ch)) otherLetters++;
  }
  const total = han + cyr + latin + otherLetters;
  if (total === 0) return undefined; // emoji, numbers, empty: nothing to translate
  // A Han character carries about a word; weigh it against Latin letters accordingly.
  const hanWeight = han * 3;
  if (hanWeight >= Math.max(cyr, latin, otherLetters)) return 'zh';
  if (cyr >= Math.max(latin, otherLetters)) return 'ru';
  if (latin >= otherLetters) {
    // A Latin-script writer's own language wins when the text says little (ru/zh writers typing
    // Latin letters write English).
    const latinPrefer = prefer === 'az' || prefer === 'en' ? prefer : 'en';
    const turkic = turkicOf(masked);
    if (turkic === 'az') return 'az';
    if (turkic === 'tr') return prefer === 'az' && !/[əƏ]/u.test(masked) && latin < 12 ? 'az' : 'other';
    if (TURKIC.test(masked) && prefer === 'az') return 'az'; // Turkic letters, undecided words
    const guess = tinyDetect(masked, { only: ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'tr', 'id', 'vi', 'pl'] });
    // Short lines ("ok", "PO ready?") are too short for a model: the writer's language.
    if (latin < 12) return latinPrefer;
    if (!guess || guess === 'en') return 'en';
    return prefer === 'az' ? 'az' : 'other';
  }
  return 'other';
}
