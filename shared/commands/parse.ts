// Manager commands typed in WeChat: `/po 2026-001`, also with the full-width slash `／` that
// Chinese keyboards produce. Parsing is pure: a command or a usage error, never a throw.
import { MILESTONES as MILESTONE_NAMES, type MilestoneName } from '../orders/model.js';
import { msg, say, type MessageKey, type Msg, type Params } from '../errors/index.js';

export type Command =
  | { name: 'help'; topic?: string }
  | { name: 'orders'; code?: string }
  | { name: 'po'; po: string }
  | { name: 'done'; po: string; milestone: MilestoneName; date?: string }
  | { name: 'plan'; po: string; milestone: MilestoneName; date: string }
  | { name: 'customs'; po: string; action: 'hold' | 'clear'; days?: number; reason?: string }
  | { name: 'reply'; code: string; text: string }
  | { name: 'thread'; code: string; n: number }
  | { name: 'overdue' }
  | { name: 'bind'; code: string }
  | { name: 'assign'; code: string; manager: string }
  | { name: 'segment'; code: string; segment: 'strategic' | 'new' | 'problem' }
  | { name: 'kpi'; code: string; period?: string }
  | { name: 'claim'; po: string; type: 'defect' | 'shortage' | 'wrong_item' | 'transit_damage' | 'late_delivery'; qty: number; text: string }
  | { name: 'tr'; text: string }
  | { name: 'link'; code: string }
  | { name: 'accept'; n?: number }
  | { name: 'decline'; n: number }
  | { name: 'ok'; n: number; po?: string; milestone?: MilestoneName }
  | { name: 'no'; n: number }
  | { name: 'sort'; who: string; decision: SortCommandDecision };

/** `/sort` decisions as typed; the domain checks codes, letters and roles. */
export type SortCommandDecision = { kind: 'supplier'; code?: string; fairLetter?: string } | { kind: 'contact'; supplier: string; role?: string } | { kind: 'colleague' } | { kind: 'ignore' };

export type CommandName = Command['name'];

export const USAGE: Record<CommandName, string> = {
  help: '/help [command]',
  orders: '/orders [supplier code]',
  po: '/po <po number>',
  done: `/done <po> <milestone> [YYYY-MM-DD]`,
  plan: '/plan <po> <milestone> <YYYY-MM-DD>',
  customs: '/customs <po> hold|clear [days] [reason]',
  reply: '/reply <supplier code> <text>',
  thread: '/thread <supplier code> [n]',
  overdue: '/overdue',
  bind: '/bind <supplier code>',
  assign: '/assign <supplier code> <manager>',
  segment: '/segment <supplier code> strategic|new|problem',
  kpi: '/kpi <supplier code> [YYYY-MM]',
  claim: '/claim <po> defect|shortage|wrong|damage|late <qty> <text>',
  tr: '/tr <text>',
  link: '/link <six-digit code from the console>',
  accept: '/accept [n] (no n: list the friend requests)',
  decline: '/decline <n>',
  ok: '/ok <n> [PO] [milestone] (apply proposal n from a supplier chat)',
  no: '/no <n> (drop proposal n)',
  sort: '/sort <name|id> supplier [code|fair letter] | contact <code> [role] | colleague | ignore',
};

/** A failure's `error` is English; `text` is its catalog text, written in the manager's language by the dispatcher. */
export type ParseResult = { ok: true; command: Command } | { ok: false; name?: CommandName; error: string; text?: Msg; usage?: string } | { ok: false; notCommand: true };

const PREFIX = /^\s*[/／]/;

export function isCommandText(text: string): boolean {
  return PREFIX.test(text) && /^\s*[/／]\s*[A-Za-z]/.test(text);
}

/** `/link …`: the one command a WeChat id that is not (yet) a manager's may send. */
export function isLinkCommand(text: string): boolean {
  return /^\s*[/／]\s*link(\s|$)/i.test(text);
}

// A supplier code may be typed with its country + abbreviation tag (`D12 AUGI`): a word of
// that shape right after the code is taken as part of it, unless it is what the slot expects.
const TAG = /^[A-Za-z]{2}[A-Za-z0-9]{2,6}$/;
function codeWithTag(args: string[], slotTakes: (next: string) => boolean = () => false): { code?: string; rest: string[] } {
  const [code, next, ...more] = args;
  if (!code) return { rest: [] };
  if (next !== undefined && TAG.test(next) && !slotTakes(next)) return { code: `${code.toUpperCase()} ${next.toUpperCase()}`, rest: more };
  return { code: code.toUpperCase(), rest: next === undefined ? [] : [next, ...more] };
}

const SORT_KINDS = ['supplier', 'contact', 'colleague', 'ignore'] as const;
const ROLE_WORDS = new Set(['sales', 'merchandiser', 'qc', 'logistics', 'forwarder', 'agent', 'inspector', 'other']);

