import { Badge, Button, Card, Group, NumberInput, Select, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api';

interface ClaimRow {
  id: string;
  number: string;
  orderNumber: string;
  supplierCode: string;
  supplierShownCode?: string;
  type: string;
  qty: number;
  amount: string | null;
  currency: string | null;
  description: string;
  descriptionZh: string | null;
  status: string;
  answer: { text: string | null; textTranslated?: string | null; decision: string } | null;
  settlement: { kind: string } | null;
  history: { from: string; to: string; by: string; at: string; reason: string | null }[];
}

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
const errText = (e: unknown) => (e instanceof ApiError ? `${e.message}${e.details?.length ? `: ${e.details.map((d) => `${d.field} ${d.message}`).join(', ')}` : ''}` : String(e));

function Move({ c }: { c: ClaimRow }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [to, setTo] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [kind, setKind] = useState<string | null>('credit_note');
  const [error, setError] = useState<string>();
  const move = useMutation({
    mutationFn: () =>
      api(`/api/claims/${c.id}/transitions`, { method: 'POST', body: { to, ...(reason.trim() ? { reason: reason.trim() } : {}), ...(to === 'settled' ? { settlement: { kind } } : {}) } }),
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

export function Claims() {
  const { t } = useTranslation();
  const qc = useQueryClient();
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
                  {c.amount ? ` · ${c.amount} ${c.currency}` : ''}
                </Text>
                <Text size="xs">{c.description}</Text>
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
