import { expect } from 'chai';
import { protect, restore, detectLang } from '../../shared/translation/index.js';
import { chunkText, normalise } from '../../shared/translation/index.js';

describe('translation: protected terms and detection', () => {
  const cases: [string, string[]][] = [
    ['PO-2026-001 的大货预计12月5日完成', ['PO-2026-001', '12月5日']],
    ['共500pcs，单价USD 3.50，40HQ 一个柜', ['500pcs', 'USD 3.50', '40HQ']],
    ['D12 AUGI 报价 ¥12,000，型号 ABC-123X', ['D12 AUGI', '¥12,000', 'ABC-123X']],
    ['见 https://example.cn/spec?id=7 或发邮件 qc@factory.cn', ['https://example.cn/spec?id=7', 'qc@factory.cn']],
    ['交期 2026-12-05 👍', ['2026-12-05', '👍']],
    ['Отгрузка 20 шт. по 15 кг', ['20 шт.', '15 кг']],
    ['literal [3] stays', ['[3]']],
  ];
  for (const [text, terms] of cases) {
    it(`keeps ${terms.join(', ')} out of the provider's hands and puts them back`, () => {
      const m = protect(text);
      expect(m.terms).to.deep.equal(terms);
      for (const t of terms) expect(m.text).not.to.include(t);
      expect(restore(m.text, m.terms)).to.deep.equal({ ok: true, text });
    });
  }

  it('rejects a result with a missing, doubled or unknown placeholder', () => {
    const m = protect('PO-7 交期 2026-12-05');
    expect(restore('PO shipped', m.terms).ok).to.equal(false);
    expect(restore('[0] [0] [1]', m.terms).ok).to.equal(false);
    expect(restore('[0] [1] [2]', m.terms).ok).to.equal(false);
    expect(restore('[1] due [0]', m.terms)).to.deep.equal({ ok: true, text: '2026-12-05 due PO-7' });
  });

  it('detects Chinese, English, Russian, other; nothing for emoji or numbers only', () => {
    expect(detectLang('大货什么时候出货？')).to.equal('zh');
    expect(detectLang('PO-7788 的 shipment date 确认了吗')).to.equal('zh'); // mixed: Chinese carries it
    expect(detectLang('Please confirm the shipment date')).to.equal('en');
    expect(detectLang('ok')).to.equal('en');
    expect(detectLang('Пожалуйста, подтвердите дату')).to.equal('ru');
    expect(detectLang('Bitte bestätigen Sie das Lieferdatum für die Bestellung')).to.equal('other');
    expect(detectLang('👍👍')).to.equal(undefined);
    expect(detectLang('12345 2026-11-24')).to.equal(undefined);
    expect(detectLang('')).to.equal(undefined);
  });

  it('chunks long text at sentence ends under the limit, losing nothing', () => {
    const text = Array.from({ length: 300 }, (_, i) => `第${i}句话说明生产进度。`).join('');
    const chunks = chunkText(text, 1999);
    expect(chunks.length).to.be.greaterThan(1);
    expect(chunks.every((c) => c.length <= 1999)).to.equal(true);
    expect(chunks.join('')).to.equal(text);
    expect(chunks[0]!.endsWith('。')).to.equal(true);
  });

  it('normalises for memory: spacing, case and end punctuation', () => {
    expect(normalise('  Please   Confirm. ')).to.equal(normalise('please confirm'));
    expect(normalise('好的。')).to.equal(normalise('好的'));
    expect(normalise('好的')).not.to.equal(normalise('好'));
  });
});
