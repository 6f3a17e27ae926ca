import { Badge, Card, Checkbox, Group, Loader, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { api, type InboxItem, type Msg } from '../api';

const when = (s: string | null) => (s ? new Date(s).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }) : '');

export function Inbox() {
  const { t, i18n } = useTranslation();
  const [, navigate] = useLocation();
  const [mine, setMine] = useState(false);
  const [overdue, setOverdue] = useState(false);
  const [needsReply, setNeedsReply] = useState(false);
  const [segment, setSegment] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const [query] = useDebouncedValue(q.trim(), 300);
  const params = new URLSearchParams({ ...(mine ? { mine: 'true' } : {}), ...(overdue ? { overdue: 'true' } : {}), ...(needsReply ? { needsReply: 'true' } : {}), ...(segment ? { segment } : {}) });
  const inbox = useQuery({ queryKey: ['inbox', params.toString()], queryFn: () => api<{ items: InboxItem[] }>(`/api/console/inbox?${params}`) });
  const search = useQuery({
    queryKey: ['search', query],
    enabled: query.length >= 2,
    queryFn: () => api<{ items: { message: Msg; thread: { id: string; title: string } | null }[] }>(`/api/console/search?q=${encodeURIComponent(query)}`),
  });
  const lang = i18n.language === 'zh' ? 'en' : i18n.language;
  return (
    <Stack>
      <Group>
        <TextInput placeholder={t('search')} value={q} onChange={(e) => setQ(e.currentTarget.value)} w={280} data-testid="search" />
        <Checkbox label={t('mine')} checked={mine} onChange={(e) => setMine(e.currentTarget.checked)} />
        <Checkbox label={t('overdue')} checked={overdue} onChange={(e) => setOverdue(e.currentTarget.checked)} data-testid="filter-overdue" />
        <Checkbox label={t('needsReply')} checked={needsReply} onChange={(e) => setNeedsReply(e.currentTarget.checked)} />
        <Select placeholder={t('segment')} clearable value={segment} onChange={setSegment} data={['strategic', 'new', 'problem']} w={140} />
      </Group>
      {query.length >= 2 && (
        <Card withBorder data-testid="search-results">
          {search.isLoading ? <Loader size="sm" /> : (search.data?.items ?? []).map((h) => (
            <Text key={h.message.id} size="sm" style={{ cursor: 'pointer' }} onClick={() => h.thread && navigate(`/threads/${h.thread.id}`)}>
              <b>{h.thread?.title}</b> · {h.message.text} {h.message.translations[lang] ? `→ ${h.message.translations[lang]!.text}` : ''}
            </Text>
          ))}
        </Card>
      )}
      {inbox.isLoading ? <Loader /> : (
        <Table highlightOnHover data-testid="inbox">
          <Table.Tbody>
            {(inbox.data?.items ?? []).map((it) => (
              <Table.Tr key={it.id} onClick={() => navigate(`/threads/${it.id}`)} style={{ cursor: 'pointer' }} data-testid="inbox-row">
                <Table.Td w={90}>{it.supplier ? <Badge variant="light">{it.supplier.code}</Badge> : null}</Table.Td>
                <Table.Td>
                  <Text fw={it.unread ? 700 : 400}>{it.title}</Text>
                  {it.supplier && <Text size="xs" c="dimmed">{it.supplier.name} · {it.supplier.segment}</Text>}
                </Table.Td>
                <Table.Td w={150}>{it.needsReply && <Badge color="orange" variant="outline">{t('needsReply')}</Badge>}</Table.Td>
                <Table.Td w={90}>{it.unread > 0 && <Badge color="red" data-testid="unread">{it.unread}</Badge>}</Table.Td>
                <Table.Td w={160}><Text size="sm" c="dimmed">{when(it.lastMessageAt)}</Text></Table.Td>
              </Table.Tr>
            ))}
            {!inbox.data?.items.length && <Table.Tr><Table.Td><Text c="dimmed">{t('noThreads')}</Text></Table.Td></Table.Tr>}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
