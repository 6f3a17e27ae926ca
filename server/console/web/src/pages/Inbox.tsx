import { Badge, Button, Card, Checkbox, Group, Highlight, Loader, Select, Stack, Table, Tabs, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fmtDateTime } from '../i18n';
import { useLocation } from 'wouter';
import { api, type InboxItem, type Msg, type Person, type User } from '../api';
import { FriendRequests, Unsorted } from './Unsorted';

const when = (s: string | null | Date) => (s ? fmtDateTime(s, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }) : '');
const SEGMENTS = ['strategic', 'new', 'problem'];

interface Hit {
  message: Msg;
  thread: { id: string; title: string } | null;
}

/** Search hits: the original and the reader's translation, the query marked in both. */
function SearchResults({ query, lang }: { query: string; lang: string }) {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const search = useQuery({
    queryKey: ['search', query],
    queryFn: () => api<{ items: Hit[] }>(`/api/console/search?q=${encodeURIComponent(query)}`),
  });
  const items = search.data?.items ?? [];
  return (
    <Card withBorder data-testid="search-results">
      {search.isLoading ? (
        <Loader size="sm" />
      ) : (
        <Stack gap={6}>
          <Text size="xs" c="dimmed">
            {items.length ? t('searchHits', { count: items.length }) : t('noHits')}
          </Text>
          {items.map((h) => {
            const tr = h.message.translations[lang]?.text ?? h.message.original?.text;
            return (
              <Group
                key={h.message.id}
                gap="xs"
                wrap="nowrap"
                align="flex-start"
                style={{ cursor: h.thread ? 'pointer' : undefined }}
                onClick={() => h.thread && navigate(`/threads/${h.thread.id}`)}
                data-testid="search-hit"
              >
                <Text size="sm" fw={700} miw={120}>
                  {h.thread?.title ?? '—'}
                </Text>
                <Highlight size="sm" highlight={query} lang={h.message.lang === 'zh' ? 'zh-CN' : undefined} style={{ flex: 1 }}>
                  {h.message.text ?? ''}
                </Highlight>
                {tr && (
                  <Highlight size="sm" c="dimmed" highlight={query} style={{ flex: 1 }}>
                    {tr}
                  </Highlight>
                )}
                <Text size="xs" c="dimmed" miw={110}>
                  {when(h.message.ts)}
                </Text>
              </Group>
            );
          })}
        </Stack>
      )}
    </Card>
  );
}

export interface Facets {
  regions: string[];
  provinces: string[];
  categories: string[];
  certifications: string[];
  languages: string[];
}
export type FactFilter = Partial<Record<'region' | 'province' | 'category' | 'certification' | 'managerId' | 'language', string>>;

/** The supplier filters shared by the inbox and the supplier list: each an equality on one field. */
export function SupplierFilters({ value, onChange }: { value: FactFilter; onChange: (v: FactFilter) => void }) {
  const { t } = useTranslation();
  const facets = useQuery({ queryKey: ['supplier-filters'], queryFn: () => api<Facets>('/api/console/supplier-filters') });
  const people = useQuery({ queryKey: ['people'], queryFn: () => api<{ items: Person[] }>('/api/console/people') });
  const f = facets.data;
  const pick = (key: keyof FactFilter, label: string, data: { value: string; label: string }[] | string[], w = 140) => (
    <Select
      key={key}
      placeholder={label}
      clearable
      searchable
      w={w}
      value={value[key] ?? null}
      onChange={(v) => onChange({ ...value, [key]: v ?? undefined })}
      data={data}
      data-testid={`filter-${key}`}
    />
  );
  return (
    <>
      {pick('region', t('region'), f?.regions ?? [])}
      {pick('province', t('province'), f?.provinces ?? [])}
      {pick('category', t('category'), f?.categories ?? [])}
      {pick('certification', t('certification'), f?.certifications ?? [])}
      {pick(
        'managerId',
        t('manager'),
        (people.data?.items ?? []).map((p) => ({ value: p.id, label: p.name })),
        180,
      )}
      {pick('language', t('language'), f?.languages ?? ['zh', 'en'], 100)}
    </>
  );
}

