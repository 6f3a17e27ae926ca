// The chat-to-facts recognizers over the labeled messages (test/fixtures/chat-facts.tsv) and
// the rules that bad input must keep: no exception, no fact from an impossible date.
import { expect } from 'chai';
import { containerCheckDigit, factKey, findDates, recognize } from '../../shared/facts/index.js';
import { loadLabels, scoreLabels } from '../support/chat-facts.js';

const at = new Date('2026-11-29T06:00:00Z'); // Sunday 14:00 in Shanghai
const keys = (text: string, when = at, tz = 'Asia/Shanghai') => recognize(text, when, tz).facts.map(factKey);

describe('facts: recognizers', () => {
  it('score precision >= 0.95 and recall >= 0.8 on the labeled set of at least 150 messages', () => {
    const rows = loadLabels();
    expect(rows.length).to.be.at.least(150);
    expect(rows.filter((r) => !r.expected.length).length, 'negatives').to.be.at.least(30);
    const s = scoreLabels(rows);
    expect(s.precision, JSON.stringify(s.misses.slice(0, 5))).to.be.at.least(0.95);
    expect(s.recall, JSON.stringify(s.misses.slice(0, 5))).to.be.at.least(0.8);
  });

  it('cost well under a millisecond a message', () => {
    const rows = loadLabels();
    recognize(rows[0]!.text, rows[0]!.at, rows[0]!.tz); // warm
    const t0 = performance.now();
    for (let r = 0; r < 5; r++) for (const l of rows) recognize(l.text, l.at, l.tz);
    expect((performance.now() - t0) / (5 * rows.length)).to.be.below(1);
  });

  it('resolves relative dates in the supplier zone at the message time', () => {
    const lateUtc = new Date('2026-11-29T17:00:00Z'); // Monday 01:00 in Shanghai, still Sunday in Moscow
    expect(keys('明天出货', lateUtc, 'Asia/Shanghai')).to.deep.equal(['date:shipped:plan:2026-12-01']);
    expect(keys('明天出货', lateUtc, 'Europe/Moscow')).to.deep.equal(['date:shipped:plan:2026-11-30']);
    expect(keys('下周三装柜')).to.deep.equal(['date:shipped:plan:2026-12-02']);
    expect(keys('月底出货', new Date('2026-12-10T06:00:00Z'))).to.deep.equal(['date:shipped:plan:2026-12-31']);
    expect(findDates('三天后', at, 'Asia/Shanghai')[0]!.day).to.equal('2026-12-02');
    expect(findDates('春节后', new Date('2026-01-10T06:00:00Z'), 'Asia/Shanghai')[0]!.day).to.equal('2026-02-24'); // the official 2026 schedule: 2.15–2.23 off
  });

  it('a modal 了 (才能出货了, 可以发货了) is a plan, not a completion; 已经发货了 and 出货了 are done', () => {
    expect(keys('那批货要等圣诞节之后才能出货了')).to.deep.equal([]);
    expect(keys('这个月底可以发货了')).to.deep.equal(['date:shipped:plan:2026-11-30']);
    expect(keys('昨天已经发货了')).to.deep.equal(['date:shipped:done:2026-11-29']);
    expect(keys('出货了')).to.deep.equal(['date:shipped:done:2026-11-29']);
  });

  it('bad input: impossible dates, full-width digits, emoji, very long texts, garbage — never a throw', () => {
    expect(keys('出货时间改到2月30日')).to.deep.equal([]);
    expect(keys('出货时间改到１２月２０日')).to.deep.equal(['date:shipped:change:2026-12-20']);
    expect(keys('🚢出货时间改到12月20日🎉')).to.deep.equal(['date:shipped:change:2026-12-20']);
    expect(() => recognize('出货'.repeat(100_000), at)).not.to.throw();
    expect(recognize(undefined as never, at).facts).to.deep.equal([]);
    expect(recognize('出货改到明天', new Date('nope')).facts).to.deep.equal([]);
    expect(() => recognize('\u0000\ud800出货12月', at, 'Not/AZone')).not.to.throw();
  });

  it('container numbers carry the ISO 6346 check digit; a wrong one is proposed only with a cue, marked uncertain', () => {
    expect(containerCheckDigit('CSQU305438')).to.equal(3);
    expect(keys('CSQU3054383 已经开船')).to.include('container:CSQU3054383');
    expect(keys('ABCU1234560')).to.deep.equal(['container:ABCU1234560']); // right digit, no cue needed
    expect(keys('ABCU1234561')).to.deep.equal([]); // no cue, wrong digit: not a container
    const f = recognize('柜号 MSKU1234567', at).facts[0]!;
    expect(f).to.deep.include({ kind: 'container', number: 'MSKU1234567', uncertain: 'check digit does not match' });
  });

  it('names the PO numbers a message mentions (linking happens per supplier)', () => {
    expect(recognize('PO-2026-0148 验货安排在周五', at).pos).to.deep.equal(['2026-0148']);
  });
});
