import { expect } from 'chai';
import { ValidationError } from '../../shared/errors/index.js';
import {
  Supplier,
  allocateCode,
  assertFairLetter,
  checkDuplicates,
  createSupplier,
  earliest,
  findSupplierByCode,
  formatTag,
  isValidCode,
  mergeSuppliers,
  normaliseCode,
} from '../../shared/suppliers/index.js';
import { Contact, Thread } from '../../shared/threads/index.js';

describe('suppliers: codes', () => {
  it('numbers trade-fair cards per letter and never uses I or O', async () => {
    expect(await allocateCode('a')).to.equal('A01');
    expect(await allocateCode('A')).to.equal('A02');
    expect(await allocateCode('D')).to.equal('D01');
    expect(() => assertFairLetter('I')).to.throw(ValidationError, /I and O/);
    expect(() => assertFairLetter('o')).to.throw(ValidationError);
    expect(isValidCode('I01')).to.equal(false);
    expect(isValidCode('O12')).to.equal(false);
    expect(isValidCode('D12')).to.equal(true);
  });

  it('numbers other suppliers 001, 002, …', async () => {
    const a = await createSupplier({ name: '宁波工厂' });
    const b = await createSupplier({ name: '义乌工厂' });
    expect([a.code, b.code]).to.deep.equal(['001', '002']);
  });

  it('reads a typed code case-insensitively, with or without the abbreviation', () => {
    expect(normaliseCode(' d12 augi ')).to.equal('D12');
    expect(formatTag('au', 'gi')).to.equal('AUGI');
    expect(() => formatTag('AUS', 'GI')).to.throw(ValidationError);
  });

  it('takes a code given by hand once, and the sequence moves past it', async () => {
    const d5 = await createSupplier({ name: 'fair card five', code: 'd05' });
    expect([d5.code, d5.fairLetter]).to.deep.equal(['D05', 'D']);
    expect((await createSupplier({ name: 'next', fairLetter: 'D' })).code).to.equal('D06');
    let err: unknown;
    await createSupplier({ name: 'again', code: 'D05' }).catch((e) => (err = e));
    expect(String(err)).to.match(/the code D05 is taken/);
    await createSupplier({ name: 'bad', code: 'I05' }).catch((e) => (err = e));
    expect(String(err)).to.match(/I is never used/);
  });

  it('skips a code taken by hand instead of failing', async () => {
    await Supplier.create({ code: 'B01', name: 'imported' });
    const s = await createSupplier({ name: 'new one', fairLetter: 'B' });
    expect(s.code).to.equal('B02');
  });
});

describe('suppliers: duplicates and merge', () => {
  it('links a known WeChat id, flags a phone or name + company match as possible', async () => {
    const a = await createSupplier({ name: '奥吉电器', wechatIds: ['wx-wang'], phones: ['+86 138-0574-0001'] });
    expect((await checkDuplicates({ wechatId: 'wx-wang', name: '王' })).same?.code).to.equal(a.code);

    const byPhone = await checkDuplicates({ wechatId: 'wx-new', name: '王经理', phone: '13805740001' });
    expect(byPhone.same).to.equal(undefined);
    expect(byPhone.possible.map((s) => s.code)).to.deep.equal([a.code]);

    await Contact.create({ wechatId: 'wx-li', name: '李娜', company: '奥吉电器有限公司', supplierId: a._id });
    const byName = await checkDuplicates({ wechatId: 'wx-li2', name: '李娜', company: ' 奥吉电器有限公司 ' });
    expect(byName.possible.map((s) => s.code)).to.deep.equal([a.code]);

    expect((await checkDuplicates({ wechatId: 'wx-other', name: '张三', phone: '13900000000' })).possible).to.deep.equal([]);
  });

  it('merges two suppliers keeping the earliest code, moving contacts and threads', async () => {
    const early = await createSupplier({ name: 'Early', fairLetter: 'D' });
    await new Promise((ok) => setTimeout(ok, 5));
    const late = await createSupplier({ name: 'Late', phones: ['13900000001'] });
    await Contact.create({ wechatId: 'c1', name: 'c1', supplierId: late._id });
    await Thread.create({ key: 'dm:c1', kind: 'dm', supplierId: late._id });
    const kept = await mergeSuppliers(early._id, late._id, 'test', new Date());
    expect(kept.code).to.equal(early.code);
    expect(kept.survivor.phones).to.include('13900000001');
    expect(String((await Supplier.findOne({ _id: late._id }).lean())!.mergedInto)).to.equal(String(early._id));
    expect(String((await Contact.findOne({ wechatId: 'c1' }).lean())!.supplierId)).to.equal(String(early._id));
    expect(String((await Thread.findOne({ key: 'dm:c1' }).lean())!.supplierId)).to.equal(String(early._id));
    // Re-running the same merge finishes it (nothing left to move), it does not fail.
    expect((await mergeSuppliers(early._id, late._id, 'test', new Date())).code).to.equal(early.code);
    expect((await findSupplierByCode(late.code))!.code).to.equal(early.code);
    expect(earliest({ code: 'B', createdAt: new Date(1) }, { code: 'A', createdAt: new Date(2) }).code).to.equal('B');
  });
});

