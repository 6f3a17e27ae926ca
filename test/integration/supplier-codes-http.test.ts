// Supplier codes over HTTP: a route that names a supplier takes every form a person types
// (plain, tagged `D12 AUGI`, `d12-augi`, a former code of a merged supplier) through
// supplierFor → resolveSupplierCode, and still answers "not found" to a caller who may not see it.
import { expect } from 'chai';
import request from 'supertest';
import { clearAuthCaches } from '../../shared/auth/index.js';
import { Supplier, createSupplier, mergeSuppliers, setSupplierTag } from '../../shared/suppliers/index.js';
import { createApp } from '../../server/app.js';
import { makeManager, makeOrder, testConfig } from '../support/api.js';

describe('API: supplier codes in any accepted form', function () {
  this.timeout(30_000);

  it('tagged and former codes resolve over HTTP; visibility still decides', async () => {
    const config = testConfig();
    const agent = request(createApp({ config }).callback());
    clearAuthCaches();
    const { manager: owner, token: ownerToken } = await makeManager(config, { name: 'Olga', seesAll: false });
    const { token: otherToken } = await makeManager(config, { name: 'Ivan', seesAll: false });
    const { token: headToken } = await makeManager(config, { name: 'Head', role: 'head', seesAll: false });
    const early = await createSupplier({ name: '奥吉电器', fairLetter: 'D', managerId: String(owner._id) });
    const late = await createSupplier({ name: '奥吉电器 (重复)', fairLetter: 'D' });
    await makeOrder(early.code, { number: 'PO-CODES-1' });
    await setSupplierTag(early.code, 'AU', 'GI');
    await mergeSuppliers(early.code, late.code, 'test', new Date());
    expect((await Supplier.findOne({ _id: early._id }).lean())!.formerCodes).to.include(late.code);

    const get = (path: string, token: string) => agent.get(path).set('Authorization', `Bearer ${token}`);
    for (const code of [early.code, `${early.code} AUGI`, `${early.code.toLowerCase()}-augi`, `${early.code}AUGI`, late.code]) {
      const r = await get(`/api/suppliers/${encodeURIComponent(code)}`, ownerToken).expect(200);
      expect(r.body.code, code).to.equal(early.code);
      const orders = await get(`/api/orders?supplier=${encodeURIComponent(code)}`, ownerToken).expect(200);
      expect(
        orders.body.items.map((o: { number: string }) => o.number),
        code,
      ).to.deep.equal(['PO-CODES-1']);
      // Another scoped manager does not learn that it exists; the head of purchasing sees all.
      const hidden = await get(`/api/suppliers/${encodeURIComponent(code)}`, otherToken).expect(404);
      expect(hidden.body.error.code).to.equal('not_found');
      await get(`/api/orders?supplier=${encodeURIComponent(code)}`, otherToken).expect(404);
      await get(`/api/suppliers/${encodeURIComponent(code)}`, headToken).expect(200);
    }
    await get('/api/suppliers/Z99', ownerToken).expect(404);
  });
});
