import { Badge, Button, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type OutboxItem } from '../api';

export function Notices() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [status, setStatus] = useState('failed');
  const list = useQuery({ queryKey: ['notices', status], queryFn: () => api<{ items: OutboxItem[] }>(`/api/console/notices?status=${status}`) });
  const retry = useMutation({ mutationFn: (id: string) => api(`/api/console/notices/${id}/retry`, { method: 'POST' }), onSuccess: () => void qc.invalidateQueries({ queryKey: ['notices'] }) });
  return (
    <Stack>
      <SegmentedControl value={status} onChange={setStatus} data={[{ value: 'failed', label: t('failed') }, { value: 'queued', label: t('queued') }, { value: 'sent', label: t('sent') }]} w={320} />
      <Table data-testid="notices">
        <Table.Tbody>
          {(list.data?.items ?? []).map((n) => (
            <Table.Tr key={n.id}>
              <Table.Td><Badge variant="light">{n.kind}</Badge></Table.Td>
              <Table.Td><Text size="sm">{n.to}</Text></Table.Td>
              <Table.Td><Text size="sm" lang="zh-CN">{n.text}</Text>{n.lastError && <Text size="xs" c="red">{n.lastError}</Text>}</Table.Td>
              <Table.Td><Text size="xs" c="dimmed">{new Date(n.createdAt).toLocaleString()}</Text></Table.Td>
              <Table.Td>{n.status === 'failed' && <Button size="xs" onClick={() => retry.mutate(n.id)} data-testid="retry">{t('retry')}</Button>}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
