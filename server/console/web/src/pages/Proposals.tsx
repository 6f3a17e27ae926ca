// Proposals read from a supplier's chat (shared/facts): shown beside the message in the thread
// and on the order page, with the two buttons a manager also has in WeChat (/ok n, /no n).
import { Badge, Button, Card, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, errorText, type OrderFacts, type Proposal } from '../api';

function what(p: Proposal): string {
  const f = p.fact as Record<string, string | number | null | undefined> & { kind: string };
  switch (f.kind) {
    case 'date':
      return `${f.milestone ?? '?'} ${f.stage === 'done' ? '✓' : '→'} ${f.day}`;
    case 'price':
      return `${f.currency} ${f.amount}/${f.unit}`;
    case 'qty':
      return `${f.change} ${f.qty} ${f.unit}`;
    case 'holiday':
      return `${f.from} – ${f.to}`;
    case 'tracking':
      return `${f.carrier} ${f.number}`;
    default:
      return String(f.number ?? '');
  }
}

export function ProposalCard({ p, invalidate }: { p: Proposal; invalidate: unknown[][] }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const decide = useMutation({
    mutationFn: (decision: 'ok' | 'no') => api(`/api/proposals/${p.id}/decision`, { method: 'POST', body: { decision } }),
    onSuccess: () => invalidate.forEach((queryKey) => void qc.invalidateQueries({ queryKey })),
  });
  return (
    <Card withBorder p="xs" data-testid="proposal" data-status={p.status}>
      <Group gap="xs" justify="space-between">
        <Group gap="xs">
          <Badge variant="light">{p.n ? `#${p.n}` : '—'}</Badge>
          <Text size="sm">
            {t(`fact_${p.fact.kind}`)}: {what(p)}
            {p.orderNumber ? ` · ${p.orderNumber}` : ''}
          </Text>
          {p.url && (
            <a href={p.url} target="_blank" rel="noreferrer">
              {t('factTrack')}
            </a>
          )}
        </Group>
        {p.status === 'proposed' ? (
          <Group gap={4}>
            <Button size="compact-xs" onClick={() => decide.mutate('ok')} loading={decide.isPending} data-testid="proposal-ok">
              {t('factApply')}
            </Button>
            <Button size="compact-xs" variant="subtle" color="gray" onClick={() => decide.mutate('no')} data-testid="proposal-no">
              {t('factDrop')}
            </Button>
          </Group>
        ) : (
          <Badge color={p.status === 'applied' ? 'green' : 'gray'}>{t(`factStatus_${p.status}`)}</Badge>
        )}
      </Group>
      {p.uncertain.length > 0 && (
        <Text size="xs" c="orange">
          ⚠️ {p.uncertain.join('; ')}
        </Text>
      )}
      {p.status === 'proposed' && !p.orderId && p.candidates.length > 0 && (
        <Text size="xs" c="dimmed">
          {t('factPick')}: {p.candidates.join(', ')}
        </Text>
      )}
      {(decide.error || p.error) && (
        <Text size="xs" c="red">
          {decide.error ? errorText(decide.error) : p.error}
        </Text>
      )}
    </Card>
  );
}

/** The proposals of one thread, by message id (the thread page shows them under their message). */
export function useThreadProposals(threadId: string) {
  const q = useQuery({ queryKey: ['proposals', threadId], queryFn: () => api<{ items: Proposal[] }>(`/api/console/threads/${threadId}/proposals`) });
  const byMessage = new Map<string, Proposal[]>();
  for (const p of q.data?.items ?? []) byMessage.set(p.messageId, [...(byMessage.get(p.messageId) ?? []), p]);
  return byMessage;
}

/** The order page's part: proposals from the chat, tracking numbers, closure flags. */
export function OrderFactsPanel({ orderId }: { orderId: string }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['order-facts', orderId], queryFn: () => api<OrderFacts>(`/api/orders/${orderId}/facts`) });
  const f = q.data;
  if (!f || (!f.proposals.length && !f.refs.length && !f.flagged.length)) return null;
  return (
    <Stack gap={4} mt="sm" data-testid="order-facts">
      <Text size="sm" fw={700}>
        {t('factFromChat')}
      </Text>
      {f.flagged.map((x) => (
        <Text key={x.milestone} size="xs" c="red" data-testid="closure-flag">
          🏭 {t(`ms_${x.milestone}`)} {x.planned}: {t('factClosed', { from: x.closure.from, to: x.closure.to })}
        </Text>
      ))}
      {f.refs.map((r, i) => (
        <Text key={i} size="xs" data-testid="order-ref">
          {t(`fact_${r.kind === 'shortage' ? 'qty' : r.kind}`)}: {r.carrier ? `${r.carrier} ` : ''}
          {r.url ? (
            <a href={r.url} target="_blank" rel="noreferrer">
              {r.number}
            </a>
          ) : r.kind === 'shortage' ? (
            `${r.qty} ${r.unit}`
          ) : (
            r.number
          )}
        </Text>
      ))}
      {f.proposals.map((p) => (
        <ProposalCard
          key={p.id}
          p={p}
          invalidate={[
            ['order-facts', orderId],
            ['order', orderId],
          ]}
        />
      ))}
    </Stack>
  );
}
