import { Anchor, Badge, Button, Card, Group, NumberInput, Select, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fmtMoney, fmtCount, fmtPercent } from '../i18n';
import { useLocation } from 'wouter';
import { api, errText, type Claim, type ClaimAnalytics } from '../api';

type ClaimRow = Claim;

// Moves a manager can make from each status (the server's table decides; this only offers them).
const NEXT: Record<string, string[]> = {
  draft: ['sent', 'closed'],
  supplier_answered: ['agreed', 'disputed', 'sent'],
  disputed: ['agreed', 'rejected'],
  agreed: ['settled'],
  settled: ['closed'],
  rejected: ['closed'],
};
const COLOR: Record<string, string> = { sent: 'blue', supplier_answered: 'orange', agreed: 'teal', disputed: 'red', settled: 'green', rejected: 'gray', closed: 'dark', draft: 'gray' };

function Move({ c }: { c: ClaimRow }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [to, setTo] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [kind, setKind] = useState<string | null>('credit_note');
  const [error, setError] = useState<string>();
  const move = useMutation({
    mutationFn: () =>
      api(`/api/claims/${c.id}/transitions`, {
        method: 'POST',
        body: { to, from: c.status, ...(reason.trim() ? { reason: reason.trim() } : {}), ...(to === 'settled' ? { settlement: { kind } } : {}) },
      }),
    onSuccess: () => {
      setTo(null);
      setReason('');
      setError(undefined);
      void qc.invalidateQueries({ queryKey: ['claims'] });
    },
    onError: (e) => setError(errText(e)),
  });
  const options = NEXT[c.status] ?? [];
  if (!options.length) return null;
  return (
    <Group gap="xs" align="flex-end">
      <Select size="xs" placeholder={t('claimMove')} value={to} onChange={setTo} data={options} w={150} data-testid="claim-move" />
      {to === 'settled' && <Select size="xs" value={kind} onChange={setKind} data={['credit_note', 'replacement', 'rework', 'discount_next_order', 'refund']} w={170} />}
      {to && <TextInput size="xs" placeholder={t('reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} w={200} />}
      {to && (
        <Button size="xs" onClick={() => move.mutate()} loading={move.isPending}>
          {t('save')}
        </Button>
      )}
      {error && (
        <Text c="red" size="xs">
          {error}
        </Text>
      )}
    </Group>
  );
}

const CAUSES = ['material', 'process', 'transport', 'other'];
const DECISIONS = ['full_compensation', 'partial_compensation', 'replacement', 'return', 'discount_next_order'];
const CURRENCY_LIST = ['USD', 'CNY', 'EUR', 'RUB', 'HKD', 'GBP'];

/** Photos of a claim (the buyer's, the supplier's, the answer's): thumbnails opening full size; the route checks access. */
function Photos({ c }: { c: ClaimRow }) {
  const all = [...c.photos, ...c.supplierPhotos, ...(c.answer?.photos ?? [])].filter((p, i, xs) => xs.findIndex((x) => x.id === p.id) === i);
  if (!all.length) return null;
  return (
    <Group gap={4} mt={4} data-testid="claim-photos">
      {all.map((p) => {
        const src = p.url ?? `/api/claims/${c.id}/photos/${p.id}`;
        return (
          <a key={p.id} href={src} target="_blank" rel="noreferrer">
            <img src={src} alt={p.name ?? ''} loading="lazy" style={{ width: 56, height: 56, objectFit: 'cover', borderRadius: 4 }} />
          </a>
        );
      })}
    </Group>
  );
}

/** The facts of a claim (batch, received, cause, losses, decision): shown, and edited in place. */
function Facts({ c }: { c: ClaimRow }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [f, setF] = useState({
    batch: c.batch ?? '',
    receivedOn: c.receivedOn ?? '',
    cause: c.cause ?? null,
    goods: c.losses?.goods ?? '',
    freight: c.losses?.freight ?? '',
    other: c.losses?.other ?? '',
    lossCurrency: c.losses?.currency || c.currency || 'USD',
    decision: c.decision?.kind ?? null,
    decisionAmount: c.decision?.amount ?? '',
    decisionCurrency: c.decision?.currency ?? c.currency ?? 'USD',
  });
  const [error, setError] = useState<string>();
  const save = useMutation({
    mutationFn: () => {
      const money = (v: string) => (v.trim() ? v.trim() : undefined);
      const anyLoss = [f.goods, f.freight, f.other].some((v) => v.trim());
      return api<ClaimRow>(`/api/claims/${c.id}`, {
        method: 'PATCH',
        body: {
          batch: f.batch.trim() || null,
          receivedOn: f.receivedOn.trim() || null,
          cause: f.cause,
          losses: anyLoss ? { goods: money(f.goods), freight: money(f.freight), other: money(f.other), currency: f.lossCurrency } : null,
          decision: f.decision ? { kind: f.decision, ...(f.decisionAmount.trim() ? { amount: f.decisionAmount.trim(), currency: f.decisionCurrency } : {}) } : null,
        },
      });
    },
    onSuccess: () => {
      setOpen(false);
      setError(undefined);
      void qc.invalidateQueries({ queryKey: ['claims'] });
    },
    onError: (e) => setError(errText(e)),
  });
  const losses = c.losses
    ? [c.losses.goods && `${t('lossGoods')} ${c.losses.goods}`, c.losses.freight && `${t('lossFreight')} ${c.losses.freight}`, c.losses.other && `${t('lossOther')} ${c.losses.other}`]
        .filter(Boolean)
        .join(', ')
    : '';
  return (
    <div data-testid="claim-facts">
      <Text size="xs" c="dimmed">
        {[
          c.batch && `${t('claimBatch')}: ${c.batch}`,
          c.receivedOn && `${t('claimReceived')}: ${c.receivedOn}`,
          c.cause && `${t('claimCause')}: ${t(`cause_${c.cause}`)}`,
          losses && `${t('claimLosses')}: ${losses} ${c.losses?.currency ?? ''}`,
          c.decision && `${t('claimDecision')}: ${t(`decision_${c.decision.kind}`)}${c.decision.amount ? ` ${fmtMoney(c.decision.amount, c.decision.currency)}` : ''}`,
        ]
          .filter(Boolean)
          .join(' · ')}
        <Anchor size="xs" ml={6} onClick={() => setOpen(!open)} data-testid="claim-facts-edit">
          {t('claimFacts')}
        </Anchor>
      </Text>
      {open && (
        <Stack gap={4} mt={4}>
          <Group gap="xs" align="flex-end">
            <TextInput size="xs" label={t('claimBatch')} value={f.batch} onChange={(e) => setF({ ...f, batch: e.currentTarget.value })} w={120} />
            <TextInput size="xs" label={t('claimReceived')} placeholder="YYYY-MM-DD" value={f.receivedOn} onChange={(e) => setF({ ...f, receivedOn: e.currentTarget.value })} w={120} />
            <Select size="xs" label={t('claimCause')} clearable value={f.cause} onChange={(v) => setF({ ...f, cause: v })} data={CAUSES.map((x) => ({ value: x, label: t(`cause_${x}`) }))} w={130} />
          </Group>
          <Group gap="xs" align="flex-end">
            <TextInput size="xs" label={t('lossGoods')} value={f.goods} onChange={(e) => setF({ ...f, goods: e.currentTarget.value })} w={90} />
            <TextInput size="xs" label={t('lossFreight')} value={f.freight} onChange={(e) => setF({ ...f, freight: e.currentTarget.value })} w={90} />
            <TextInput size="xs" label={t('lossOther')} value={f.other} onChange={(e) => setF({ ...f, other: e.currentTarget.value })} w={90} />
            <Select size="xs" label="" value={f.lossCurrency} onChange={(v) => setF({ ...f, lossCurrency: v ?? 'USD' })} data={CURRENCY_LIST} w={80} />
          </Group>
          <Group gap="xs" align="flex-end">
            <Select
              size="xs"
              label={t('claimDecision')}
              clearable
              value={f.decision}
              onChange={(v) => setF({ ...f, decision: v })}
              data={DECISIONS.map((x) => ({ value: x, label: t(`decision_${x}`) }))}
              w={200}
            />
            <TextInput size="xs" label={t('amount')} value={f.decisionAmount} onChange={(e) => setF({ ...f, decisionAmount: e.currentTarget.value })} w={90} />
            <Select size="xs" label="" value={f.decisionCurrency} onChange={(v) => setF({ ...f, decisionCurrency: v ?? 'USD' })} data={CURRENCY_LIST} w={80} />
            <Button size="xs" onClick={() => save.mutate()} loading={save.isPending} data-testid="claim-facts-save">
              {t('save')}
            </Button>
          </Group>
          {error && (
            <Text c="red" size="xs">
              {error}
            </Text>
          )}
        </Stack>
      )}
    </div>
  );
}

/** Claims analytics: by type, cause, supplier and month; share settled; median days to settle; amounts per currency. */
export function ClaimsAnalytics() {
  const { t } = useTranslation();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const ok = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d);
  const qs = [ok(from) && `from=${from}`, ok(to) && `to=${to}`].filter(Boolean).join('&');
  const a = useQuery({ queryKey: ['claims', 'analytics', qs], queryFn: () => api<ClaimAnalytics>(`/api/claims/analytics${qs ? `?${qs}` : ''}`) });
  const counts = (title: string, rows: [string, number][], testid: string) => (
    <Card withBorder>
      <Title order={6} mb="xs">
        {title}
      </Title>
      <Table data-testid={testid}>
        <Table.Tbody>
          {rows.map(([k, n]) => (
            <Table.Tr key={k}>
              <Table.Td>{k}</Table.Td>
              <Table.Td ta="right">{fmtCount(n)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
  const d = a.data;
  return (
    <Stack>
      <Group align="flex-end">
        <Title order={4}>{t('claimsAnalytics')}</Title>
        <TextInput size="xs" label={t('from')} placeholder="YYYY-MM-DD" value={from} onChange={(e) => setFrom(e.currentTarget.value)} w={120} />
        <TextInput size="xs" label={t('to')} placeholder="YYYY-MM-DD" value={to} onChange={(e) => setTo(e.currentTarget.value)} w={120} />
      </Group>
      {d && (
        <>
          <Group data-testid="claims-summary">
            <Badge size="lg" variant="light" tt="none">
              {t('claimsTotal')}: {fmtCount(d.total)}
            </Badge>
            <Badge size="lg" variant="light" color="green" tt="none">
              {t('claimsSettledShare')}: <span data-testid="claims-settled-share">{fmtPercent(d.settledShare)}</span> ({fmtCount(d.settled)})
            </Badge>
            <Badge size="lg" variant="light" color="blue" tt="none">
              {t('claimsMedianDays')}: {fmtCount(d.medianDaysToSettle)}
            </Badge>
          </Group>
          <Group align="flex-start" grow>
            {counts(t('claimType'), Object.entries(d.byType), 'claims-by-type')}
            {counts(
              t('claimCause'),
              Object.entries(d.byCause).map(([k, n]) => [k === 'unknown' ? '—' : t(`cause_${k}`), n]),
              'claims-by-cause',
            )}
            {counts(
              t('month'),
              d.byMonth.map((m) => [m.month, m.count]),
              'claims-by-month',
            )}
          </Group>
          <Group align="flex-start" grow>
            {counts(t('claimBatch'), Object.entries(d.byBatch), 'claims-by-batch')}
            {counts(
              t('claimsByManager'),
              d.byManager.map((m) => [m.name ?? m.managerId, m.count]),
              'claims-by-manager',
            )}
          </Group>
          <Card withBorder>
            <Title order={6} mb="xs">
              {t('claimsBySupplier')}
            </Title>
            <Table data-testid="claims-by-supplier">
              <Table.Tbody>
                {d.bySupplier.map((s) => (
                  <Table.Tr key={s.code}>
                    <Table.Td>{s.code}</Table.Td>
                    <Table.Td ta="right">{fmtCount(s.count)}</Table.Td>
                    <Table.Td ta="right">
                      {t('claimsSettled')}: {fmtCount(s.settled)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
          <Card withBorder>
            <Title order={6} mb="xs">
              {t('claimsAmounts')}
            </Title>
            <Table data-testid="claims-amounts">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th />
                  <Table.Th ta="right">{t('claimsClaimed')}</Table.Th>
                  <Table.Th ta="right">{t('claimLosses')}</Table.Th>
                  <Table.Th ta="right">{t('claimsSettled')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {Object.entries(d.amounts).map(([cur, x]) => (
                  <Table.Tr key={cur}>
                    <Table.Td>{cur}</Table.Td>
                    <Table.Td ta="right">{fmtMoney(x.claimed)}</Table.Td>
                    <Table.Td ta="right">{fmtMoney(x.losses)}</Table.Td>
                    <Table.Td ta="right">{fmtMoney(x.settled)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
        </>
      )}
    </Stack>
  );
}

export function Claims() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [, navigate] = useLocation();
  const [status, setStatus] = useState<string | null>(null);
  const list = useQuery({ queryKey: ['claims', status], queryFn: () => api<{ items: ClaimRow[] }>(`/api/claims${status ? `?status=${status}` : ''}`) });
  const [form, setForm] = useState({ orderNumber: '', type: 'defect', qty: 1 as number | string, amount: '', currency: 'USD', description: '' });
  const [error, setError] = useState<string>();
  const file = useMutation({
    mutationFn: () =>
      api<ClaimRow>('/api/claims', {
        method: 'POST',
        body: {
          orderNumber: form.orderNumber.trim(),
          type: form.type,
          qty: Number(form.qty),
          description: form.description.trim(),
          ...(form.amount.trim() ? { amount: form.amount.trim(), currency: form.currency } : {}),
        },
      }),
    onSuccess: () => {
      setForm({ ...form, orderNumber: '', qty: 1, amount: '', description: '' });
      setError(undefined);
      void qc.invalidateQueries({ queryKey: ['claims'] });
    },
    onError: (e) => setError(errText(e)),
  });
  return (
    <Stack>
      <Card withBorder>
        <Title order={5} mb="xs">
          {t('fileClaim')}
        </Title>
        <Group align="flex-end">
          <TextInput label="PO" value={form.orderNumber} onChange={(e) => setForm({ ...form, orderNumber: e.currentTarget.value })} w={160} data-testid="claim-po" />
          <Select
            label={t('claimType')}
            value={form.type}
            onChange={(v) => setForm({ ...form, type: v ?? 'defect' })}
            data={['defect', 'shortage', 'wrong_item', 'transit_damage', 'late_delivery']}
            w={160}
          />
          <NumberInput label={t('qty')} value={form.qty} onChange={(v) => setForm({ ...form, qty: v })} min={1} w={90} />
          <TextInput label={t('amount')} value={form.amount} onChange={(e) => setForm({ ...form, amount: e.currentTarget.value })} w={110} />
          <Select label="" value={form.currency} onChange={(v) => setForm({ ...form, currency: v ?? 'USD' })} data={['USD', 'CNY', 'EUR', 'RUB', 'HKD', 'GBP']} w={90} />
        </Group>
        <Textarea
          mt="xs"
          label={t('description')}
          value={form.description}
          onChange={(e) => setForm({ ...form, description: e.currentTarget.value })}
          autosize
          minRows={2}
          data-testid="claim-description"
        />
        {error && (
          <Text c="red" size="sm">
            {error}
          </Text>
        )}
        <Button mt="xs" onClick={() => file.mutate()} loading={file.isPending} disabled={!form.orderNumber.trim() || !form.description.trim()} data-testid="file-claim">
          {t('fileClaim')}
        </Button>
      </Card>
      <Group>
        <Button variant="light" size="xs" onClick={() => navigate('/claims/analytics')} data-testid="claims-analytics">
          {t('claimsAnalytics')}
        </Button>
      </Group>
      <Select placeholder={t('status')} clearable value={status} onChange={setStatus} data={['sent', 'supplier_answered', 'agreed', 'disputed', 'settled', 'rejected', 'closed', 'draft']} w={200} />
      <Table data-testid="claims">
        <Table.Tbody>
          {(list.data?.items ?? []).map((c) => (
            <Table.Tr key={c.id} data-testid="claim-row">
              <Table.Td>
                <Text fw={600}>{c.number}</Text>
                <Text size="xs" c="dimmed">
                  {c.supplierShownCode ?? c.supplierCode} · {c.orderNumber}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">
                  {c.type} · {c.qty}
                  {c.amount ? ` · ${fmtMoney(c.amount, c.currency)}` : ''}
                </Text>
                <Text size="xs">{c.description}</Text>
                <Facts c={c} />
                <Photos c={c} />
                {c.descriptionZh && c.descriptionZh !== c.description && (
                  <Text size="xs" c="dimmed" lang="zh-CN">
                    {c.descriptionZh}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Badge color={COLOR[c.status]} data-testid="claim-status">
                  {c.status}
                </Badge>
                {c.answer && (
                  <Text size="xs">
                    {c.answer.decision}: {c.answer.textTranslated ? `${c.answer.textTranslated} (${c.answer.text})` : c.answer.text}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Move c={c} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