describe('suppliers: the profile and the duplicate check on create and edit', () => {
  it('finds possible duplicates by tax id, e-mail, phone, WeChat id and legal name, with reasons', async () => {
    const { findPossibleDuplicates } = await import('../../shared/suppliers/index.js');
    const a = await createSupplier({
      name: '奥吉电器',
      legalName: '宁波奥吉电器有限公司',
      taxId: '91330200 mA2AB1234X',
      emails: ['Sales@AUGI.cn'],
      phones: ['+86 138-0574-0001'],
      wechatIds: ['wx-a'],
    });
    const dups = await findPossibleDuplicates({
      name: 'AUGI Electric',
      taxId: '91330200MA2AB1234X',
      emails: ['sales@augi.cn'],
      phones: ['13805740001'],
      wechatIds: ['wx-a'],
      legalName: '宁波奥吉电器有限公司',
    });
    expect(dups).to.have.length(1);
    expect(dups[0]!.supplier.code).to.equal(a.code);
    expect(dups[0]!.reasons).to.deep.equal(['same tax id', 'same e-mail sales@augi.cn', 'same phone 13805740001', 'same WeChat id', 'same legal name']);
    expect(await findPossibleDuplicates({ name: '奥吉电器' }, a._id)).to.deep.equal([]); // itself is not a duplicate
    expect(await findPossibleDuplicates({ name: 'Someone else', emails: ['x@y.cn'] })).to.deep.equal([]);
  });

  it('edits the profile with checks, records a segment change, and shows duplicates the edit reveals', async () => {
    const { updateSupplier } = await import('../../shared/suppliers/index.js');
    const { Manager } = await import('../../shared/managers/model.js');
    const { SegmentChange } = await import('../../shared/performance/index.js');
    const olga = await Manager.create({ name: 'Olga' });
    const gone = await Manager.create({ name: 'Gone', active: false });
    const a = await createSupplier({ name: '奥吉电器', taxId: '91330200MA2AB1234X' });
    const b = await createSupplier({ name: 'AUGI' });
    let err: unknown;
    await updateSupplier(b.code, { emails: ['not-an-email'], timezone: 'Mars/Base', managerId: String(gone._id), name: ' ' }, 'test', new Date()).catch((e) => (err = e));
    expect(err).to.be.instanceOf(ValidationError);
    expect((err as ValidationError).details).to.deep.equal([
      { field: 'name', message: 'required' },
      { field: 'emails', message: 'not an e-mail: not-an-email' },
      { field: 'timezone', message: 'not a time zone (e.g. Asia/Shanghai)' },
      { field: 'managerId', message: 'no such active manager' },
    ]);
    expect((await Supplier.findOne({ _id: b._id }).lean())!.emails).to.deep.equal([]); // nothing changed
    const r = await updateSupplier(
      `${b.code}`,
      { taxId: '91330200-MA2AB1234X', province: 'Zhejiang', categories: ['motors', 'motors', 'fans'], managerId: String(olga._id), segment: 'strategic', language: 'en' },
      'manager:x',
      new Date(),
    );
    expect(r.supplier.taxId).to.equal('91330200MA2AB1234X');
    expect(r.supplier.categories).to.deep.equal(['motors', 'fans']);
    expect(String(r.supplier.managerId)).to.equal(String(olga._id));
    expect(r.supplier.segment).to.equal('strategic');
    expect(await SegmentChange.countDocuments({ supplierId: b._id, by: 'manager:x' })).to.equal(1);
    expect(r.possibleDuplicates.map((d) => [d.supplier.code, d.reasons])).to.deep.equal([[a.code, ['same tax id']]]);
  });
});

describe('suppliers: country + abbreviation once orders exist', () => {
  it('refuses before the first order, then shows D12 AUGI and still matches D12', async () => {
    const { setSupplierTag, displayCode, findSupplierByCode } = await import('../../shared/suppliers/index.js');
    const { makeOrder } = await import('../support/api.js');
    await Supplier.create({ code: 'D12', name: '奥吉' });
    let err: unknown;
    await setSupplierTag('d12', 'AU', 'GI').catch((e) => (err = e));
    expect(String(err)).to.match(/no orders yet/);
    await makeOrder('D12');
    const tagged = await setSupplierTag('d12', 'au', 'gi');
    expect(displayCode(tagged)).to.equal('D12 AUGI');
    expect((await findSupplierByCode('D12 AUGI'))!.tag).to.equal('AUGI');
  });
});
