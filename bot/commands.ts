// Connects manager commands to the bot: a stored command message goes to the handler, and its
// reply goes back into the chat the command came from.
import type { CommandDeps, CommandOutcome } from '../shared/commands/index.js';
import { createCommandHandler } from '../shared/commands/index.js';
import { getLogger } from '../shared/log/index.js';
import { enqueueNotice } from '../shared/notices/index.js';
import type { Messenger } from '../shared/messenger.js';
import type { CommandContext } from './index.js';

const log = getLogger('bot.commands');

export function commandListener(deps: Omit<CommandDeps, 'sendToChat'> & { messenger: () => Messenger }) {
  const clock = deps.clock ?? (() => new Date());
  // Texts for suppliers go through the outbox (paced, retried, visible); the reply to the
  // manager goes straight back into the chat the command came from.
  const handle = createCommandHandler({
    ...deps,
    sendToChat: async (to, text, key) => {
      await enqueueNotice({ key, kind: 'message', to, recipient: { kind: 'supplier', timezone: 'Asia/Shanghai' }, text }, clock());
    },
  });
  return async (ctx: CommandContext): Promise<CommandOutcome> => {
    const out = await handle({ message: ctx.message, chatKind: ctx.inbound.chat?.kind });
    if (out.reply) {
      await deps
        .messenger()
        .sendText(ctx.chatKey, out.reply)
        .catch((err) => log.error({ err: (err as Error).message, chat: ctx.chatKey }, 'command reply not sent'));
    }
    return out;
  };
}
