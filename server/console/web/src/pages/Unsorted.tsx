import { Alert, Badge, Button, Card, Group, Select, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fmtDateTime } from '../i18n';
import { api, errorText, type FriendRequest, type Person, type SortResult, type UnsortedItem, type User } from '../api';

const ROLES = ['sales', 'merchandiser', 'qc', 'logistics', 'forwarder', 'agent', 'inspector', 'other'];
type Kind = 'supplier' | 'contact' | 'colleague' | 'ignore';

/** The inbox's Unsorted tab: new contacts and rooms with their first messages translated, and the four ways to sort them. */
export function Unsorted({ user }: { user: User }) {
  const { t } = useTranslation();
  const list = useQuery({ queryKey: ['unsorted'], queryFn: () => api<{ items: UnsortedItem[] }>('/api/console/unsorted'), refetchInterval: 5000 });
  const items = list.data?.items ?? [];
  return (
    <Stack data-testid="unsorted">
      {!items.length && !list.isLoading && <Text c="dimmed">{t('nothingUnsorted')}</Text>}
      {items.map((it) => (
        <UnsortedCard key={it.id} item={it} user={user} />
      ))}
    </Stack>
  );
}

function UnsortedCard({ item, user }: { item: UnsortedItem; user: User }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [kind, setKind] = useState<Kind>(item.proposals.length ? 'contact' : 'supplier');
  const [f, setF] = useState({ code: '', fairLetter: '', name: item.company ?? '', managerId: '', supplier: item.proposals[0]?.code ?? '', role: '', colleague: '' });
  const suppliers = useQuery({
    queryKey: ['suppliers-pick'],
    queryFn: () => api<{ items: { code: string; shownCode?: string; name: string }[] }>('/api/console/suppliers'),
    enabled: kind === 'contact',
  });
  const people = useQuery({ queryKey: ['people'], queryFn: () => api<{ items: Person[] }>('/api/console/people'), enabled: kind === 'supplier' || kind === 'colleague' });
  const fairs = useQuery({ queryKey: ['fairs'], queryFn: () => api<{ items: { letter: string; name: string }[]; next: string | null }>('/api/fairs'), enabled: kind === 'supplier' });
  const [done, setDone] = useState<SortResult>();
  const sort = useMutation({
    mutationFn: () => {
      const body =
        kind === 'supplier'
          ? {
              kind,
              ...(f.code ? { code: f.code } : {}),
              ...(f.fairLetter ? { fairLetter: f.fairLetter } : {}),
              ...(f.name ? { name: f.name } : {}),
              ...(f.managerId ? { managerId: f.managerId } : {}),
            }
          : kind === 'contact'
            ? { kind, supplier: f.supplier, ...(f.role ? { role: f.role } : {}) }
            : kind === 'colleague'
              ? { kind, ...(f.colleague ? { managerId: f.colleague } : {}) }
              : { kind, confirm: true };
      return api<SortResult>(`/api/console/unsorted/${item.id}/sort`, { method: 'POST', body });
    },
    onSuccess: (r) => {
      setDone(r);
      void qc.invalidateQueries({ queryKey: ['inbox'] });
      void qc.invalidateQueries({ queryKey: ['suppliers-pick'] });
      setTimeout(() => void qc.invalidateQueries({ queryKey: ['unsorted'] }), 1500);
    },
  });
  const submit = () => {
    if (kind === 'ignore' && !window.confirm(item.kind === 'contact' ? t('ignoreConfirm', { name: item.name }) : t('ignoreRoomConfirm', { name: item.name }))) return;
    sort.mutate();
  };
  const lang = user.language;
  return (
    <Card withBorder data-testid="unsorted-item" data-name={item.name}>
      <Group justify="space-between" mb={4}>
        <Group gap="xs">
          <Badge variant="light">{t(item.kind === 'room' ? 'room' : 'contact')}</Badge>
          <Text fw={700}>{item.name}</Text>
          {item.company && (
            <Text size="sm" c="dimmed">
              {item.company}
            </Text>
          )}
          {item.phone && (
            <Text size="sm" c="dimmed">
              ☎ {item.phone}
            </Text>
          )}
        </Group>
        <Text size="xs" c="dimmed">
          {t('messagesN', { n: item.messageCount })}
          {item.lastMessageAt ? ` · ${fmtDateTime(item.lastMessageAt)}` : ''}
        </Text>
      </Group>
      <Stack gap={2} mb="xs">
        {item.firstMessages.map((m, i) => (
          <Group key={i} gap="md" wrap="nowrap" align="flex-start">
            <Text size="sm" lang="zh-CN" style={{ flex: 1 }}>
              {m.senderName ? <b>{m.senderName}: </b> : null}
              {m.text || `[${m.type}]`}
            </Text>
            <Text size="sm" c="dimmed" style={{ flex: 1 }} data-testid="unsorted-translation">
              {m.translations?.[lang] ?? m.translations?.en ?? '…'}
            </Text>
          </Group>
        ))}
      </Stack>
      {item.proposals.map((p) => (
        <Text key={p.supplierId} size="xs" c="blue" data-testid="proposal">
          → {p.shownCode ?? p.code} {p.name}: {p.reason}
        </Text>
      ))}
      {done ? (
        <Alert color="green" mt="xs" data-testid="sorted-result">
          {done.kind === 'supplier' && t('sortedSupplier', { code: done.supplier?.code, n: done.attached.messages })}
          {done.kind === 'contact' && t('sortedContact', { code: done.supplier?.code, n: done.attached.messages })}
          {done.kind === 'colleague' && t('sortedColleague')}
          {done.kind === 'ignore' && t('sortedIgnored', { n: done.deleted ?? 0 })}
        </Alert>
      ) : (
        <Stack gap="xs" mt="xs">
          <SegmentedControl
            size="xs"
            value={kind}
            onChange={(v) => setKind(v as Kind)}
            data-testid="sort-kind"
            data={[
              { value: 'supplier', label: t('sortSupplier') },
              { value: 'contact', label: t('sortContact') },
              ...(item.kind === 'contact' ? [{ value: 'colleague', label: t('sortColleague') }] : []),
              { value: 'ignore', label: t('sortIgnore') },
            ]}
          />
          <Group align="flex-end">
            {kind === 'supplier' && (
              <>
                <TextInput label={t('companyName')} value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} data-testid="sort-name" />
                <Select
                  label={t('fairLetter')}
                  clearable
                  w={200}
                  value={f.fairLetter || null}
                  onChange={(v) => setF({ ...f, fairLetter: v ?? '' })}
                  data-testid="sort-fair"
                  data={(fairs.data?.items ?? []).map((x) => ({ value: x.letter, label: `${x.letter} · ${x.name}` }))}
                />
                <TextInput label={t('orCode')} w={100} placeholder="D12 / 007" value={f.code} onChange={(e) => setF({ ...f, code: e.currentTarget.value })} data-testid="sort-code" />
                <Select
                  label={t('manager')}
                  clearable
                  w={200}
                  value={f.managerId || null}
                  onChange={(v) => setF({ ...f, managerId: v ?? '' })}
                  data-testid="sort-manager"
                  data={(people.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))}
                />
              </>
            )}
            {kind === 'contact' && (
              <>
                <Select
                  label={t('supplier')}
                  searchable
                  w={260}
                  value={f.supplier || null}
                  onChange={(v) => setF({ ...f, supplier: v ?? '' })}
                  data-testid="sort-supplier"
                  data={(suppliers.data?.items ?? []).map((s) => ({ value: s.code, label: `${s.shownCode ?? s.code} · ${s.name}` }))}
                />
                <Select label={t('role')} clearable w={160} value={f.role || null} onChange={(v) => setF({ ...f, role: v ?? '' })} data={ROLES} data-testid="sort-role" />
              </>
            )}
            {kind === 'colleague' && (
              <Select
                label={t('linkToManager')}
                clearable
                w={240}
                value={f.colleague || null}
                onChange={(v) => setF({ ...f, colleague: v ?? '' })}
                data={(people.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))}
              />
            )}
            {kind === 'ignore' && (
              <Text size="sm" c="dimmed">
                {t(item.kind === 'contact' ? 'ignoreHelp' : 'ignoreRoomHelp')}
              </Text>
            )}
            <Button onClick={submit} loading={sort.isPending} color={kind === 'ignore' ? 'red' : undefined} data-testid="sort-submit">
              {t('sort')}
            </Button>
          </Group>
          {sort.error && (
            <Alert color="orange" data-testid="sort-error">
              {errorText(sort.error)}
            </Alert>
          )}
        </Stack>
      )}
    </Card>
  );
}

