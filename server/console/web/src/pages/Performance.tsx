import { Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { BarChart } from '@mantine/charts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type ManagerRanking, type SegmentProposal } from '../api';
import { fmtCount } from '../i18n';

export function Performance() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const ranking = useQuery({ queryKey: ['ranking'], queryFn: () => api<ManagerRanking>('/api/managers/ranking') });
  const proposals = useQuery({ queryKey: ['proposals'], queryFn: () => api<{ items: SegmentProposal[] }>('/api/segment-proposals') });
  const decide = useMutation({
    mutationFn: ({ id, accept }: { id: string; accept: boolean }) => api(`/api/segment-proposals/${id}/${accept ? 'accept' : 'reject'}`, { method: 'POST' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['proposals'] }),
  });
  const rows = ranking.data?.items ?? [];
  return (
    <Stack>
      <Card withBorder>
        <Title order={5}>
          {t('ranking')} · {ranking.data?.period}
        </Title>
        {rows.length > 0 && (
          <BarChart
            h={200}
            mt="sm"
            data={rows.map((r) => ({ name: r.name, overdue: r.overdueOpen, resolved: r.resolvedInTime }))}
            dataKey="name"
            series={[
              { name: 'overdue', color: 'red.6', label: t('overdue') },
              { name: 'resolved', color: 'green.6', label: t('onTime') },
            ]}
          />
        )}
        <Table mt="sm" data-testid="ranking">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>{t('manager')}</Table.Th>
              <Table.Th>{t('overdue')}</Table.Th>
              <Table.Th>{t('onTime')}</Table.Th>
              <Table.Th>{t('replyMedian')}</Table.Th>
              <Table.Th>{t('orders')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.managerId}>
                <Table.Td>{r.rank}</Table.Td>
                <Table.Td>{r.name}</Table.Td>
                <Table.Td>{fmtCount(r.overdueOpen)}</Table.Td>
                <Table.Td>
                  {fmtCount(r.resolvedInTime)}/{fmtCount(r.resolved)}
                </Table.Td>
                <Table.Td>{r.replyMedianMin === null ? '—' : `${fmtCount(Math.round(r.replyMedianMin))} min`}</Table.Td>
                <Table.Td>{fmtCount(r.orders)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
      <Card withBorder>
        <Title order={5}>{t('proposals')}</Title>
        {(proposals.data?.items ?? []).map((p) => (
          <Group key={p.id} justify="space-between" mt="xs">
            <Text size="sm">
              <b>{p.shownCode ?? p.code}</b> → <Badge variant="light">{p.proposed}</Badge> {p.reason}
            </Text>
            <Group gap="xs">
              <Button size="xs" onClick={() => decide.mutate({ id: p.id, accept: true })}>
                {t('accept')}
              </Button>
              <Button size="xs" variant="subtle" onClick={() => decide.mutate({ id: p.id, accept: false })}>
                {t('reject')}
              </Button>
            </Group>
          </Group>
        ))}
        {!proposals.data?.items.length && (
          <Text size="sm" c="dimmed">
            —
          </Text>
        )}
      </Card>
    </Stack>
  );
}
