// The sandbox: a simulated WeChat (wechaty-puppet-mock) with a few demo suppliers writing in
// Chinese and a demo manager, used when no puppet service token is configured. It runs on its
// own database (gendan-sandbox) so nothing mixes with real data.
import { fstatSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { getLogger } from '../shared/log/index.js';
import { Manager, type ManagerLang } from '../shared/managers/model.js';
import { CHECKS_NOW, runJobsNow } from '../shared/scheduler/index.js';
import { Fair, registerFair } from '../shared/suppliers/index.js';
import { Contact, Thread, sortContact, type SortDecision } from '../shared/threads/index.js';

const log = getLogger('sandbox');

export const SANDBOX_DB_NAME = 'gendan-sandbox';

export const SANDBOX_BANNER = [
  '╔════════════════════════════════════════════════════════════════════╗',
  '║  SANDBOX — simulated WeChat (no WECHATY_PUPPET_SERVICE_TOKEN set).   ║',
  '║  Demo suppliers write in Chinese; data goes to "gendan-sandbox".     ║',
  '║  Set WECHATY_PUPPET_SERVICE_TOKEN to connect a real WeChat account.  ║',
  '╚════════════════════════════════════════════════════════════════════╝',
].join('\n');

export interface Sandbox {
  puppet: PuppetMock;
  mocker: mock.Mocker;
  bot: mock.ContactMock;
  manager: mock.ContactMock;
  /** A colleague's WeChat, not linked to any manager: for trying `/link` from the console. */
  colleague: mock.ContactMock;
  suppliers: mock.ContactMock[];
  /** A factory's contact nobody has sorted yet (never seeded): lands in the console's Unsorted tab when they write. */
  newcomer: mock.ContactMock;
  room: mock.RoomMock;
  /** Log the bot account in (after the Wechaty instance started). */
  login(): void;
  /** Say something as a supplier (index), the manager ('m'), the colleague ('c'), the newcomer ('n', 周总), in the room when `inRoom`. */
  say(who: number | 'm' | 'c' | 'n', text: string, inRoom?: boolean): void;
}

export function createSandbox(): Sandbox {
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const bot = mocker.createContact({ id: 'gendan-bot', name: 'Gendan 跟单' });
  const manager = mocker.createContact({ id: 'mgr-anna', name: 'Anna (buyer)' });
  const colleague = mocker.createContact({ id: 'wx-colleague', name: 'Boris (new buyer)' });
  const suppliers = [
    mocker.createContact({ id: 'sup-wang', name: '王经理', phone: ['13805740001'] }),
    mocker.createContact({ id: 'sup-li', name: '李小姐', phone: ['13957900002'] }),
    mocker.createContact({ id: 'sup-chen', name: '陈工 QC' }),
  ];
  const newcomer = mocker.createContact({ id: 'sup-newcomer', name: '周总', phone: ['13600000003'] });
  const room = mocker.createRoom({
    id: 'demo-augi@chatroom',
    topic: '奥吉电器 × Gendan 订单群',
    memberIdList: [bot.id, manager.id, suppliers[0]!.id, suppliers[2]!.id],
  });
  return {
    puppet,
    mocker,
    bot,
    manager,
    colleague,
    suppliers,
    newcomer,
    room,
    login() {
      mocker.login(bot);
      // A real puppet says `ready` once contacts and rooms are loaded; the mock never does.
      setImmediate(() => puppet.emit('ready', { data: 'sandbox' }));
    },
    say(who, text, inRoom = false) {
      const speaker = who === 'm' ? manager : who === 'c' ? colleague : who === 'n' ? newcomer : suppliers[who];
      if (!speaker) throw new Error(`no demo supplier ${who}`);
      speaker.say(text).to(inRoom ? room : bot);
    },
  };
}

/**
 * The languages of the sandbox's people: the first of MANAGER_LANGS (e.g. `az` for an
 * Azerbaijani-speaking buyer), and the second one, shown while a translation waits.
 */
export function sandboxLanguages(managerLangs: readonly ManagerLang[]): { language: ManagerLang; secondLanguage?: ManagerLang } {
  const [language = 'en', second] = managerLangs;
  return second && second !== language ? { language, secondLanguage: second } : { language };
}

/** The demo manager is registered so that `/help` works in the sandbox, in `langs.language`. */
export async function registerSandboxManager(sb: Sandbox, langs: { language: ManagerLang; secondLanguage?: ManagerLang } = { language: 'en' }): Promise<void> {
  await Manager.updateOne({ wechatId: sb.manager.id }, { $setOnInsert: { name: 'Anna', wechatId: sb.manager.id, role: 'admin', ...langs } }, { upsert: true });
}

/**
 * The demo suppliers are suppliers from the start: their contacts and room are created and
 * sorted (a fair in the register, 王经理 met there → A01, 李小姐 → 001, 陈工 the QC of A01,
 * the group → A01's room), as a manager would on day one. Idempotent: sorted ones are skipped.
 */
export async function seedSandboxSuppliers(sb: Sandbox, now = new Date()): Promise<void> {
  const by = 'sandbox';
  if (!(await Fair.exists({ _id: 'A' })))
    await registerFair({ letter: 'A', name: 'Canton Fair 2026 (autumn)', city: 'Guangzhou', from: '2026-10-15', to: '2026-10-19' }, by, now).catch(() => undefined);
  const [wang, li, chen] = sb.suppliers as [mock.ContactMock, mock.ContactMock, mock.ContactMock];
  const sorts: [mock.ContactMock, SortDecision][] = [
    [wang, { kind: 'supplier', fairLetter: 'A', name: '奥吉电器' }],
    [li, { kind: 'supplier', name: '义乌李氏工艺品' }],
    [chen, { kind: 'contact', supplier: 'A01', role: 'qc' }],
  ];
  for (const [c, decision] of sorts) {
    const payload = c.payload;
    await Contact.updateOne({ wechatId: c.id }, { $setOnInsert: { wechatId: c.id, name: payload.name, phone: payload.phone?.[0], status: 'unsorted' } }, { upsert: true });
    const doc = await Contact.findOne({ wechatId: c.id }, { status: 1 }).lean<{ _id: unknown; status?: string }>();
    if (doc?.status === 'unsorted') await sortContact(String(doc._id), decision, by, now);
  }
  const key = `room:${sb.room.id}`;
  await Thread.updateOne({ key }, { $setOnInsert: { key, kind: 'room', roomId: sb.room.id, topic: sb.room.payload.topic, status: 'unsorted' } }, { upsert: true });
  const room = await Thread.findOne({ key }, { status: 1 }).lean<{ _id: unknown; status?: string }>();
  if (room?.status === 'unsorted') await sortContact(String(room._id), { kind: 'contact', supplier: 'A01' }, by, now);
}

/** A few demo messages, so a fresh sandbox has something to show. */
export function playDemo(sb: Sandbox): void {
  const lines: [number | 'm', string, boolean][] = [
    [0, '您好，PO-2026-001 的大货已经开始生产了，预计12月5日完成。', false],
    [1, '请问这批货的交期可以提前吗？我们的原材料已经到了。', false],
    [2, '验货报告明天发给您，抽检 AQL 2.5 合格。', true],
  ];
  lines.forEach(([who, text, inRoom], i) => setTimeout(() => sb.say(who, text, inRoom), 500 * (i + 1)).unref());
}

/**
 * Whether the prompt reads stdin: a terminal, or a pipe / FIFO someone feeds lines into
 * (`tail -f lines.txt | npm start`, a script driving the sandbox). Not /dev/null or a file (a
 * service manager's stdin), where there is nobody to type.
 */
export function promptWanted(stdin: { isTTY?: boolean } = process.stdin, fd = 0): boolean {
  if (stdin.isTTY) return true;
  try {
    const st = fstatSync(fd);
    return st.isFIFO() || st.isSocket();
  } catch {
    return false;
  }
}

/**
 * What the bot says in the simulated WeChat, printed beside the prompt (command replies, notices,
 * proposals, link confirmations): the sandbox's chat window. Returns a function that stops it.
 */
export function echoBotMessages(sb: Sandbox, write: (line: string) => void = (line) => console.log(line)): () => void {
  const onMessage = (msg: mock.MessageMock) => {
    if (msg.talker().id !== sb.bot.id) return;
    const room = msg.room();
    const to = room ? `room ${room.payload.topic ?? room.id}` : (msg.listener()?.payload.name ?? msg.listener()?.id ?? '?');
    // A file (the weekly report) has no text: its name, as WeChat shows the file card.
    const file = sb.mocker.cacheFileBoxPayload.get(msg.id) as { name?: string } | undefined;
    const text = msg.text() ?? `[file ${file?.name ?? '?'}]`;
    write(`[WeChat] ${sb.bot.payload.name} → ${to}: ${text}`);
  };
  sb.bot.on('message', onMessage);
  return () => void sb.bot.off('message', onMessage);
}

/**
 * On a terminal: type as a supplier or the manager.
 *   `1 你好` — supplier 1 (王经理) writes to the bot; `r1 …` — in the room; `m /help` — the manager;
 *   `c /link 482913` — a colleague's WeChat not linked yet (link it to a manager made in the console);
 *   `n 你好` — a new factory contact nobody has sorted (it waits in the console's Unsorted tab);
 *   `checks` — run the follow-up checks now (overdue, needs a date, pre-shipment, customs) through
 *   the scheduler's own jobs, instead of waiting up to 15 minutes (the console's Notices page has
 *   the same as "Run checks now" for the head of purchasing and admins).
 */
export function startPrompt(sb: Sandbox, io: { input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream; terminal?: boolean; interrupt?: () => void } = {}): () => void {
  const rl = createInterface({ input: io.input ?? process.stdin, output: io.output ?? process.stdout, prompt: 'sandbox> ', ...(io.terminal === undefined ? {} : { terminal: io.terminal }) });
  // On a terminal readline reads keys raw, so Ctrl-C reaches it as a key, not as a signal: without
  // this it only paused the prompt and Gendan kept running. It stops Gendan, as README says.
  rl.on('SIGINT', io.interrupt ?? (() => process.kill(process.pid, 'SIGINT')));
  console.log(
    'Type "1 text", "2 text", "3 text" as a supplier, "r1 text" in the room, "m text" as the manager, "c /link <code>" as a colleague linking their WeChat, "n text" as a new contact to sort, "checks" to run the follow-up checks now.',
  );
  rl.prompt();
  rl.on('line', (line) => {
    const m = /^\s*(r?)([123mcn])\s+(.+)$/.exec(line);
    if (/^\s*checks\s*$/i.test(line)) {
      runJobsNow(CHECKS_NOW).then(
        () => console.log('follow-up checks asked to run now: overdue notices reach linked managers within seconds'),
        (err: Error) => log.warn({ err: err.message }, 'sandbox checks failed'),
      );
    } else if (!m) {
      console.log('usage: 1 你好 | r1 你好 | m /help | c /link 482913 | n 你好 | checks');
    } else {
      const who = m[2] === 'm' || m[2] === 'c' || m[2] === 'n' ? m[2] : Number(m[2]) - 1;
      try {
        sb.say(who, m[3]!, m[1] === 'r');
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'sandbox say failed');
      }
    }
    rl.prompt();
  });
  return () => rl.close();
}
