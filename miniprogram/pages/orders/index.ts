import { api, lang, t, toastError, wxApi } from '../../lib/client';
import { fill } from '../../lib/i18n';
import type { OrderSummary } from '../../lib/api';

// Pages are written with Component() (allowed for pages), which also makes them testable.
Component({
  data: { s: t(), items: [] as (OrderSummary & { nextName: string; lateText: string })[], loading: false, failed: false, hasMore: false, page: 1 },
  methods: {
    onLoad() {
      void this.load(1);
    },
    onPullDownRefresh() {
      void this.load(1);
    },
    async load(page: number) {
      const s = t();
      this.setData({ s, loading: true, failed: false });
      try {
        const res = await api().orders(page);
        const items = res.items.map((o) => ({
          ...o,
          nextName: o.next ? (s.milestones[o.next.milestone] ?? o.next.milestone) : '',
          lateText: o.overdue ? fill(s.daysLate, { n: o.daysLate }) : '',
        }));
        this.setData({ items: page === 1 ? items : [...this.data.items, ...items], hasMore: res.hasMore, page, loading: false });
      } catch (err) {
        this.setData({ loading: false, failed: true });
        if ((err as { status?: number }).status === 403) {
          wxApi().redirectTo({ url: '/pages/login/index' }); // not bound to a supplier yet
          return;
        }
        toastError(err);
      }
    },
    more() {
      if (this.data.hasMore) void this.load(this.data.page + 1);
    },
    open(e: { currentTarget: { dataset: { id: string } } }) {
      wxApi().navigateTo({ url: `/pages/order/index?id=${e.currentTarget.dataset.id}` });
    },
    openClaims() {
      wxApi().navigateTo({ url: '/pages/claims/index' });
    },
    toggleLang() {
      wxApi().setStorageSync('gendan.lang', lang() === 'en' ? 'zh' : 'en');
      void this.load(1);
    },
  },
});
