// Chat to facts: what suppliers say in WeChat becomes proposed order updates. The door of the
// domain; see CONTEXT.md.
export { CARRIERS, CARRIER_LINKS, containerCheckDigit, factKey, recognize, type Carrier, type Fact, type Recognized, type Stage } from './recognize.js';
export { findDates, localDay } from './dates.js';
export { FactoryClosure, Proposal, ProposalCounter, ThreadFocus, PROPOSAL_STATUSES, type ProposalDoc } from './model.js';
export {
  closureFlags,
  closureOn,
  decideById,
  decideByNumber,
  factsIdle,
  factsOfOrder,
  modelFacts,
  onMessageStored,
  onOrderWritten,
  proposalsOfThread,
  storeProposals,
  viewOf,
  type Decision,
  type DecisionResult,
  type OrderFacts,
  type ProposalView,
} from './proposals.js';
export { createFactsModel, type FactsModel, type FactsModelConfig, type ModelFact } from './llm.js';
export { factLine, proposalsForManager, type FactLang } from './texts.js';
