// The WeChat adapter: Wechaty with the puppet from config. Turns each Wechaty message into a
// plain InboundMessage for the mirror, records bot health, and implements the Messenger port.
// Every listener is wrapped: nothing throws into Wechaty.
import { createHash } from 'node:crypto';
import { FileBox } from 'file-box';
import { WechatyBuilder, types, type Wechaty } from 'wechaty';
import type { Message as WechatyMessage } from 'wechaty';
import type * as PUPPET from 'wechaty-puppet';
import { createCache } from '../shared/cache/index.js';
import { storageFromConfig, storageKeys, type FileStorage } from '../shared/storage/index.js';
import type { Config } from '../shared/config/index.js';
import { getLogger } from '../shared/log/index.js';
import { raiseAlert, recordBotEvent, type BotEventType } from '../shared/health/index.js';
import type { ChatKey, Messenger, SendResult } from '../shared/messenger.js';
import { isCommandText, isLinkCommand } from '../shared/commands/parse.js';
import {
  createBufferedMirror,
  createMirror,
  decideFriendRequest,
  markAccepted,
  markRecalled,
  openSpool,
  recordFriendRequest,
  recordRoomEvent,
  takeAcceptances,
  type InboundMessage,
  type IngestResult,
  type Mirror,
  type MessageType,
  type RoomEvent,
} from '../shared/threads/index.js';

const log = getLogger('bot');

export interface CommandContext {
  message: IngestResult['message'];
  inbound: InboundMessage;
  /** Where a reply goes: the chat the command came from. */
  chatKey: ChatKey;
}

export interface BotOptions {
  config: Config;
  /** A puppet instance (sandbox mock, tests); otherwise built from config. */
  puppet?: PUPPET.impls.PuppetInterface;
  mirror?: Mirror;
  /** Manager commands (`/…`), called once per stored command message. */
  onCommand?: (ctx: CommandContext) => Promise<unknown>;
  clock?: () => Date;
  /** Where chat images, videos and files are kept; default: the configured store. */
  storage?: FileStorage;
  /** File of the mirror's spool (messages waiting for the database, kept on disk); none when absent. */
  spoolPath?: string;
}

export interface Bot {
  wechaty: Wechaty;
  messenger: Messenger;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves once the bot is logged in and ready (tests, sandbox). */
  ready(): Promise<void>;
  /** Messages waiting for the database (buffered while it is down). */
  pending(): number;
  /**
   * Resolves once every message the puppet has delivered so far is handled to the end (stored or
   * recognised as a duplicate, its command run): tests assert "nothing else happened" after it.
   */
  idle(): Promise<void>;
}

const TYPE_OF: Partial<Record<number, MessageType>> = {
  [types.Message.Text]: 'text',
  [types.Message.Image]: 'image',
  [types.Message.Attachment]: 'file',
  [types.Message.Audio]: 'voice',
  [types.Message.Video]: 'video',
  [types.Message.Url]: 'link',
  [types.Message.MiniProgram]: 'miniprogram',
  [types.Message.Emoticon]: 'emoticon',
  [types.Message.Contact]: 'contact',
  [types.Message.Location]: 'location',
};

async function puppetFromConfig(config: Config): Promise<PUPPET.impls.PuppetInterface> {
  const { PuppetService } = await import('wechaty-puppet-service');
  return new PuppetService({ token: config.bot.puppetToken, endpoint: config.bot.puppetEndpoint }) as unknown as PUPPET.impls.PuppetInterface;
}

/** Kinds of chat media whose bytes are kept (up to the size limit); others keep metadata only. */
const STORED_KINDS: MessageType[] = ['image', 'file', 'video', 'voice'];
/** A download from the puppet that has not finished after this long leaves metadata only. */
const MEDIA_DOWNLOAD_MS = 60_000;

export interface MediaStore {
  storage: FileStorage;
  maxBytes: number;
}

const sizeText = (n: number) => (n >= 1024 * 1024 ? `${Math.round((n / 1024 / 1024) * 10) / 10} MB` : `${Math.round(n / 1024)} KB`);

/**
 * Keep the bytes of a chat image, video, voice note or file in the store (key from the puppet's
 * message id, so a redelivery overwrites the same file); over the limit, or when the download
 * fails, only the metadata is kept and `notStored` says why (the console thread shows it).
 */
