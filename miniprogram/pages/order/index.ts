import { api, t, toastError, wxApi } from '../../lib/client';
import { newIdempotencyKey, type OrderDetail } from '../../lib/api';

Component({
  data: {
    s: t(),
    id: '',
    order: null as (OrderDetail & { askReady: boolean; rows: { name: string; label: string; planned: string; actual: string; done: boolean; late: boolean }[] }) | null,
    failed: false,
  },
  methods: {
    onLoad(query: { id: string }) {
      this.setData({ id: query.id });
      void this.load();
    },
    onShow() {
      if (this.data.id) void this.load();
    },
    async load() {
      const s = t();
      try {
        const o = await api().order(this.data.id);
        const today = new Date().toISOString().slice(0, 10);
        const rows = o.milestones.map((m) => ({
          name: m.name,
          label: s.milestones[m.name] ?? m.name,
          planned: m.planned ?? '—',
          actual: m.actual ?? '',
          done: m.status === 'done',
          late: m.status !== 'done' && Boolean(m.planned && m.planned < today),
        }));
        this.setData({ s, order: { ...o, rows, askReady: Boolean(o.readiness?.asked && !o.readiness.answer) }, failed: false });
      } catch (err) {
        this.setData({ failed: true });
        toastError(err);
      }
    },
    edit(e: { currentTarget: { dataset: { name: string } } }) {
      wxApi().navigateTo({ url: `/pages/milestone/index?id=${this.data.id}&name=${e.currentTarget.dataset.name}` });
    },
    /** The pre-shipment check: "ready" answers at once; "not ready" moves the shipment date (the buyer is told both). */
    async ready() {
      try {
        await api().answerReadiness(this.data.id, { ready: true }, newIdempotencyKey());
        wxApi().showToast({ title: t().readyThanks });
        await this.load();
      } catch (err) {
        toastError(err);
      }
    },
    notReady() {
      wxApi().navigateTo({ url: `/pages/milestone/index?id=${this.data.id}&name=shipped` });
    },
    customs() {
      wxApi().navigateTo({ url: `/pages/customs/index?id=${this.data.id}` });
    },
  },
});
