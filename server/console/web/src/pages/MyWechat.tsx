import { Badge, Button, Card, Code, Group, Image, PasswordInput, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fmtDateTime, fmtTime } from '../i18n';
import { api, errorText, type SessionInfo, type WechatLink } from '../api';

/** "My WeChat": link by sending `/link <code>` to the bot, see the linked name, unlink; own password and sessions. */
export function MyWechat() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const link = useQuery({ queryKey: ['me', 'wechat'], queryFn: () => api<WechatLink>('/api/console/me/wechat'), refetchInterval: (q) => (q.state.data?.linked ? false : 3000) });
  const issue = useMutation({ mutationFn: () => api<{ code: string; expiresAt: string; qr: string; command: string }>('/api/console/me/wechat/link-code', { method: 'POST' }) });
  const unlink = useMutation({
    mutationFn: () => api('/api/console/me/wechat', { method: 'DELETE' }),
    onSuccess: () => {
      issue.reset();
      void qc.invalidateQueries({ queryKey: ['me', 'wechat'] });
    },
  });
  const sessions = useQuery({ queryKey: ['me', 'sessions'], queryFn: () => api<{ items: SessionInfo[] }>('/api/console/me/sessions') });
  const end = useMutation({ mutationFn: (id: string) => api(`/api/console/me/sessions/${id}`, { method: 'DELETE' }), onSuccess: () => void qc.invalidateQueries({ queryKey: ['me', 'sessions'] }) });
  const [pw, setPw] = useState({ oldPassword: '', newPassword: '' });
  const change = useMutation({ mutationFn: () => api('/api/console/me/password', { method: 'PUT', body: pw }), onSuccess: () => setPw({ oldPassword: '', newPassword: '' }) });
  const l = link.data;
  return (
    <Stack maw={720}>
      <Card withBorder data-testid="my-wechat">
        <Title order={5} mb="xs">
          {t('myWechat')}
        </Title>
        {l?.linked ? (
          <Group justify="space-between">
            <Text data-testid="wechat-linked">
              {t('linkedAs')} <b>{l.wechatName}</b>
              {l.linkedAt ? ` · ${fmtDateTime(l.linkedAt)}` : ''}
            </Text>
            <Button color="red" variant="light" size="xs" onClick={() => window.confirm(t('unlinkConfirm')) && unlink.mutate()} data-testid="unlink">
              {t('unlink')}
            </Button>
          </Group>
        ) : (
          <Stack gap="xs">
            <Text size="sm">{t('linkHelp')}</Text>
            <Group>
              <Button onClick={() => issue.mutate()} loading={issue.isPending} data-testid="issue-link-code">
                {t('issueLinkCode')}
              </Button>
              <Badge color="gray" variant="outline">
                {t('notLinked')}
              </Badge>
            </Group>
            {issue.error && (
              <Text c="red" size="sm">
                {errorText(issue.error)}
              </Text>
            )}
            {issue.data && (
              <Group align="center" data-testid="link-code">
                <Image src={issue.data.qr} w={160} alt="QR" />
                <Stack gap={4}>
                  <Text size="sm">{t('sendToBot')}</Text>
                  <Code fz="xl" fw={700} data-testid="link-command">
                    {issue.data.command}
                  </Code>
                  <Text size="xs" c="dimmed">
                    {t('validUntil')} {fmtTime(issue.data.expiresAt)}
                  </Text>
                </Stack>
              </Group>
            )}
          </Stack>
        )}
      </Card>
      <Card withBorder>
        <Title order={5} mb="xs">
          {t('changePassword')}
        </Title>
        <Group align="flex-end">
          <PasswordInput label={t('currentPassword')} value={pw.oldPassword} onChange={(e) => setPw({ ...pw, oldPassword: e.currentTarget.value })} data-testid="old-password" />
          <PasswordInput label={t('newPassword')} value={pw.newPassword} onChange={(e) => setPw({ ...pw, newPassword: e.currentTarget.value })} data-testid="new-password" />
          <Button onClick={() => change.mutate()} loading={change.isPending} data-testid="change-password">
            {t('save')}
          </Button>
        </Group>
        {change.error && (
          <Text c="red" size="sm" data-testid="password-error">
            {errorText(change.error)}
          </Text>
        )}
        {change.isSuccess && (
          <Text c="green" size="sm">
            {t('passwordChanged')}
          </Text>
        )}
      </Card>
      <Card withBorder>
        <Title order={5} mb="xs">
          {t('sessions')}
        </Title>
        <Table data-testid="sessions">
          <Table.Tbody>
            {(sessions.data?.items ?? []).map((s) => (
              <Table.Tr key={s.id}>
                <Table.Td>{fmtDateTime(s.createdAt)}</Table.Td>
                <Table.Td>
                  {s.current ? (
                    <Badge>{t('thisSession')}</Badge>
                  ) : (
                    <Button size="xs" variant="subtle" onClick={() => end.mutate(s.id)}>
                      {t('endSession')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  );
}
