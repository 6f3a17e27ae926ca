import { api, t, toastError, wxApi } from '../../lib/client';
import type { ClaimView } from '../../lib/api';

// The supplier's claims: newest first; the ones waiting for an answer on top.
Component({
  data: { s: t(), items: [] as (ClaimView & { typeName: string; statusName: string; waiting: boolean })[], loading: false, failed: false },
  methods: {
    onLoad() {
      void this.load();
    },
    onShow() {
      void this.load();
    },
    async load() {
      const s = t();
      this.setData({ s, loading: true, failed: false });
      try {
        const res = await api().claims();
        const items = res.items
          .map((c) => ({ ...c, typeName: s.claimTypes[c.type] ?? c.type, statusName: s.claimStatuses[c.status] ?? c.status, waiting: c.status === 'sent' }))
          .sort((a, b) => Number(b.waiting) - Number(a.waiting));
        this.setData({ items, loading: false });
      } catch (err) {
        this.setData({ loading: false, failed: true });
        toastError(err);
      }
    },
    open(e: { currentTarget: { dataset: { id: string } } }) {
      wxApi().navigateTo({ url: `/pages/claim/index?id=${e.currentTarget.dataset.id}` });
    },
  },
});
