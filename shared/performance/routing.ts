// Routing of unanswered supplier messages: a supplier message nobody on our side has answered
// goes to the supplier's responsible manager after ESCALATE_AFTER_MIN, and to the backup manager
// (or, without one, the head of purchasing) after twice that. Notices go through the outbox:
// once per waiting message (the key carries when the wait began), never in the manager's night.
import type { Types } from 'mongoose';
import { getLogger } from '../log/index.js';
import { Manager, managerLang, type ManagerDoc, type ManagerLang } from '../managers/model.js';
import { dmKey } from '../messenger.js';
import { enqueueNotice } from '../notices/index.js';
import { Supplier, type SupplierDoc } from '../suppliers/index.js';
import { Message, Thread, threadDay, type MessageDoc, type ThreadDoc } from '../threads/model.js';

const log = getLogger('routing');

export function unansweredText(f: { code: string; name: string; minutes: number; preview: string; escalated: boolean }, lang: ManagerLang): string {
  const h = f.minutes >= 120 ? `${Math.round(f.minutes / 6) / 10} h` : `${Math.round(f.minutes)} min`;
  const hr = f.minutes >= 120 ? `${Math.round(f.minutes / 6) / 10} ч` : `${Math.round(f.minutes)} мин`;
  const ha = f.minutes >= 120 ? `${String(Math.round(f.minutes / 6) / 10).replace('.', ',')} saat` : `${Math.round(f.minutes)} dəq`;
  if (lang === 'ru') return `${f.escalated ? '⚠️ Эскалация: ' : '💬 '}${f.code} ${f.name} ждёт ответа ${hr}: «${f.preview}»`;
  if (lang === 'az') return `${f.escalated ? '⚠️ Eskalasiya: ' : '💬 '}${f.code} ${f.name} ${ha}dır cavab gözləyir: “${f.preview}”`;
  return `${f.escalated ? '⚠️ Escalated: ' : '💬 '}${f.code} ${f.name} has been waiting ${h} for an answer: “${f.preview}”`;
}

/** The waiting text in `lang`; while that translation waits, in `second` (marked), else the original. */
async function lastSupplierText(t: ThreadDoc, lang: ManagerLang, second?: string | null): Promise<string> {
  if (!t.awaitingSince) return '';
  const day = await Message.find({ td: threadDay(t._id, t.awaitingSince) }).lean<MessageDoc[]>();
  const m = day.filter((x) => x.direction === 'in').sort((a, b) => b.ts.getTime() - a.ts.getTime())[0];
  if (!m) return '';
  const trs = m.translations as unknown as Record<string, { text: string }> | undefined;
  const tr = trs?.[lang]?.text ?? (second && trs?.[second]?.text ? `(${second}) ${trs[second].text}` : undefined);
  return (tr ?? m.text ?? `[${m.type}]`).slice(0, 120);
}

/** Enqueue the notices due at `now` (`after`: ESCALATE_AFTER_MIN). Returns how many were new. */
export async function escalateUnanswered(now: Date, after: number): Promise<number> {
  const waiting = await Thread.find({ awaiting: 'manager' }).lean<ThreadDoc[]>();
  const managers = new Map<string, Promise<ManagerDoc | null>>();
  const managerById = (id?: Types.ObjectId | null) => {
    if (!id) return Promise.resolve(null);
    const k = String(id);
    if (!managers.has(k)) managers.set(k, Manager.findOne({ _id: id, active: { $ne: false } }).lean<ManagerDoc>());
    return managers.get(k)!;
  };
  let heads: ManagerDoc[] | undefined;
  let n = 0;
  for (const t of waiting) {
    if (!t.supplierId || !t.awaitingSince) continue;
    const minutes = (now.getTime() - t.awaitingSince.getTime()) / 60_000;
    if (minutes < after) continue;
    const s = await Supplier.findOne({ _id: t.supplierId }, { code: 1, name: 1, managerId: 1, backupManagerId: 1 }).lean<SupplierDoc>();
    if (!s) continue;
    const targets: { m: ManagerDoc; level: 'responsible' | 'escalated' }[] = [];
    const responsible = await managerById(s.managerId);
    if (responsible) targets.push({ m: responsible, level: 'responsible' });
    if (minutes >= 2 * after || !responsible) {
      const backup = await managerById(s.backupManagerId);
      if (backup) targets.push({ m: backup, level: 'escalated' });
      else {
        heads ??= await Manager.find({ role: 'head', active: { $ne: false } }).lean<ManagerDoc[]>();
        for (const h of heads) targets.push({ m: h, level: 'escalated' });
      }
    }
    for (const { m, level } of targets) {
      if (!m.wechatId) continue;
      const lang = managerLang(m.language);
      const text = unansweredText({ code: s.code, name: s.name, minutes, preview: await lastSupplierText(t, lang, m.secondLanguage), escalated: level === 'escalated' }, lang);
      const key = `unanswered:${t._id}:${t.awaitingSince.toISOString()}:${level}:${m._id}`;
      if (await enqueueNotice({ key, kind: 'alert', to: dmKey(m.wechatId), recipient: { kind: 'manager', id: String(m._id), timezone: m.timezone }, text }, now)) n++;
    }
  }
  if (n) log.info({ notices: n }, 'unanswered supplier messages routed');
  return n;
}