/** Accepts `2026-11-24`, `2026/11/24`, `2026.11.24`, `11-24` (this year, relative to `today`). */
export function parseDate(s: string, today: Date): string | undefined {
  let y: number, m: number, d: number;
  let match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(s);
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{1,2})[-/.](\d{1,2})$/.exec(s))) [y, m, d] = [today.getUTCFullYear(), Number(match[1]), Number(match[2])];
  else return undefined;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return undefined;
  if (y < 2000 || y > 2100) return undefined;
  return dt.toISOString().slice(0, 10);
}

const MILESTONE_ALIASES: Record<string, MilestoneName> = {
  ...Object.fromEntries(MILESTONE_NAMES.map((m) => [m, m])),
  confirm: 'confirmed',
  material: 'materials',
  start: 'production_start',
  production: 'production_start',
  made: 'production_done',
  finished: 'production_done',
  qc: 'inspection',
  ship: 'shipped',
  shipment: 'shipped',
  customs: 'customs_cleared',
  cleared: 'customs_cleared',
  deliver: 'delivered',
};

const CLAIM_TYPE_ALIASES: Record<string, 'defect' | 'shortage' | 'wrong_item' | 'transit_damage' | 'late_delivery'> = {
  defect: 'defect',
  quality: 'defect',
  shortage: 'shortage',
  short: 'shortage',
  wrong: 'wrong_item',
  wrong_item: 'wrong_item',
  damage: 'transit_damage',
  transit_damage: 'transit_damage',
  late: 'late_delivery',
  late_delivery: 'late_delivery',
};

export function parseMilestone(s: string): MilestoneName | undefined {
  return MILESTONE_ALIASES[s.toLowerCase().replace(/-/g, '_')];
}

