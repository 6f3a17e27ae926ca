import { api, t, toastError, wxApi } from '../../lib/client';
import type { ClaimView } from '../../lib/api';

// One claim: what the buyer reports (in Chinese), and the answer: accept or dispute, with an
// explanation and photos (uploaded first, attached with the answer).
Component({
  data: { s: t(), id: '', claim: null as (ClaimView & { typeName: string; statusName: string }) | null, decision: '', text: '', photoIds: [] as string[], busy: false, error: '' },
  methods: {
    onLoad(query: { id: string }) {
      this.setData({ id: query.id });
      void this.load();
    },
    async load() {
      const s = t();
      try {
        const c = await api().claim(this.data.id);
        this.setData({ s, claim: { ...c, typeName: s.claimTypes[c.type] ?? c.type, statusName: s.claimStatuses[c.status] ?? c.status }, photoIds: c.supplierPhotos.map((p) => p.id) });
      } catch (err) {
        this.setData({ error: (err as Error).message });
        toastError(err);
      }
    },
    choose(e: { currentTarget: { dataset: { decision: string } } }) {
      this.setData({ decision: e.currentTarget.dataset.decision, error: '' });
    },
    setText(e: { detail: { value: string } }) {
      this.setData({ text: e.detail.value, error: '' });
    },
    async submit() {
      const d = this.data;
      if (d.busy || !d.decision) return;
      this.setData({ busy: true, error: '' });
      try {
        await api().answerClaim(d.id, { decision: d.decision as 'accept' | 'dispute', text: d.text || undefined, photoIds: d.photoIds.length ? d.photoIds : undefined });
        wxApi().showToast({ title: t().answered });
        await this.load();
      } catch (err) {
        this.setData({ error: (err as Error).message });
        toastError(err);
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});
