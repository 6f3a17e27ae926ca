// Local language detection (no API call): Chinese, English, Russian or other. Scripts decide
// first (Han, Cyrillic); Latin-script text goes to tinyld to tell English from other languages.
// Mixed messages: the script with the most letters wins, so "PO-7 的大货 ready?" is Chinese.
import { detect as tinyDetect } from 'tinyld';
import type { Lang } from '../threads/model.js';
import { protect } from './terms.js';

export function detectLang(text: string): Lang | undefined {
  const masked = protect(text).text.replace(/\[\d+\]/g, ' ');
  let han = 0;
  let cyr = 0;
  let latin = 0;
  let otherLetters = 0;
  for (const ch of masked) {
    if (/\p{Script=Han}/u.test(ch)) han++;
    else if (/\p{Script=Cyrillic}/u.test(ch)) cyr++;
    else if (/[A-Za-z]/.test(ch)) latin++;
    else if (/\p{L}/u.test(ch)) otherLetters++;
  }
  const total = han + cyr + latin + otherLetters;
  if (total === 0) return undefined; // emoji, numbers, empty: nothing to translate
  // A Han character carries about a word; weigh it against Latin letters accordingly.
  const hanWeight = han * 3;
  if (hanWeight >= Math.max(cyr, latin, otherLetters)) return 'zh';
  if (cyr >= Math.max(latin, otherLetters)) return 'ru';
  if (latin >= otherLetters) {
    const guess = tinyDetect(masked, { only: ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'tr', 'id', 'vi', 'pl'] });
    // Short English lines ("ok", "PO ready?") are too short for a model: English by default.
    if (!guess || guess === 'en' || latin < 12) return 'en';
    return 'other';
  }
  return 'other';
}
