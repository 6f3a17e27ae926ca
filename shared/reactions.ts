// What the process does when something happens: every reaction of one domain to another's
// writes, in one list. Called once by the composition root (scripts/start.ts) and by the test
// hooks (test/hooks.ts), with the configured settings; a process that does not call it keeps no
// KPIs and no price history — test/integration/events.test.ts proves both that it is needed and
// that imports alone wire nothing.
import type { Config } from './config/index.js';
import type { Events } from './events/index.js';
import * as facts from './facts/index.js';
import * as followup from './followup/index.js';
import * as kpis from './performance/index.js';
import * as prices from './prices/index.js';
import type { TranslationService } from './translation/index.js';
import { metrics } from './metrics/index.js';

export interface ReactionDeps {
  /**
   * The settings of the reactions (config.performance: resolution window and working hours of
   * the KPIs; config.prices: the price-jump alert), from the composition root.
   */
  settings: Pick<Config, 'performance' | 'prices'>;
  /**
   * Translate every message the mirror stores (processes with a translation service), and the
   * supplier's words (milestone reasons, customs reasons, claim answers) for the managers.
   */
  translation?: Pick<TranslationService, 'onMessageStored'> & Partial<Pick<TranslationService, 'translateText'>>;
  /** Read supplier messages for proposed order updates (shared/facts); on unless false (the facts bench compares). */
  facts?: boolean;
  /** The optional language model for messages the rules cannot read (FACTS_LLM=on). */
  factsModel?: facts.FactsModel;
}

/**
 * Register every reaction on `events`; returns the function that removes them again. Wiring a
 * bus twice would count every KPI twice, so it throws instead.
 */
export function wireReactions(events: Events, deps: ReactionDeps): () => void {
  if (events.listeners('order.written').includes('performance.onOrderWritten')) throw new Error('reactions are wired on this bus already');
  const { performance, prices: priceSettings } = deps.settings;
  const off = [
    // Supplier and manager KPIs follow orders and claims as they are written …
    events.on('order.written', (e) => kpis.onOrderWritten(e, performance), 'performance.onOrderWritten'),
    events.on('claim.written', kpis.onClaimWritten, 'performance.onClaimWritten'),
    // … and reply times as the mirror measures them (in the configured working hours).
    events.on('replies.timed', (e) => kpis.onRepliesTimed(e, performance), 'performance.onRepliesTimed'),
    events.on('mirror.flushed', kpis.onMirrorFlushed, 'performance.onMirrorFlushed'),
    // Price history follows the order lines (alerts on jumps beyond the configured percent).
    events.on('order.written', (e) => prices.onOrderWritten(e, priceSettings), 'prices.onOrderWritten'),
    // An import's orders, a batch at a time: the same reactions, done in bulk.
    events.on('orders.imported', (e) => kpis.onOrdersImported(e, performance), 'performance.onOrdersImported'),
    events.on('orders.imported', (e) => prices.onOrdersImported(e, priceSettings), 'prices.onOrdersImported'),
  ];
  const translation = deps.translation;
  const tr = translation?.translateText ? { translation: { translateText: translation.translateText.bind(translation) } } : {};
  // What a supplier changes in the mini-program, and its claim answers, reach the responsible
  // manager (batched per order and hour through the outbox; translated, original beside).
  off.push(events.on('order.written', (e) => followup.onOrderWritten(e, tr), 'followup.onOrderWritten'));
  off.push(events.on('claim.written', (e) => followup.onClaimWritten(e, tr), 'followup.onClaimWritten'));
  off.push(
    events.on(
      'orders.imported',
      async ({ written, now }) => {
        for (const w of written) if (w.before) await followup.onOrderWritten({ ...w, now }, tr); // new orders tell the supplier nothing
      },
      'followup.onOrdersImported',
    ),
  );
  if (translation) off.push(events.on('message.stored', ({ message, thread }) => translation.onMessageStored(message, thread), 'translation.onMessageStored'));
  // A supplier's chat reply to the pre-shipment question: recorded when the bot can place it, else left for the manager.
  off.push(events.on('message.stored', (e) => followup.onSupplierMessage(e, e.message.ts).then(() => undefined), 'followup.onSupplierMessage'));
  // What a supplier writes becomes proposed order updates for the responsible manager (never
  // blocking the mirror: the mirror does not await message.stored; the listener never throws).
  if (deps.facts !== false) {
    off.push(events.on('message.stored', (e) => facts.onMessageStored(e, undefined, deps.factsModel).then(() => undefined), 'facts.onMessageStored'));
    off.push(events.on('order.written', facts.onOrderWritten, 'facts.onOrderWritten'));
  }
  off.push(events.on('message.stored', () => metrics.messagesMirrored.inc(), 'metrics.messagesMirrored'));
  return () => off.forEach((remove) => remove());
}
