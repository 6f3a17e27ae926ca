// Chat to facts: what suppliers say in WeChat becomes proposed order updates. The door of the
// domain; see CONTEXT.md.
export { CARRIERS, CARRIER_LINKS, containerCheckDigit, factKey, recognize, type Carrier, type Fact, type Recognized, type Stage } from './recognize.js';
export { findDates, localDay } from './dates.js';
