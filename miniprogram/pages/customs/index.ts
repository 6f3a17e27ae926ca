import { api, t, toastError, wxApi } from '../../lib/client';
import { newIdempotencyKey } from '../../lib/api';

Component({
  data: { s: t(), id: '', status: 'held' as 'held' | 'cleared', reason: '', expectedDate: '', busy: false, error: '', key: '' },
  methods: {
    onLoad(query: { id: string }) {
      this.setData({ s: t(), id: query.id, key: newIdempotencyKey() });
    },
    setField(e: { currentTarget: { dataset: { field: string } }; detail: { value: string } }) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value, error: '' });
    },
    async save() {
      if (this.data.busy) return;
      const d = this.data;
      this.setData({ busy: true, error: '' });
      try {
        await api().reportCustoms(d.id, { status: d.status, reason: d.reason || undefined, expectedDate: d.expectedDate || undefined }, d.key);
        (wxApi() as unknown as { navigateBack: () => void }).navigateBack();
      } catch (err) {
        this.setData({ error: (err as Error).message });
        toastError(err);
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});
