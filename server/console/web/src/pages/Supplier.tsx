import { Badge, Button, Card, Grid, Group, Image, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { LineChart } from '@mantine/charts';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { api, localTime, type OrderSummary } from '../api';
import { useNow } from '../clock';

interface Card_ {
  code: string;
  name: string;
  segment: string;
  timezone: string;
  manager: { name: string } | null;
  contacts: { id: string; name: string; role: string | null; timezone: string }[];
  lastContactAt: string | null;
  openOrders: OrderSummary[];
}
interface Scorecard {
  period: string;
  score: number | null;
  class: string | null;
  kpis: { onTimeRate: number | null; replyMedianMin: number | null };
  reasons: string[];
}

export function SupplierCard({ code }: { code: string }) {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const now = useNow();
  const card = useQuery({ queryKey: ['supplier', code], queryFn: () => api<Card_>(`/api/console/suppliers/${code}`) });
  const history = useQuery({ queryKey: ['scorecards', code], queryFn: () => api<{ items: Scorecard[] }>(`/api/suppliers/${code}/scorecards?months=6`) });
  const bind = useMutation({ mutationFn: () => api<{ code: string; expiresAt: string; qr: string }>(`/api/console/suppliers/${code}/binding-code`, { method: 'POST', body: {} }) });
  if (!card.data) return <Loader />;
  const c = card.data;
  const latest = history.data?.items[history.data.items.length - 1];
  return (
    <Grid>
      <Grid.Col span={{ base: 12, md: 7 }}>
        <Stack>
          <Card withBorder data-testid="supplier-card">
            <Title order={4}>{c.code} · {c.name}</Title>
            <Text size="sm">{t('segment')}: <Badge variant="light">{c.segment}</Badge></Text>
            <Text size="sm">{t('manager')}: {c.manager?.name ?? '—'}</Text>
            <Text size="sm" data-testid="supplier-local-time">{t('localTime')}: {localTime(c.timezone, now)} ({c.timezone})</Text>
            <Text size="sm">{t('lastContact')}: {c.lastContactAt ? new Date(c.lastContactAt).toLocaleString() : '—'}</Text>
            <Text fw={600} mt="sm">{t('contacts')}</Text>
            {c.contacts.map((p) => <Text key={p.id} size="sm" data-testid="contact">{p.name}{p.role ? ` (${p.role})` : ''} · {localTime(p.timezone, now)} ({p.timezone})</Text>)}
          </Card>
          <Card withBorder>
            <Group justify="space-between">
              <Text fw={600}>{t('openOrders')}</Text>
              <Button size="xs" variant="light" onClick={() => navigate(`/orders?supplier=${encodeURIComponent(c.code)}`)} data-testid="to-orders">{t('orders')}</Button>
            </Group>
            <Table>
              <Table.Tbody>
                {c.openOrders.map((o) => (
                  <Table.Tr key={o.id} bg={o.overdue ? 'red.0' : undefined} data-testid="open-order" data-overdue={o.overdue ? 'true' : 'false'}>
                    <Table.Td>{o.number}</Table.Td>
                    <Table.Td>{o.next ? `${t(`ms_${o.next.milestone}`)} · ${o.next.planned ?? '—'}` : '—'}</Table.Td>
                    <Table.Td>{o.overdue && <Badge color="red">{t('daysLate', { n: o.daysLate })}</Badge>}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {!c.openOrders.length && <Text size="sm" c="dimmed">{t('noOrders')}</Text>}
          </Card>
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 5 }}>
        <Stack>
          <Card withBorder>
            <Group justify="space-between">
              <Text fw={600}>{t('scorecard')}</Text>
              {latest && <Badge size="lg" color={{ A: 'green', B: 'teal', C: 'orange', D: 'red' }[latest.class ?? ''] ?? 'gray'}>{latest.class ?? '—'} · {latest.score ?? '—'}</Badge>}
            </Group>
            {latest?.reasons.map((r) => <Text key={r} size="xs" c="dimmed">• {r}</Text>)}
            {history.data && (
              <LineChart
                h={180}
                mt="sm"
                data={history.data.items.map((s) => ({ period: s.period, score: s.score ?? 0, onTime: s.kpis.onTimeRate === null ? 0 : Math.round(s.kpis.onTimeRate * 100) }))}
                dataKey="period"
                series={[{ name: 'score', color: 'blue.6', label: t('score') }, { name: 'onTime', color: 'green.6', label: t('onTime') }]}
              />
            )}
          </Card>
          <Card withBorder>
            <Button onClick={() => bind.mutate()} loading={bind.isPending} data-testid="issue-code">{t('issueCode')}</Button>
            {bind.data && (
              <Stack align="center" mt="sm" data-testid="binding-code">
                <Image src={bind.data.qr} w={200} alt="QR" />
                <Text ff="monospace" fw={700} size="xl">{bind.data.code}</Text>
                <Text size="xs" c="dimmed">{t('validUntil')} {new Date(bind.data.expiresAt).toLocaleString()}</Text>
              </Stack>
            )}
          </Card>
        </Stack>
      </Grid.Col>
    </Grid>
  );
}