export function parseCommand(text: string, today = new Date()): ParseResult {
  if (!isCommandText(text)) return { ok: false, notCommand: true };
  const body = text.replace(PREFIX, '').trim();
  const [rawName = '', ...args] = body.split(/\s+/);
  const name = rawName.toLowerCase() as CommandName;
  if (!(name in USAGE)) return { ok: false, error: say('en', 'cmd.unknown', { name: rawName }), text: msg('cmd.unknown', { name: rawName }), usage: USAGE.help };
  const fail = (key: MessageKey, params?: Params): ParseResult => ({ ok: false, name, error: say('en', key, params), text: msg(key, params), usage: USAGE[name] });
  const rest = (from: number) =>
    body
      .split(/\s+/)
      .slice(from + 1)
      .join(' ');
  // The text of /reply and /tr keeps its spacing.
  const restRaw = (skipWords: number) => body.replace(new RegExp(`^(\\S+\\s+){${skipWords}}`), '').trim();

  switch (name) {
    case 'help':
      return { ok: true, command: { name, topic: args[0]?.toLowerCase() } };
    case 'overdue':
      return { ok: true, command: { name } };
    case 'orders':
      return { ok: true, command: { name, code: codeWithTag(args).code } };
    case 'po':
      return args[0] ? { ok: true, command: { name, po: args[0] } } : fail('cmd.whichPo');
    case 'done': {
      const [po, ms, date] = args;
      if (!po || !ms) return fail('cmd.poMilestone');
      const milestone = parseMilestone(ms);
      if (!milestone) return fail('cmd.unknownMilestone', { milestone: ms, options: MILESTONE_NAMES.join(', ') });
      let iso: string | undefined;
      if (date) {
        iso = parseDate(date, today);
        if (!iso) return fail('cmd.notDate', { date });
      }
      return { ok: true, command: { name, po, milestone, date: iso } };
    }
    case 'plan': {
      const [po, ms, date] = args;
      if (!po || !ms || !date) return fail('cmd.poMilestoneDate');
      const milestone = parseMilestone(ms);
      if (!milestone) return fail('cmd.unknownMilestone', { milestone: ms, options: MILESTONE_NAMES.join(', ') });
      const iso = parseDate(date, today);
      if (!iso) return fail('cmd.notDate', { date });
      return { ok: true, command: { name, po, milestone, date: iso } };
    }
    case 'customs': {
      const [po, action, maybeDays] = args;
      if (!po || (action !== 'hold' && action !== 'clear')) return fail('cmd.poHoldClear');
      let days: number | undefined;
      let reasonFrom = 2;
      if (maybeDays !== undefined && /^\d{1,3}$/.test(maybeDays)) {
        days = Number(maybeDays);
        reasonFrom = 3;
      }
      const reason = rest(reasonFrom) || undefined;
      return { ok: true, command: { name, po, action, days, reason } };
    }
    case 'reply': {
      const code = args[0];
      const t = restRaw(2);
      if (!code || !args[1]) return fail('cmd.codeText');
      return { ok: true, command: { name, code: code.toUpperCase(), text: t } };
    }
    case 'thread': {
      const {
        code,
        rest: [n],
      } = codeWithTag(args, (x) => /^\d+$/.test(x));
      if (!code) return fail('cmd.code');
      const count = n === undefined ? 10 : Number(n);
      if (!Number.isInteger(count) || count < 1 || count > 50) return fail('cmd.n50');
      return { ok: true, command: { name, code, n: count } };
    }
    case 'bind': {
      const { code } = codeWithTag(args);
      return code ? { ok: true, command: { name, code } } : fail('cmd.code');
    }
    case 'assign': {
      const [code, ...manager] = args;
      if (!code || manager.length === 0) return fail('cmd.codeManager');
      return { ok: true, command: { name, code: code.toUpperCase(), manager: manager.join(' ') } };
    }
    case 'segment': {
      const {
        code,
        rest: [seg],
      } = codeWithTag(args, (x) => ['strategic', 'new', 'problem'].includes(x));
      if (!code || (seg !== 'strategic' && seg !== 'new' && seg !== 'problem')) return fail('cmd.codeSegment');
      return { ok: true, command: { name, code, segment: seg } };
    }
    case 'claim': {
      const [po, rawType, rawQty] = args;
      if (!po || !rawType || !rawQty) return fail('cmd.claimArgs');
      const type = CLAIM_TYPE_ALIASES[rawType.toLowerCase()];
      if (!type) return fail('cmd.claimType', { type: rawType });
      const qty = Number(rawQty);
      if (!Number.isInteger(qty) || qty <= 0) return fail('cmd.qty', { qty: rawQty });
      const t = restRaw(4);
      if (!args[3]) return fail('cmd.describe');
      return { ok: true, command: { name, po, type, qty, text: t } };
    }
    case 'kpi': {
      const {
        code,
        rest: [period],
      } = codeWithTag(args, (x) => /^\d/.test(x));
      if (!code) return fail('cmd.code');
      if (period !== undefined && !/^20\d\d-(0[1-9]|1[0-2])$/.test(period)) return fail('cmd.month', { period });
      return { ok: true, command: { name, code, period } };
    }
    case 'tr': {
      const t = restRaw(1);
      if (!args[0]) return fail('cmd.text');
      return { ok: true, command: { name, text: t } };
    }
    case 'accept':
    case 'decline': {
      const [x] = args;
      if (x === undefined && name === 'accept') return { ok: true, command: { name } };
      if (!x || !/^\d{1,3}$/.test(x) || Number(x) < 1) return fail('cmd.requestNumber');
      return { ok: true, command: { name, n: Number(x) } };
    }
    case 'ok':
    case 'no': {
      const [x, ...more] = args;
      if (!x || !/^\d{1,6}$/.test(x) || Number(x) < 1) return fail('cmd.proposalNumber');
      if (name === 'no') return { ok: true, command: { name, n: Number(x) } };
      let po: string | undefined;
      let milestone: MilestoneName | undefined;
      for (const a of more) {
        const ms = parseMilestone(a);
        if (ms) milestone = ms;
        else if (!po) po = a;
        else return fail('cmd.poOrMilestone', { arg: a });
      }
      return { ok: true, command: { name, n: Number(x), po, milestone } };
    }
    case 'link': {
      const code = args.join('');
      if (!/^\d{6}$/.test(code)) return fail('cmd.linkCode');
      return { ok: true, command: { name, code } };
    }
    case 'sort': {
      const at = args.findIndex((a, i) => i > 0 && (SORT_KINDS as readonly string[]).includes(a.toLowerCase()));
      if (at < 1) return fail('cmd.sortWho');
      const who = args.slice(0, at).join(' ');
      const kind = args[at]!.toLowerCase() as (typeof SORT_KINDS)[number];
      const more = args.slice(at + 1);
      switch (kind) {
        case 'supplier': {
          const [x] = more;
          if (more.length > 1) return fail('cmd.sortSupplier');
          if (x === undefined) return { ok: true, command: { name, who, decision: { kind } } };
          return { ok: true, command: { name, who, decision: x.length === 1 ? { kind, fairLetter: x.toUpperCase() } : { kind, code: x.toUpperCase() } } };
        }
        case 'contact': {
          const { code, rest } = codeWithTag(more, (x) => ROLE_WORDS.has(x.toLowerCase()));
          if (!code) return fail('cmd.sortContact');
          if (rest.length > 1) return fail('cmd.sortRole');
          return { ok: true, command: { name, who, decision: { kind, supplier: code, ...(rest[0] ? { role: rest[0].toLowerCase() } : {}) } } };
        }
        case 'colleague':
        case 'ignore':
          if (more.length) return fail('cmd.sortNothingAfter', { kind });
          return { ok: true, command: { name, who, decision: { kind } } };
      }
    }
  }
}
