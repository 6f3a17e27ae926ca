// What the supplier reads about a claim, in Chinese (the chat notice, the daily reminder), and
// the names the bot's replies and the mini-program use for types and settlement kinds. PO
// numbers, codes, quantities, amounts and dates go through untouched.
import type { ManagerLang } from '../managers/model.js';
import type { PartnerLang } from '../translation/partner.js';
import type { ClaimDoc, ClaimType, SettlementKind } from './model.js';

export const CLAIM_TYPE_ZH: Record<ClaimType, string> = {
  defect: '质量缺陷',
  shortage: '数量短缺',
  wrong_item: '错发货品',
  transit_damage: '运输损坏',
  late_delivery: '延迟交货',
};

export const SETTLEMENT_ZH: Record<SettlementKind, string> = {
  credit_note: '贷记单',
  replacement: '补发/换货',
  rework: '返工/维修',
  discount_next_order: '下单折扣',
  refund: '退款',
};

const day = (d: Date) => d.toISOString().slice(0, 10);

export type ClaimNoticeFacts = Pick<ClaimDoc, 'number' | 'orderNumber' | 'supplierCode' | 'type' | 'qty' | 'amount' | 'currency' | 'description' | 'descriptionZh' | 'answerDue'> & { item?: string };

const CLAIM_TYPE_EN: Record<ClaimType, string> = {
  defect: 'quality defect',
  shortage: 'shortage',
  wrong_item: 'wrong item',
  transit_damage: 'transit damage',
  late_delivery: 'late delivery',
};

/** The notice a supplier chat gets when a claim is sent (or sent again after an answer), in the
 * partner's language (Chinese unless the supplier reads English). */
export function claimTextForSupplier(c: ClaimNoticeFacts & { descriptionLang?: string }, lang: PartnerLang = 'zh'): string {
  if (lang === 'en') {
    const money = c.amount && c.currency ? `, claimed ${c.amount} ${c.currency}` : '';
    // The buyer's own words; said so when they are not English (no English translation is kept).
    const words = c.descriptionLang && c.descriptionLang !== 'en' ? ` (the buyer's words, ${c.descriptionLang})` : '';
    return (
      `[Gendan claim] ${c.number}: order ${c.orderNumber} (${c.supplierCode})${c.item ? ` "${c.item}"` : ''} ${CLAIM_TYPE_EN[c.type]}, quantity ${c.qty}${money}.\n` +
      `Description${words}: ${c.description}\n` +
      `Please answer ${c.answerDue ? `by ${day(c.answerDue)}` : 'soon'} on the "Claims" page of the mini-program (accept or dispute, photos welcome).`
    );
  }
  const item = c.item ? `「${c.item}」` : '';
  const money = c.amount && c.currency ? `，索赔金额 ${c.amount} ${c.currency}` : '';
  const due = c.answerDue ? `请于 ${day(c.answerDue)} 前` : '请尽快';
  return (
    `【Gendan 索赔】${c.number}：订单 ${c.orderNumber}（${c.supplierCode}）${item}${CLAIM_TYPE_ZH[c.type]}，数量 ${c.qty}${money}。\n` +
    // Untranslated (provider down or none configured): the buyer's own words, never nothing.
    `说明：${c.descriptionZh ?? c.description}\n` +
    `${due}在小程序“索赔”页回复（接受或提出异议，可附照片）。`
  );
}

/** The daily reminder while the supplier has not answered. */
export const claimReminderText = (c: Pick<ClaimDoc, 'number' | 'orderNumber' | 'answerDue'>, now: Date, lang: PartnerLang = 'zh') =>
  lang === 'en'
    ? `[Gendan reminder] Claim ${c.number} (order ${c.orderNumber}) has no answer yet${c.answerDue && day(c.answerDue) < day(now) ? `; the answer was due ${day(c.answerDue)}` : ''}. Please answer on the "Claims" page of the mini-program.`
    : `【Gendan 提醒】索赔 ${c.number}（订单 ${c.orderNumber}）尚未回复` + `${c.answerDue && day(c.answerDue) < day(now) ? `，已超过回复期限 ${day(c.answerDue)}` : ''}。请在小程序“索赔”页回复。`;

/** A sent claim the buyer withdrew (filed by mistake): the supplier need not answer it. */
export const claimWithdrawnText = (c: Pick<ClaimDoc, 'number' | 'orderNumber'>, lang: PartnerLang = 'zh') =>
  lang === 'en'
    ? `[Gendan claim] ${c.number} (order ${c.orderNumber}) was withdrawn by the buyer; no answer is needed.`
    : `【Gendan 索赔】${c.number}（订单 ${c.orderNumber}）已由买方撤回，无需回复。`;

/** To the buyer's manager: the supplier has not answered a claim by its deadline. */
export function claimOverdueForManager(c: Pick<ClaimDoc, 'number' | 'orderNumber' | 'supplierCode' | 'answerDue'>, lang: ManagerLang, now: Date): string {
  const due = c.answerDue ? day(c.answerDue) : '—';
  const late = c.answerDue ? Math.max(1, Math.floor((now.getTime() - c.answerDue.getTime()) / 86_400_000)) : 0;
  if (lang === 'az') return `⚠️ İddia ${c.number} (PO ${c.orderNumber}, ${c.supplierCode}): təchizatçı ${due} tarixinədək cavab verməyib (gecikmə: ${late} gün).`;
  return lang === 'ru'
    ? `⚠️ Претензия ${c.number} (PO ${c.orderNumber}, ${c.supplierCode}): поставщик не ответил к сроку ${due} (просрочено дней: ${late}).`
    : `⚠️ Claim ${c.number} (PO ${c.orderNumber}, ${c.supplierCode}): the supplier has not answered by ${due} (${late} day(s) overdue).`;
}