export function Inbox({ user }: { user: User }) {
  const { t } = useTranslation();
  const [tab, setTab] = useState<string | null>('threads');
  return (
    <Tabs value={tab} onChange={setTab} keepMounted={false}>
      <Tabs.List mb="md">
        <Tabs.Tab value="threads" data-testid="tab-threads">
          {t('conversations')}
        </Tabs.Tab>
        <Tabs.Tab value="unsorted" data-testid="tab-unsorted">
          {t('unsorted')}
        </Tabs.Tab>
        <Tabs.Tab value="friends" data-testid="tab-friends">
          {t('friendRequests')}
        </Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="threads">
        <Conversations user={user} />
      </Tabs.Panel>
      <Tabs.Panel value="unsorted">
        <Unsorted user={user} />
      </Tabs.Panel>
      <Tabs.Panel value="friends">
        <FriendRequests />
      </Tabs.Panel>
    </Tabs>
  );
}

function Conversations({ user }: { user: User }) {
  const { t } = useTranslation();
  const [facts, setFacts] = useState<FactFilter>({});
  const [, navigate] = useLocation();
  const [mine, setMine] = useState(false);
  const [overdue, setOverdue] = useState(false);
  const [needsReply, setNeedsReply] = useState(false);
  const [segment, setSegment] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const [query] = useDebouncedValue(q.trim(), 300);
  const params = new URLSearchParams({
    ...(Object.fromEntries(Object.entries(facts).filter(([, v]) => v)) as Record<string, string>),
    ...(mine ? { mine: 'true' } : {}),
    ...(overdue ? { overdue: 'true' } : {}),
    ...(needsReply ? { needsReply: 'true' } : {}),
    ...(segment ? { segment } : {}),
  });
  const inbox = useInfiniteQuery({
    queryKey: ['inbox', params.toString()],
    initialPageParam: 1,
    queryFn: ({ pageParam }) => api<{ items: InboxItem[]; page: number; hasMore: boolean }>(`/api/console/inbox?${params}${params.size ? '&' : ''}page=${pageParam}`),
    getNextPageParam: (last) => (last.hasMore ? last.page + 1 : undefined),
  });
  const rows = (inbox.data?.pages ?? []).flatMap((p) => p.items);
  return (
    <Stack>
      <Group>
        <TextInput placeholder={t('search')} value={q} onChange={(e) => setQ(e.currentTarget.value)} w={280} data-testid="search" />
        <Checkbox label={t('mine')} checked={mine} onChange={(e) => setMine(e.currentTarget.checked)} data-testid="filter-mine" />
        <Checkbox label={t('overdue')} checked={overdue} onChange={(e) => setOverdue(e.currentTarget.checked)} data-testid="filter-overdue" />
        <Checkbox label={t('needsReply')} checked={needsReply} onChange={(e) => setNeedsReply(e.currentTarget.checked)} data-testid="filter-needs-reply" />
        <Select placeholder={t('segment')} clearable value={segment} onChange={setSegment} data={SEGMENTS} w={140} data-testid="filter-segment" />
      </Group>
      <Group gap="xs">
        <SupplierFilters value={facts} onChange={setFacts} />
      </Group>
      {query.length >= 2 && <SearchResults query={query} lang={user.language} />}
      {inbox.isLoading ? (
        <Loader />
      ) : (
        <Table highlightOnHover data-testid="inbox">
          <Table.Tbody>
            {rows.map((it) => (
              <Table.Tr key={it.id} onClick={() => navigate(`/threads/${it.id}`)} style={{ cursor: 'pointer' }} data-testid="inbox-row" data-thread={it.id}>
                <Table.Td w={110}>
                  {it.supplier ? (
                    <Badge variant="light" data-testid="inbox-code">
                      {it.supplier.shownCode ?? it.supplier.code}
                    </Badge>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  <Text fw={it.unread ? 700 : 400}>{it.title}</Text>
                  {it.supplier && (
                    <Text size="xs" c="dimmed">
                      {it.supplier.name} · {it.supplier.segment}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td w={170}>
                  {it.needsReply && (
                    <Badge color="orange" variant="outline" style={{ overflow: 'visible' }} data-testid="needs-reply">
                      {t('needsReply')}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td w={70}>
                  {it.unread > 0 && (
                    <Badge color="red" title={t('unread')} data-testid="unread">
                      {it.unread}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td w={160}>
                  <Text size="sm" c="dimmed">
                    {when(it.lastMessageAt)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
            {!rows.length && (
              <Table.Tr>
                <Table.Td>
                  <Text c="dimmed">{t('noThreads')}</Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      )}
      {inbox.hasNextPage && (
        <Button variant="subtle" onClick={() => inbox.fetchNextPage()} loading={inbox.isFetchingNextPage} data-testid="more-threads">
          {t('moreThreads')}
        </Button>
      )}
    </Stack>
  );
}
