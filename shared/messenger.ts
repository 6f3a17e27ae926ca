// The port through which domain code sends into WeChat. The bot implements it (bot/); the
// notices outbox and manager commands use it; tests use the bot over wechaty-puppet-mock.

/** Where a text goes: a thread key (`dm:<contact wechat id>` or `room:<room id>`). */
export type ChatKey = string;

export interface SendResult {
  /** The puppet's id of the sent message, when the puppet reports one. */
  puppetId?: string;
}

export interface Messenger {
  /** True only after `login` and `ready`: nothing may be sent before. */
  isReady(): boolean;
  /** Send a text; rejects on failure (the caller retries with backoff). */
  sendText(to: ChatKey, text: string): Promise<SendResult>;
  /** Send a file (reports); optional for messengers that cannot. */
  sendFile?(to: ChatKey, file: { name: string; data: Buffer }): Promise<SendResult>;
}

export const dmKey = (contactWechatId: string): ChatKey => `dm:${contactWechatId}`;
export const roomKey = (roomId: string): ChatKey => `room:${roomId}`;
