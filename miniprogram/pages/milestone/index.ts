import { api, t, toastError, wxApi } from '../../lib/client';
import { newIdempotencyKey } from '../../lib/api';

const today = () => new Date().toISOString().slice(0, 10);

Component({
  data: { s: t(), id: '', name: '', label: '', done: false, actual: '', planned: '', reason: '', note: '', photos: [] as string[], busy: false, error: '', key: '' },
  methods: {
    onLoad(query: { id: string; name: string }) {
      const s = t();
      // One idempotency key per edit: a retry after a network failure applies it once.
      this.setData({ s, id: query.id, name: query.name, label: s.milestones[query.name] ?? query.name, actual: today(), key: newIdempotencyKey() });
    },
    setField(e: { currentTarget: { dataset: { field: string } }; detail: { value: string | boolean } }) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value, error: '' });
    },
    toggleDone() {
      this.setData({ done: !this.data.done });
    },
    choosePhoto() {
      (wxApi() as unknown as { chooseMedia: (o: unknown) => void }).chooseMedia({
        count: 3,
        mediaType: ['image'],
        sizeType: ['compressed'],
        success: (r: { tempFiles: { tempFilePath: string }[] }) => this.setData({ photos: [...this.data.photos, ...r.tempFiles.map((f) => f.tempFilePath)] }),
      });
    },
    async save() {
      if (this.data.busy) return;
      const d = this.data;
      const body: { done?: boolean; actual?: string; planned?: string; reason?: string; note?: string } = {};
      if (d.done) {
        body.done = true;
        body.actual = d.actual || today();
      }
      if (d.planned) {
        body.planned = d.planned;
        body.reason = d.reason;
      }
      if (d.note) body.note = d.note;
      this.setData({ busy: true, error: '' });
      try {
        if (Object.keys(body).length) await api().updateMilestone(d.id, d.name, body, d.key);
        for (let i = 0; i < d.photos.length; i++) await api().uploadPhoto(d.id, d.name, d.photos[i]!, `${d.key}-p${i}`);
        (wxApi() as unknown as { showToast: (o: unknown) => void }).showToast({ title: this.data.s.saved });
        (wxApi() as unknown as { navigateBack: () => void }).navigateBack();
      } catch (err) {
        this.setData({ error: (err as Error).message });
        toastError(err); // the same key is kept: "save" again retries the same change
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});
