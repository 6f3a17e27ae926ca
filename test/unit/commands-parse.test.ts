import { expect } from 'chai';
import { parseCommand, parseDate, isCommandText, isLinkCommand } from '../../shared/commands/parse.js';

const today = new Date('2026-11-24T08:00:00Z');
const ok = (text: string) => {
  const r = parseCommand(text, today);
  if (!r.ok) throw new Error(`expected ${text} to parse: ${JSON.stringify(r)}`);
  return r.command;
};
const bad = (text: string) => {
  const r = parseCommand(text, today);
  expect(r.ok, text).to.equal(false);
  return r as { ok: false; error?: string; usage?: string; notCommand?: true };
};

describe('commands: parsing what managers type', () => {
  it('accepts the ASCII and the full-width slash', () => {
    expect(ok('/po PO-2026-001')).to.deep.equal({ name: 'po', po: 'PO-2026-001' });
    expect(ok('／po PO-2026-001')).to.deep.equal({ name: 'po', po: 'PO-2026-001' });
    expect(ok('  /HELP')).to.deep.equal({ name: 'help', topic: undefined });
  });

  it('does not treat ordinary text or paths as commands', () => {
    expect(isCommandText('好的，明天发货')).to.equal(false);
    expect(isCommandText('/ 123')).to.equal(false);
    expect(bad('hello').notCommand).to.equal(true);
  });

  it('parses milestones by name and alias, and dates in several spellings', () => {
    expect(ok('/done PO1 qc 2026/11/20')).to.deep.equal({ name: 'done', po: 'PO1', milestone: 'inspection', date: '2026-11-20' });
    expect(ok('/done PO1 shipped')).to.deep.equal({ name: 'done', po: 'PO1', milestone: 'shipped', date: undefined });
    expect(ok('/plan PO1 production_done 12-05')).to.deep.equal({ name: 'plan', po: 'PO1', milestone: 'production_done', date: '2026-12-05' });
  });

  it('rejects impossible dates and unknown milestones with usage help', () => {
    const r1 = bad('/plan PO1 shipped 2026-02-30');
    expect(r1.error).to.match(/not a date/);
    expect(r1.usage).to.match(/^\/plan/);
    expect(bad('/done PO1 painting').error).to.match(/unknown milestone/);
    expect(bad('/plan PO1 shipped').error).to.match(/required/);
  });

  it('parses customs with optional days and a free reason', () => {
    expect(ok('/customs PO7 hold 5 海关查验 inspection')).to.deep.equal({ name: 'customs', po: 'PO7', action: 'hold', days: 5, reason: '海关查验 inspection' });
    expect(ok('/customs PO7 clear')).to.deep.equal({ name: 'customs', po: 'PO7', action: 'clear', days: undefined, reason: undefined });
    expect(bad('/customs PO7 maybe').usage).to.match(/hold\|clear/);
  });

  it('keeps the text of /reply and /tr as typed', () => {
    expect(ok('/reply d12 Please confirm  the date, PO-7 is late')).to.deep.equal({ name: 'reply', code: 'D12', text: 'Please confirm  the date, PO-7 is late' });
    expect(ok('/tr 大货什么时候出货？')).to.deep.equal({ name: 'tr', text: '大货什么时候出货？' });
    expect(bad('/reply D12').error).to.match(/required/);
  });

  it('bounds /thread n and checks /segment values', () => {
    expect(ok('/thread a01')).to.deep.equal({ name: 'thread', code: 'A01', n: 10 });
    expect(ok('/thread A01 25')).to.deep.equal({ name: 'thread', code: 'A01', n: 25 });
    expect(bad('/thread A01 500').error).to.match(/1 to 50/);
    expect(ok('/segment a01 strategic')).to.deep.equal({ name: 'segment', code: 'A01', segment: 'strategic' });
    expect(bad('/segment a01 vip').error).to.match(/strategic/);
  });

  it('names an unknown command and points to help', () => {
    const r = bad('/launch rockets');
    expect(r.error).to.match(/unknown command \/launch/);
    expect(r.usage).to.equal('/help [command]');
  });

  it('parseDate refuses years far out of range', () => {
    expect(parseDate('1999-01-01', today)).to.equal(undefined);
    expect(parseDate('2027-1-5', today)).to.equal('2027-01-05');
  });

  it('/link takes six digits (spaces allowed); /link is recognised before anything else', () => {
    expect(ok('/link 482913')).to.deep.equal({ name: 'link', code: '482913' });
    expect(ok('／link 482 913')).to.deep.equal({ name: 'link', code: '482913' });
    expect(bad('/link 4829').error).to.match(/six-digit/);
    expect(isLinkCommand(' /LINK 1')).to.equal(true);
    expect(isLinkCommand('/linked')).to.equal(false);
  });

  it('/sort: a name with spaces, then supplier [code|letter], contact <code> [role], colleague or ignore', () => {
    expect(ok('/sort 王经理 supplier')).to.deep.equal({ name: 'sort', who: '王经理', decision: { kind: 'supplier' } });
    expect(ok('/sort Anna (buyer) supplier d12')).to.deep.equal({ name: 'sort', who: 'Anna (buyer)', decision: { kind: 'supplier', code: 'D12' } });
    expect(ok('/sort 王经理 supplier d')).to.deep.equal({ name: 'sort', who: '王经理', decision: { kind: 'supplier', fairLetter: 'D' } });
    expect(ok('/sort 李小姐 contact d12 augi forwarder')).to.deep.equal({ name: 'sort', who: '李小姐', decision: { kind: 'contact', supplier: 'D12 AUGI', role: 'forwarder' } });
    expect(ok('/sort 李小姐 contact 001')).to.deep.equal({ name: 'sort', who: '李小姐', decision: { kind: 'contact', supplier: '001' } });
    expect(ok('/sort 陈工 QC ignore')).to.deep.equal({ name: 'sort', who: '陈工 QC', decision: { kind: 'ignore' } });
    expect(bad('/sort 王经理').error).to.match(/supplier, contact, colleague or ignore/);
    expect(bad('/sort 王经理 contact').error).to.match(/code of the supplier/);
  });

  it('a code may carry its tag: /thread D12 AUGI 5, /segment d12 augi problem, /kpi D12 AUGI 2026-11', () => {
    expect(ok('/thread D12 AUGI 5')).to.deep.equal({ name: 'thread', code: 'D12 AUGI', n: 5 });
    expect(ok('/thread D12 5')).to.deep.equal({ name: 'thread', code: 'D12', n: 5 });
    expect(ok('/segment d12 augi problem')).to.deep.equal({ name: 'segment', code: 'D12 AUGI', segment: 'problem' });
    expect(ok('/segment d12 problem')).to.deep.equal({ name: 'segment', code: 'D12', segment: 'problem' });
    expect(ok('/kpi D12 AUGI 2026-11')).to.deep.equal({ name: 'kpi', code: 'D12 AUGI', period: '2026-11' });
    expect(ok('/orders d12 augi')).to.deep.equal({ name: 'orders', code: 'D12 AUGI' });
    // /reply keeps the text as typed: the tag is taken off once the supplier's tag is known.
    expect(ok('/reply D12 AUGI 请确认交期')).to.deep.equal({ name: 'reply', code: 'D12', text: 'AUGI 请确认交期' });
  });

  it('/accept lists or takes a number; /decline takes a number', () => {
    expect(ok('/accept')).to.deep.equal({ name: 'accept' });
    expect(ok('/accept 2')).to.deep.equal({ name: 'accept', n: 2 });
    expect(ok('/decline 1')).to.deep.equal({ name: 'decline', n: 1 });
    expect(bad('/decline').error).to.match(/number/);
  });
});
