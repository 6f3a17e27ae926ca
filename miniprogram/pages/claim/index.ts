import { api, t, toastError, wxApi } from '../../lib/client';
import { newIdempotencyKey, type ClaimView } from '../../lib/api';

type Shown = ClaimView & { typeName: string; statusName: string; decisionName: string; settlementName: string; steps: { n: number; who: string; what: string; at: string; reason: string }[] };

// One claim: what the buyer reports (in Chinese), and the answer: accept or dispute, with an
// explanation and photos. Photos are uploaded when the answer is sent, each with its own key,
// then named in the answer: "send" again after a network failure stores nothing twice.
Component({
  data: { s: t(), id: '', claim: null as Shown | null, decision: '', text: '', photos: [] as string[], busy: false, error: '', key: '' },
  methods: {
    onLoad(query: { id: string }) {
      this.setData({ id: query.id, key: newIdempotencyKey() });
      void this.load();
    },
    async load() {
      const s = t();
      try {
        const c = await api().claim(this.data.id);
        const claim: Shown = {
          ...c,
          typeName: s.claimTypes[c.type] ?? c.type,
          statusName: s.claimStatuses[c.status] ?? c.status,
          decisionName: c.answer ? (s.decisions[c.answer.decision] ?? c.answer.decision) : '',
          settlementName: c.settlement ? (s.settlementKinds[c.settlement.kind] ?? c.settlement.kind) : '',
          steps: (c.history ?? []).map((h, n) => ({ n, who: h.by === 'supplier' ? s.you : s.buyer, what: s.claimStatuses[h.to] ?? h.to, at: String(h.at).slice(0, 10), reason: h.reason ?? '' })),
        };
        this.setData({ s, claim, error: '' });
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
    choosePhoto() {
      wxApi().chooseMedia({
        count: Math.max(1, 9 - this.data.photos.length),
        mediaType: ['image'],
        sizeType: ['compressed'],
        success: (r) => this.setData({ photos: [...this.data.photos, ...r.tempFiles.map((f) => f.tempFilePath)].slice(0, 9) }),
      });
    },
    async submit() {
      const d = this.data;
      if (d.busy || !d.decision) return;
      this.setData({ busy: true, error: '' });
      try {
        const photoIds: string[] = [];
        for (let i = 0; i < d.photos.length; i++) photoIds.push((await api().uploadClaimPhoto(d.id, d.photos[i]!, `${d.key}-p${i}`)).photo.id);
        await api().answerClaim(d.id, { decision: d.decision as 'accept' | 'dispute', text: d.text.trim() || undefined, photoIds: photoIds.length ? photoIds : undefined });
        wxApi().showToast({ title: t().answered });
        this.setData({ photos: [], decision: '', text: '' });
        await this.load();
      } catch (err) {
        this.setData({ error: (err as Error).message });
        toastError(err); // the same keys are kept: "send" again uploads nothing twice
        // Answered meanwhile (an earlier try whose response was lost, another phone): show it.
        if ((err as { status?: number }).status === 409) await this.load();
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});
