// A Messenger that is always ready and records what it was asked to send, for tests of the
// delivery worker and the scheduler's notices.
import type { Messenger } from '../../shared/messenger.js';

export type RecordingMessenger = Messenger & { sent: { to: string; text: string }[] };

export function recordingMessenger(): RecordingMessenger {
  const sent: { to: string; text: string }[] = [];
  return {
    sent,
    isReady: () => true,
    async sendText(to, text) {
      sent.push({ to, text });
      return {};
    },
  };
}