/** Friend requests: the greeting with its translation; accept or decline. */
export function FriendRequests() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['friend-requests'], queryFn: () => api<{ items: FriendRequest[] }>('/api/console/friend-requests') });
  const [error, setError] = useState<string>();
  const decide = useMutation({
    mutationFn: ({ id, accept }: { id: string; accept: boolean }) => api<FriendRequest>(`/api/console/friend-requests/${id}/decision`, { method: 'POST', body: { accept } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['friend-requests'] }),
    onError: (e) => {
      setError(errorText(e));
      void qc.invalidateQueries({ queryKey: ['friend-requests'] });
    },
  });
  const items = list.data?.items ?? [];
  return (
    <Stack data-testid="friend-requests">
      {error && <Alert color="orange">{error}</Alert>}
      {!items.length && !list.isLoading && <Text c="dimmed">{t('noFriendRequests')}</Text>}
      {items.map((r) => (
        <Card withBorder key={r.id} data-testid="friend-request">
          <Group justify="space-between">
            <div>
              <Text fw={700}>
                {r.name}{' '}
                <Text span size="xs" c="dimmed">
                  {r.wechatId}
                </Text>
              </Text>
              <Text size="sm" lang="zh-CN">
                {r.hello || '—'}
              </Text>
              {r.helloTranslated && (
                <Text size="sm" c="dimmed" data-testid="hello-translated">
                  {r.helloTranslated}
                </Text>
              )}
            </div>
            <Group gap="xs">
              <Button size="xs" onClick={() => decide.mutate({ id: r.id, accept: true })} data-testid="accept-friend">
                {t('accept')}
              </Button>
              <Button size="xs" variant="light" color="red" onClick={() => decide.mutate({ id: r.id, accept: false })}>
                {t('decline')}
              </Button>
            </Group>
          </Group>
        </Card>
      ))}
    </Stack>
  );
}
