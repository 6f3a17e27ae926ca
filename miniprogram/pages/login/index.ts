import { api, t, toastError, wxApi } from '../../lib/client';

Component({
  data: { s: t(), code: '', busy: false, error: '' },
  methods: {
    async onLoad(query?: { code?: string }) {
      this.setData({ s: t() });
      // A code scanned from the manager's QR image arrives as a query parameter.
      if (query?.code) this.setData({ code: query.code });
      try {
        const r = await api().login();
        if (r.bound) wxApi().redirectTo({ url: '/pages/orders/index' });
      } catch (err) {
        toastError(err);
      }
    },
    /** Scan the QR image a manager sent: it carries the binding code (or a link with ?code=). */
    scan() {
      (wxApi() as unknown as { scanCode(o: { success(r: { result: string }): void }): void }).scanCode({
        success: (r) => {
          const m = /(?:[?&]code=)?([A-Za-z0-9]{6,12})\s*$/.exec(r.result.trim());
          if (m) this.setData({ code: m[1]!, error: '' });
        },
      });
    },
    onInput(e: { detail: { value: string } }) {
      this.setData({ code: e.detail.value, error: '' });
    },
    async bind() {
      if (this.data.busy) return;
      this.setData({ busy: true, error: '' });
      try {
        await api().bind(this.data.code);
        wxApi().redirectTo({ url: '/pages/orders/index' });
      } catch (err) {
        this.setData({ error: (err as Error).message });
        toastError(err);
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});
