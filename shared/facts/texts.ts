// How a proposal reads to a manager (en, ru, az; zh for the console's Chinese staff): what changes,
// from whose message, and the short number to answer with.
import { MESSAGES, msg, say, type MessageKey, type Msg } from '../errors/index.js';
import { MILESTONE_AZ, MILESTONE_RU, MILESTONE_ZH } from '../notices/texts.js';
import type { Fact } from './recognize.js';

export type FactLang = 'en' | 'ru' | 'az' | 'zh';

const MS: Record<FactLang, Record<string, string>> = {
  en: {},
  zh: MILESTONE_ZH,
  az: MILESTONE_AZ,
  ru: MILESTONE_RU,
};
const ms = (lang: FactLang, m: string | null) => (m ? (MS[lang][m] ?? m.replace(/_/g, ' ')) : { en: 'milestone?', ru: 'этап?', az: 'mərhələ?', zh: '节点？' }[lang]);

const W = {
  en: {
    done: 'done',
    ship: 'closed',
    price: 'price',
    short: 'short',
    qty: 'quantity',
    container: 'container',
    bl: 'B/L',
    tracking: 'tracking',
    pick: 'which order? answer /ok {n} <PO>',
    unsure: 'unsure',
    from: "from {who}'s message {time}",
    ok: '/ok {n} applies · /no {n} drops',
    head: '💬 From the chat of {code}:',
  },
  ru: {
    done: 'выполнено',
    ship: 'закрыта',
    price: 'цена',
    short: 'недостача',
    qty: 'количество',
    container: 'контейнер',
    bl: 'коносамент',
    tracking: 'трек',
    pick: 'какой заказ? ответьте /ok {n} <PO>',
    unsure: 'не точно',
    from: 'из сообщения {who} {time}',
    ok: '/ok {n} применить · /no {n} отклонить',
    head: '💬 Из чата {code}:',
  },
  az: {
    done: 'tamamlandı',
    ship: 'bağlıdır',
    price: 'qiymət',
    short: 'çatışmazlıq',
    qty: 'miqdar',
    container: 'konteyner',
    bl: 'konosament',
    tracking: 'izləmə nömrəsi',
    pick: 'hansı sifariş? cavab verin: /ok {n} <PO>',
    unsure: 'dəqiq deyil',
    from: '{who} mesajından, {time}',
    ok: '/ok {n} tətbiq et · /no {n} rədd et',
    head: '💬 {code} söhbətindən:',
  },
  zh: {
    done: '已完成',
    ship: '停工',
    price: '单价',
    short: '短少',
    qty: '数量',
    container: '柜号',
    bl: '提单',
    tracking: '快递单号',
    pick: '哪个订单？回复 /ok {n} <PO>',
    unsure: '不确定',
    from: '来自 {who} {time} 的消息',
    ok: '/ok {n} 确认 · /no {n} 忽略',
    head: '💬 来自 {code} 的聊天：',
  },
};
const fill = (s: string, v: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (_, k: string) => String(v[k] ?? ''));

/** One line of what the fact changes ("shipment 2026-12-12 → 2026-12-20"). */
export function factLine(f: Fact, lang: FactLang, current?: string | null): string {
  const w = W[lang];
  switch (f.kind) {
    case 'date':
      return f.stage === 'done' ? `${ms(lang, f.milestone)}: ${w.done} ${f.day}` : `${ms(lang, f.milestone)} ${current ?? '—'} → ${f.day}`;
    case 'price':
      return `${w.price}: ${f.currency} ${f.amount}/${f.unit}${f.item ? ` (${f.item})` : ''}`;
    case 'qty':
      return `${f.change === 'short' ? w.short : w.qty}: ${f.qty} ${f.unit}`;
    case 'container':
      return `${w.container}: ${f.number}`;
    case 'bl':
      return `${w.bl}: ${f.number}`;
    case 'tracking':
      return `${w.tracking}: ${f.carrier} ${f.number}`;
    case 'holiday':
      return `🏭 ${w.ship} ${f.from} – ${f.to}`;
  }
}

// Why a proposal is not certain: the recognizers say it in English (dates.ts, recognize.ts), a
// proposal stores that English (older proposals have only it) and, beside it, the catalog text
// (`uncertainKeys`) so each reader gets their language.
const DOUBT_KEYS: MessageKey[] = [
  'doubt.week',
  'doubt.approximate',
  'doubt.impossible',
  'doubt.holidayEstimated',
  'doubt.checkDigit',
  'doubt.startNotNamed',
  'doubt.yearAhead',
  'doubt.past',
  'doubt.noMilestone',
  'doubt.model',
];
const BY_ENGLISH = new Map<string, MessageKey>(DOUBT_KEYS.map((k) => [MESSAGES[k].en, k]));
const PO_NOT_OPEN = /^PO (.+) is not an open order of this supplier$/;

/** The catalog text of a doubt written in English (null for one the catalog does not have). */
export function doubtMsg(english: string): Msg | null {
  const k = BY_ENGLISH.get(english);
  if (k) return msg(k);
  const po = PO_NOT_OPEN.exec(english);
  return po ? msg('doubt.poNotOpen', { po: po[1]! }) : null;
}

/** A doubt as stored: its English and its catalog text. */
export interface Doubt {
  text: string;
  key: Msg | null;
}
/** A doubt from its catalog text (the English is what the proposal stores as `uncertain`). */
export const doubt = (key: Msg): Doubt => ({ text: say('en', key.key, key.params), key });
/** A doubt the recognizers wrote in English. */
export const doubtOf = (english: string): Doubt => ({ text: english, key: doubtMsg(english) });

/** The doubts in `lang`: from their catalog texts when stored, else from their English (older proposals), else as stored. */
export function doubtsIn(texts: readonly string[] | undefined, keys: readonly (Msg | null | undefined)[] | undefined, lang: string): string[] {
  return (texts ?? []).map((t, i) => {
    const k = keys?.[i] ?? doubtMsg(t);
    return k ? say(lang, k.key, k.params) : t;
  });
}

export interface ProposalLine {
  n: number;
  fact: Fact;
  po?: string | null;
  current?: string | null;
  uncertain?: string[];
  /** The catalog texts of `uncertain`, one each (null for one the catalog lacks). */
  uncertainKeys?: (Msg | null)[];
  pick: boolean;
}

/** The WeChat message to the responsible manager: one line per proposal of one supplier message. */
export function proposalsForManager(x: { code: string; who: string; time: string; quote: string; lines: ProposalLine[] }, lang: FactLang): string {
  const w = W[lang];
  const out = [fill(w.head, { code: x.code }), `“${x.quote}” (${fill(w.from, { who: x.who, time: x.time })})`];
  for (const l of x.lines) {
    const unsure = l.uncertain?.length ? ` ⚠️ ${w.unsure}: ${doubtsIn(l.uncertain, l.uncertainKeys, lang).join('; ')}` : '';
    out.push(`#${l.n} ${l.po ? `${l.po} · ` : ''}${factLine(l.fact, lang, l.current)}${unsure}`);
    out.push(`   ${l.pick ? fill(w.pick, { n: l.n }) : fill(w.ok, { n: l.n })}`);
  }
  return out.join('\n');
}