async function keepMedia(msgId: string, box: Awaited<ReturnType<WechatyMessage['toFileBox']>>, meta: Record<string, string | number | undefined>, store: MediaStore): Promise<void> {
  const limit = `over the ${sizeText(store.maxBytes)} limit`;
  if (typeof meta.size === 'number' && meta.size > store.maxBytes) {
    meta.notStored = limit;
    return;
  }
  try {
    const data = await Promise.race([box.toBuffer(), new Promise<never>((_, fail) => setTimeout(() => fail(new Error('download timed out')), MEDIA_DOWNLOAD_MS).unref())]);
    meta.size = data.length;
    if (data.length > store.maxBytes) {
      meta.notStored = limit;
      return;
    }
    const key = storageKeys.chatMedia(createHash('sha256').update(msgId).digest('hex').slice(0, 40));
    await store.storage.put(key, data);
    meta.storedKey = key;
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'chat media not stored; metadata only');
    meta.notStored = 'download failed';
  }
}

/** Media metadata worth keeping (names, sizes, link cards), and the bytes of images, videos and files. */
async function mediaOf(msg: WechatyMessage, type: MessageType, store?: MediaStore): Promise<InboundMessage['media']> {
  try {
    switch (type) {
      case 'image':
      case 'file':
      case 'voice':
      case 'video':
      case 'emoticon': {
        const box = await msg.toFileBox();
        const meta: Record<string, string | number | undefined> = { name: box.name, mimeType: box.mediaType, size: box.size >= 0 ? box.size : undefined };
        if (store && STORED_KINDS.includes(type)) await keepMedia(msg.id, box, meta, store);
        return meta;
      }
      case 'link': {
        const link = await msg.toUrlLink();
        return { url: link.url(), title: link.title(), description: link.description() ?? undefined };
      }
      case 'miniprogram': {
        const mp = await msg.toMiniProgram();
        return { appId: mp.appid() ?? undefined, title: mp.title() ?? undefined, description: mp.description() ?? undefined };
      }
      default:
        return undefined;
    }
  } catch (err) {
    log.warn({ err: (err as Error).message, type }, 'media metadata unavailable');
    return { description: 'metadata unavailable' };
  }
}

export async function toInbound(msg: WechatyMessage, store?: MediaStore): Promise<InboundMessage> {
  const talker = msg.talker();
  const room = msg.room();
  const listener = msg.listener();
  const type = TYPE_OF[msg.type()] ?? 'other';
  const self = msg.self();
  let chat: InboundMessage['chat'];
  if (room) {
    chat = { kind: 'room', id: room.id, topic: await room.topic().catch(() => undefined) };
  } else {
    // A 1:1 thread is keyed by the other person: the talker, or the listener for our own messages.
    const other = self ? (listener ?? talker) : talker;
    chat = { kind: 'dm', id: other.id };
  }
  return {
    puppetId: msg.id,
    chat,
    sender: { wechatId: talker.id, name: talker.name(), alias: (await talker.alias().catch(() => undefined)) ?? undefined },
    self,
    type,
    text: type === 'text' ? msg.text() : '',
    media: await mediaOf(msg, type, store),
    ts: msg.date(),
  };
}

