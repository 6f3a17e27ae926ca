import { Alert, Badge, Button, Group, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fmtDateTime } from '../i18n';
import { api, errorText, type OutboxItem, type User } from '../api';

export function Notices({ user }: { user: User }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [status, setStatus] = useState('failed');
  // "mine": what reached (or will reach) my own WeChat — supplier changes, claim answers, reminders.
  const list = useQuery({ queryKey: ['notices', status], queryFn: () => api<{ items: OutboxItem[] }>(status === 'mine' ? '/api/notifications' : `/api/console/notices?status=${status}`) });
  const retry = useMutation({ mutationFn: (id: string) => api(`/api/console/notices/${id}/retry`, { method: 'POST' }), onSettled: () => void qc.invalidateQueries({ queryKey: ['notices'] }) });
  // The follow-up checks at once instead of at their next interval (head of purchasing and admin).
  const checks = useMutation({
    mutationFn: () => api<{ queued: string[] }>('/api/console/checks/run', { method: 'POST' }),
    onSuccess: () => setTimeout(() => void qc.invalidateQueries({ queryKey: ['notices'] }), 3000),
  });
  return (
    <Stack>
      {user.role !== 'manager' && (
        <Group>
          <Button variant="light" onClick={() => checks.mutate()} loading={checks.isPending} data-testid="run-checks">
            {t('runChecks')}
          </Button>
          {checks.isSuccess && (
            <Text size="sm" c="dimmed" data-testid="checks-queued">
              {t('checksQueued')}
            </Text>
          )}
          {checks.error && <Alert color="red">{errorText(checks.error)}</Alert>}
        </Group>
      )}
      <SegmentedControl
        value={status}
        onChange={setStatus}
        data={[
          { value: 'mine', label: t('forMe') },
          { value: 'failed', label: t('failed') },
          { value: 'queued', label: t('queued') },
          { value: 'sending', label: t('sending_') },
          { value: 'sent', label: t('sent') },
          { value: 'cancelled', label: t('cancelled') },
        ]}
        w={620}
        data-testid="notice-status"
      />
      <Table data-testid="notices">
        <Table.Tbody>
          {(list.data?.items ?? []).map((n) => (
            <Table.Tr key={n.id} data-testid="notice-row" data-status={n.status}>
              <Table.Td>
                <Badge variant="light">{n.kind}</Badge>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{n.to}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" lang="zh-CN">
                  {n.text}
                </Text>
                {n.lastError && (
                  <Text size="xs" c="red">
                    {n.lastError}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="xs" c="dimmed">
                  {fmtDateTime(n.sentAt ?? n.createdAt)}
                </Text>
                {n.attempts > 0 && (
                  <Text size="xs" c="dimmed">
                    {t('attempts', { n: n.attempts })}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                {n.status === 'failed' && (
                  <Button size="xs" onClick={() => retry.mutate(n.id)} data-testid="retry">
                    {t('retry')}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
          {list.data && !list.data.items.length && (
            <Table.Tr>
              <Table.Td>
                <Text c="dimmed">—</Text>
              </Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