export function createBot(opts: BotOptions): Bot {
  const { config } = opts;
  const clock = opts.clock ?? (() => new Date());
  const mirror = createBufferedMirror(opts.mirror ?? createMirror(), { spool: opts.spoolPath ? openSpool<InboundMessage>(opts.spoolPath) : undefined });
  const mediaStore: MediaStore = { storage: opts.storage ?? storageFromConfig(config), maxBytes: config.storage.maxChatMediaBytes };
  let puppet = opts.puppet;
  let wechaty!: Wechaty;
  let loggedIn = false;
  let stopping = false; // a deliberate stop logs out too, but is no alert
  let isReady = false;
  let readyWaiters: (() => void)[] = [];
  const seen = createCache<string, true>('bot.seenMessages', { max: 50_000 }); // message ids handled by this process (listener-twice guard)

  // Message events the puppet delivered that are not handled yet (idle()). Counted on the puppet
  // itself, so a message Wechaty is still loading counts too.
  let unhandled = 0;
  let idleWaiters: (() => void)[] = [];
  const countedPuppets = new WeakSet<object>();
  const handled = () => {
    unhandled = Math.max(0, unhandled - 1);
    if (unhandled === 0) {
      idleWaiters.forEach((w) => w());
      idleWaiters = [];
    }
  };

  // Events are written one after another, so their order on record is the order they happened.
  let events: Promise<void> = Promise.resolve();
  const event = (type: BotEventType, extra: { user?: string; detail?: string } = {}) => {
    const at = clock();
    events = events.then(() => recordBotEvent(config.bot.name, type, at, extra).catch((err) => log.warn({ err: (err as Error).message, type }, 'bot event not recorded')));
    return events;
  };

  /** Nothing escapes a listener into Wechaty. */
  const safe =
    <A extends unknown[]>(name: string, fn: (...args: A) => Promise<void> | void) =>
    (...args: A) => {
      Promise.resolve()
        .then(() => fn(...args))
        .catch((err) => log.error({ err, listener: name }, 'listener failed'));
    };

  async function onMessage(msg: WechatyMessage) {
    if (seen.has(msg.id)) return; // same event delivered twice to this process
    seen.set(msg.id, true);
    if (msg.type() === types.Message.Recalled) {
      // Its text is the id of the message taken back: that one is marked, nothing new is stored.
      if (!(await markRecalled(msg.text(), msg.date()))) log.info({ puppetId: msg.text() }, 'recalled message not stored here');
      return;
    }
    const inbound = await toInbound(msg, mediaStore);
    const result = await mirror.accept(inbound);
    if (!result) return;
    // Commands come from managers; `/link` also from a WeChat not linked yet (that is its point).
    const fromUs = result.message.senderKind === 'manager' || isLinkCommand(inbound.text);
    if (result.created && opts.onCommand && !inbound.self && inbound.type === 'text' && isCommandText(inbound.text) && fromUs) {
      const chatKey = `${inbound.chat.kind}:${inbound.chat.id}`;
      await opts.onCommand({ message: result.message, inbound, chatKey });
    }
  }

  function build() {
    wechaty = WechatyBuilder.build({ name: config.bot.name, puppet: puppet as never });
    // Registered once per Wechaty instance; a puppet restart keeps them (and `seen` + the
    // unique indexes make a second delivery harmless anyway).
    wechaty
      .on(
        'scan',
        safe('scan', (qrcode: string, status: number) => {
          log.info({ status }, `scan to log in: ${qrcode}`);
          void event('scan');
        }),
      )
      .on(
        'login',
        safe('login', async (user) => {
          loggedIn = true;
          log.info({ user: user.name() }, 'logged in');
          await event('login', { user: user.name() });
        }),
      )
      .on(
        'ready',
        safe('ready', async () => {
          await event('ready');
          isReady = true;
          acceptTimer ??= setInterval(() => void acceptDecided().catch((err) => log.warn({ err: (err as Error).message }, 'friend acceptances not processed')), 2000);
          acceptTimer.unref();
          readyWaiters.forEach((w) => w());
          readyWaiters = [];
        }),
      )
      .on(
        'logout',
        safe('logout', async (user) => {
          loggedIn = false;
          isReady = false;
          log.warn({ user: user?.name?.() }, 'logged out');
          const at = clock();
          await event('logout', { user: user?.name?.() });
          if (stopping) return;
          await raiseAlert(`bot_logout:${config.bot.name}:${at.toISOString().slice(0, 16)}`, 'bot_logout', `WeChat bot ${config.bot.name} logged out at ${at.toISOString()}`, at);
        }),
      )
      .on(
        'error',
        safe('error', async (err: Error) => {
          // Wechaty could not load a delivered message: it never reaches the message listener.
          if (/message not found for id/.test(String(err?.message))) handled();
          log.error({ err }, 'wechaty error');
          await event('error', { detail: String(err?.message ?? err).slice(0, 500) });
        }),
      )
      .on(
        'message',
        safe('message', async (msg: WechatyMessage) => {
          try {
            await onMessage(msg);
          } finally {
            handled();
          }
        }),
      )
      // Membership and topic changes appear in the room's thread; a new member is a contact to sort.
      // Friend requests are listed for a manager to decide (or accepted at once when configured).
      .on(
        'friendship',
        safe('friendship', async (f) => {
          if (f.type() !== types.Friendship.Receive) return;
          const c = f.contact();
          const r = await recordFriendRequest({ requestId: f.id, wechatId: c.id, name: c.name(), hello: f.hello() }, clock());
          if (config.bot.autoAcceptFriends && r.status === 'pending') await decideFriendRequest(String(r._id), true, 'auto-accept', clock()).catch(() => undefined);
          await acceptDecided();
        }),
      )
      .on(
        'room-join',
        safe('room-join', async (room, invitees, inviter, date) => {
          await roomEvent({
            kind: 'join',
            roomId: room.id,
            topic: await room.topic().catch(() => undefined),
            members: invitees.map(person),
            by: inviter ? person(inviter) : undefined,
            ts: date ?? clock(),
          });
        }),
      )
      .on(
        'room-leave',
        safe('room-leave', async (room, leavers, remover, date) => {
          await roomEvent({
            kind: 'leave',
            roomId: room.id,
            topic: await room.topic().catch(() => undefined),
            members: leavers.map(person),
            by: remover ? person(remover) : undefined,
            ts: date ?? clock(),
          });
        }),
      )
      .on(
        'room-topic',
        safe('room-topic', async (room, topic, oldTopic, changer, date) => {
          await roomEvent({ kind: 'topic', roomId: room.id, topic, oldTopic, members: [], by: changer ? person(changer) : undefined, ts: date ?? clock() });
        }),
      );
    const p = puppet as unknown as { on(event: 'message', fn: () => void): void };
    if (!countedPuppets.has(p)) {
      countedPuppets.add(p);
      p.on('message', () => void unhandled++);
    }
  }

  const person = (c: { id: string; name(): string }) => ({ wechatId: c.id, name: c.name() });

  // Accepting a friend request is WeChat's to do: decisions recorded elsewhere (console,
  // /accept, auto-accept) are carried out here, once each, while logged in.
  let accepting = false;
  let acceptTimer: NodeJS.Timeout | undefined;
  async function acceptDecided() {
    if (accepting || !loggedIn || !isReady) return;
    accepting = true;
    try {
      for (const r of await takeAcceptances()) {
        try {
          const f = wechaty.Friendship.load(r.requestId);
          await f.ready();
          await f.accept();
          await markAccepted(r._id, true);
          log.info({ wechatId: r.wechatId }, 'friend request accepted');
        } catch (err) {
          await markAccepted(r._id, false, (err as Error).message);
          log.warn({ wechatId: r.wechatId, err: (err as Error).message }, 'friend request not accepted');
        }
      }
    } finally {
      accepting = false;
    }
  }
  async function roomEvent(e: RoomEvent) {
    let self: string | undefined;
    try {
      self = wechaty.currentUser.id;
    } catch {
      self = undefined; // not logged in (the event came from a replay)
    }
    await recordRoomEvent(e, self);
  }

  async function sayTo(to: ChatKey, what: string | FileBox): Promise<SendResult> {
    if (!loggedIn || !isReady) throw new Error('bot is not logged in and ready');
    const [kind, ...rest] = to.split(':');
    const id = rest.join(':');
    if (kind === 'room') {
      const room = await wechaty.Room.find({ id });
      if (!room) throw new Error(`room ${id} not found`);
      const sent = await room.say(what as string);
      return { puppetId: (sent as WechatyMessage | undefined)?.id };
    }
    if (kind === 'dm') {
      const contact = await wechaty.Contact.find({ id });
      if (!contact) throw new Error(`contact ${id} not found`);
      const sent = await contact.say(what as string);
      return { puppetId: (sent as WechatyMessage | undefined)?.id };
    }
    throw new Error(`bad chat key ${to}`);
  }

  const messenger: Messenger = {
    isReady: () => loggedIn && isReady,
    sendText: (to, text) => sayTo(to, text),
    // Reports go out as files (FileBox), through the same outbox and pacing as texts. Base64:
    // the puppet (service or mock) serialises the box, which a buffer-backed one cannot do.
    sendFile: (to, file) => sayTo(to, FileBox.fromBase64(file.data.toString('base64'), file.name)),
  };

  return {
    get wechaty() {
      return wechaty;
    },
    messenger,
    async start() {
      stopping = false;
      puppet ??= await puppetFromConfig(config);
      build();
      await event('start');
      await wechaty.start();
    },
    async stop() {
      stopping = true;
      isReady = false;
      loggedIn = false;
      clearInterval(acceptTimer);
      acceptTimer = undefined;
      await mirror.close();
      await Promise.race([wechaty?.stop(), new Promise((ok) => setTimeout(ok, 10_000).unref())]).catch(() => undefined);
      await event('stop');
    },
    ready() {
      if (isReady && loggedIn) return Promise.resolve();
      return new Promise((ok) => readyWaiters.push(ok));
    },
    pending: () => mirror.pending(),
    idle() {
      if (unhandled === 0) return Promise.resolve();
      return new Promise((ok) => idleWaiters.push(ok));
    },
  };
}
