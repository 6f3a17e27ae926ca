import { Anchor, Badge, Button, Card, Grid, Group, Image, Loader, Stack, Text, Textarea, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { api, ApiError, localTime, type Msg, type OutboxItem, type ThreadInfo, type User } from '../api';
import { useNow } from '../clock';
import { ContactSettings } from './Supplier';
import { ProposalCard, useThreadProposals } from './Proposals';

const STATUS_COLOR: Record<string, string> = { queued: 'gray', sending: 'blue', sent: 'green', failed: 'red', cancelled: 'dark' };

const size = (n: number | null) => (n == null ? '' : n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${Math.round(n / 1024)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

/** Media previews: image thumbnail (or its name, size and dimensions), file name and size, voice length; the kept file opens from here. */
function Media({ m }: { m: Msg }) {
  const { t } = useTranslation();
  if (!m.media && m.type === 'text') return null;
  const md = m.media;
  const facts = (...xs: (string | null | undefined | false)[]) => xs.filter(Boolean).join(' · ');
  const src = md?.url ?? (m.type === 'image' ? md?.file : null);
  let body: React.ReactNode;
  if (m.type === 'image' && src)
    body = (
      <Anchor href={md?.file ?? src} target="_blank" rel="noreferrer">
        <Image src={src} maw={220} mah={220} fit="contain" radius="sm" alt={md?.name ?? 'image'} data-testid="media-image" />
      </Anchor>
    );
  else if (m.type === 'image')
    body = (
      <Badge variant="light" tt="none">
        🖼 {facts(md?.name ?? 'image', size(md?.size ?? null), md?.width && md.height ? `${md.width}×${md.height}` : null)}
      </Badge>
    );
  else if (m.type === 'voice')
    body = (
      <Badge variant="light" tt="none">
        🎤 {md?.durationSec != null ? `${Math.round(md.durationSec)} s` : '?'}
      </Badge>
    );
  else if (m.type === 'video')
    body = (
      <Badge variant="light" tt="none">
        🎬 {facts(md?.name ?? 'video', md?.durationSec != null ? `${Math.round(md.durationSec)} s` : null, size(md?.size ?? null))}
      </Badge>
    );
  else if (m.type === 'file')
    body = (
      <Badge variant="light" tt="none">
        📎 {facts(md?.name ?? 'file', size(md?.size ?? null))}
      </Badge>
    );
  else if (m.type === 'link' && md?.url)
    body = (
      <Anchor href={md.url} target="_blank" rel="noreferrer" size="sm">
        🔗 {md.title ?? md.url}
      </Anchor>
    );
  else
    body = (
      <Badge variant="outline" tt="none">
        {facts(m.type, md?.name)}
      </Badge>
    );
  return (
    <div data-testid="media" data-type={m.type}>
      {body}
      {md?.file && m.type !== 'image' && (
        <Anchor href={md.file} target="_blank" rel="noreferrer" size="sm" ml="xs" data-testid="media-open">
          {t('mediaOpen')}
        </Anchor>
      )}
      {md?.notStored && (
        <Text size="xs" c="dimmed" data-testid="media-not-stored">
          {t('mediaNotStored', { reason: md.notStored })}
        </Text>
      )}
    </div>
  );
}

function Message({ m, lang, tz }: { m: Msg; lang: string; tz: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const tr = m.translations[lang];
  const [draft, setDraft] = useState(tr?.text ?? '');
  const correct = useMutation({
    mutationFn: () => api(`/api/console/messages/${m.id}/translations/${lang}`, { method: 'PUT', body: { text: draft } }),
    onSuccess: () => {
      setEditing(false);
      void qc.invalidateQueries({ queryKey: ['messages'] });
    },
  });
  const flag = useMutation({ mutationFn: () => api(`/api/console/messages/${m.id}/flag`, { method: 'POST', body: { lang } }), onSuccess: () => void qc.invalidateQueries({ queryKey: ['messages'] }) });
  const mine = m.direction === 'out';
  // Ours: what the manager typed (console replies) beside the Chinese that went out.
  const other = mine ? (m.original?.text ?? tr?.text) : tr?.text;
  return (
    <Card withBorder padding="xs" bg={mine ? 'blue.0' : undefined} data-testid="message" data-direction={m.direction}>
      <Group justify="space-between" mb={4}>
        <Group gap={6}>
          <Text size="xs" fw={600}>
            {m.senderName ?? (mine ? 'Gendan' : '?')}
          </Text>
          {mine && (
            <Badge size="xs" color="green" data-testid="message-status">
              {t('status_sent')}
            </Badge>
          )}
        </Group>
        <Text size="xs" c="dimmed" data-testid="message-time" title={new Date(m.ts).toLocaleString()}>
          {localTime(tz, m.ts)} {tz.split('/').pop()?.replace('_', ' ')} · {t('yourTime')} {new Date(m.ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })} ·{' '}
          {new Date(m.ts).toLocaleDateString()}
        </Text>
      </Group>
      <Grid gap="xs">
        <Grid.Col span={6}>
          <Text size="xs" c="dimmed">
            {mine ? t('sentChinese') : t('original')}
          </Text>
          <Text size="sm" lang={m.lang === 'zh' ? 'zh-CN' : undefined} data-testid="original">
            {m.text}
          </Text>
          <Media m={m} />
        </Grid.Col>
        <Grid.Col span={6}>
          <Text size="xs" c="dimmed">
            {mine && m.original ? t('youWrote') : t('translation')}
            {tr?.source === 'correction' ? ' ✓' : ''}
            {m.flaggedBad ? ` · ${t('flagged')}` : ''}
          </Text>
          {editing ? (
            <Stack gap={4}>
              <Textarea autosize minRows={1} value={draft} onChange={(e) => setDraft(e.currentTarget.value)} data-testid="correction" />
              <Group gap={4}>
                <Button size="compact-xs" onClick={() => correct.mutate()} loading={correct.isPending} data-testid="save-correction">
                  {t('save')}
                </Button>
                <Button size="compact-xs" variant="subtle" onClick={() => setEditing(false)}>
                  {t('cancel')}
                </Button>
              </Group>
            </Stack>
          ) : (
            <Text size="sm" data-testid="translation">
              {other ?? (m.translationStatus === 'pending' ? t('pendingTranslation') : m.type === 'text' ? t('failedTranslation') : '')}
            </Text>
          )}
          {!mine && m.type === 'text' && !editing && (
            <Group gap={4} mt={4}>
              <Button
                size="compact-xs"
                variant="light"
                onClick={() => {
                  setDraft(tr?.text ?? '');
                  setEditing(true);
                }}
                data-testid="correct"
              >
                {t('correct')}
              </Button>
              {tr && !m.flaggedBad && (
                <Button size="compact-xs" variant="subtle" color="red" onClick={() => flag.mutate()} data-testid="flag">
                  {t('flag')}
                </Button>
              )}
            </Group>
          )}
        </Grid.Col>
      </Grid>
    </Card>
  );
}

/**
 * The reply box: the manager writes in their language; the Chinese that will be sent is previewed
 * (debounced) and may be edited. Send waits until the preview matches the text as it is now, so a
 * quick click after typing can never send the Chinese of an older draft. Ctrl/⌘+Enter sends.
 */
function ReplyBox({ threadId, onSent }: { threadId: string; onSent: () => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [zh, setZh] = useState('');
  const [zhFor, setZhFor] = useState<string>();
  const [edited, setEdited] = useState(false);
  const [error, setError] = useState<string>();
  const [debounced] = useDebouncedValue(text.trim(), 400);
  useEffect(() => {
    if (!debounced || edited) return;
    let gone = false;
    api<{ zh: string }>(`/api/console/threads/${threadId}/preview`, { method: 'POST', body: { text: debounced } })
      .then((r) => {
        if (gone) return;
        setZh(r.zh);
        setZhFor(debounced);
        setError(undefined);
      })
      .catch((e) => !gone && setError(e instanceof ApiError ? e.message : String(e)));
    return () => {
      gone = true;
    };
  }, [debounced, threadId, edited]);
  const current = text.trim();
  const fresh = edited || (current !== '' && zhFor === current);
  const send = useMutation({
    mutationFn: () => api<OutboxItem>(`/api/console/threads/${threadId}/replies`, { method: 'POST', body: { text: current, zh: zh.trim() }, headers: { 'Idempotency-Key': crypto.randomUUID() } }),
    onSuccess: () => {
      setText('');
      setZh('');
      setZhFor(undefined);
      setEdited(false);
      setError(undefined);
      onSent();
    },
    onError: (e) => setError(e instanceof ApiError ? e.message : String(e)),
  });
  const canSend = Boolean(current && zh.trim() && fresh && !send.isPending);
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && canSend) {
      e.preventDefault();
      send.mutate();
    }
  };
  return (
    <Card withBorder data-testid="reply-box">
      <Stack gap="xs">
        <Textarea
          placeholder={t('replyPlaceholder')}
          autosize
          minRows={2}
          value={text}
          onKeyDown={onKey}
          onChange={(e) => {
            setText(e.currentTarget.value);
            setEdited(false);
          }}
          data-testid="reply"
        />
        <Textarea
          label={
            <Group gap={6}>
              {t('chinesePreview')}
              {current && !fresh && !error && <Loader size={12} data-testid="preview-pending" />}
              {edited && (
                <Badge size="xs" variant="light">
                  {t('editedByYou')}
                </Badge>
              )}
            </Group>
          }
          autosize
          minRows={1}
          value={zh}
          lang="zh-CN"
          onKeyDown={onKey}
          onChange={(e) => {
            setZh(e.currentTarget.value);
            setEdited(true);
          }}
          data-testid="reply-zh"
        />
        {error && (
          <Text c="red" size="sm" data-testid="reply-error">
            {error}
          </Text>
        )}
        <Group justify="space-between">
          <Text size="xs" c="dimmed">
            Ctrl+Enter
          </Text>
          <Button onClick={() => send.mutate()} disabled={!canSend} loading={send.isPending} data-testid="send">
            {t('send')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** A reply not yet seen in the chat: its status live, the error and a retry when it failed. */
function OutboxCard({ o, threadId }: { o: OutboxItem; threadId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const retry = useMutation({
    mutationFn: () => api(`/api/console/notices/${o.id}/retry`, { method: 'POST' }),
    onSettled: () => void qc.invalidateQueries({ queryKey: ['messages', threadId] }),
  });
  return (
    <Card withBorder padding="xs" bg="blue.0" data-testid="outbox-item" data-status={o.status}>
      <Group justify="space-between" wrap="nowrap">
        <Grid gap="xs" style={{ flex: 1 }}>
          <Grid.Col span={6}>
            <Text size="xs" c="dimmed">
              {t('sentChinese')}
            </Text>
            <Text size="sm" lang="zh-CN">
              {o.text}
            </Text>
          </Grid.Col>
          <Grid.Col span={6}>
            <Text size="xs" c="dimmed">
              {t('youWrote')}
            </Text>
            <Text size="sm">{o.original?.text ?? ''}</Text>
          </Grid.Col>
        </Grid>
        <Stack gap={4} align="flex-end">
          <Badge color={STATUS_COLOR[o.status]} data-testid="outbox-status">
            {t(`status_${o.status}`)}
          </Badge>
          {o.attempts > 1 && (
            <Text size="xs" c="dimmed">
              {t('attempts', { n: o.attempts })}
            </Text>
          )}
          {o.status === 'failed' && (
            <Button size="compact-xs" color="red" variant="light" onClick={() => retry.mutate()} loading={retry.isPending} data-testid="outbox-retry">
              {t('retry')}
            </Button>
          )}
        </Stack>
      </Group>
      {o.lastError && (
        <Text size="xs" c="red" data-testid="outbox-error">
          {o.lastError}
        </Text>
      )}
    </Card>
  );
}

export function Thread({ id, user }: { id: string; user: User }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [, navigate] = useLocation();
  const now = useNow();
  const info = useQuery({ queryKey: ['thread', id], queryFn: () => api<ThreadInfo>(`/api/console/threads/${id}`) });
  const msgs = useInfiniteQuery({
    queryKey: ['messages', id],
    initialPageParam: '',
    queryFn: ({ pageParam }) => api<{ items: Msg[]; outbox: OutboxItem[] }>(`/api/console/threads/${id}/messages?limit=50${pageParam ? `&before=${encodeURIComponent(pageParam)}` : ''}`),
    getNextPageParam: (last) => (last.items.length === 50 ? last.items[last.items.length - 1]!.ts : undefined),
  });
  const proposals = useThreadProposals(id);
  const count = msgs.data?.pages[0]?.items.length ?? 0;
  const newest = msgs.data?.pages[0]?.items[0]?.id;
  useEffect(() => {
    if (!count) return;
    void api(`/api/console/threads/${id}/read`, { method: 'POST' }).then(() => qc.invalidateQueries({ queryKey: ['inbox'] }));
  }, [id, newest, count, qc]);
  const bottom = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Braces: Chromium's scrollIntoView now returns a promise, which an effect must not return.
    bottom.current?.scrollIntoView({ block: 'end' });
  }, [newest]);
  if (info.isLoading || msgs.isLoading) return <Loader />;
  if (info.error) return <Text c="red">{(info.error as Error).message}</Text>;
  const th = info.data!;
  const items = (msgs.data?.pages ?? [])
    .flatMap((p) => p.items)
    .slice()
    .reverse();
  const outbox = (msgs.data?.pages[0]?.outbox ?? []).slice().reverse();
  const lang = user.language;
  return (
    <Grid>
      <Grid.Col span={{ base: 12, md: 9 }}>
        <Stack gap="xs">
          <Group justify="space-between">
            <Title order={4} data-testid="thread-title">
              {th.title}
            </Title>
            <Text size="sm" c="dimmed" data-testid="contact-time">
              {t('localTime')}: {localTime(th.timezone, now)} ({th.timezone})
            </Text>
          </Group>
          {msgs.hasNextPage && (
            <Button variant="subtle" size="xs" onClick={() => msgs.fetchNextPage()} loading={msgs.isFetchingNextPage}>
              {t('loadMore')}
            </Button>
          )}
          {items.map((m) => (
            <Fragment key={m.id}>
              <Message m={m} lang={lang} tz={th.timezone} />
              {(proposals.get(m.id) ?? []).map((p) => (
                <ProposalCard key={p.id} p={p} invalidate={[['proposals', id]]} />
              ))}
            </Fragment>
          ))}
          {outbox.map((o) => (
            <OutboxCard key={o.id} o={o} threadId={id} />
          ))}
          <div ref={bottom} />
          <ReplyBox threadId={id} onSent={() => void qc.invalidateQueries({ queryKey: ['messages', id] })} />
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 3 }}>
        {th.supplier && (
          <Card withBorder data-testid="supplier-summary">
            <Text fw={700}>
              {th.supplier.shownCode} · {th.supplier.name}
            </Text>
            <Text size="sm">
              {t('segment')}: {th.supplier.segment}
            </Text>
            {th.contact && (
              <>
                <Text size="sm">
                  {th.contact.name}
                  {th.contact.role ? ` (${th.contact.role})` : ''}
                </Text>
                <ContactSettings contact={th.contact} now={now} onSaved={() => void qc.invalidateQueries({ queryKey: ['thread', id] })} />
              </>
            )}
            <Text size="sm">
              {t('localTime')}: {localTime(th.timezone, now)}
            </Text>
            <Button mt="sm" size="xs" variant="light" onClick={() => navigate(`/suppliers/${th.supplier!.code}`)}>
              {t('supplier')}
            </Button>
          </Card>
        )}
      </Grid.Col>
    </Grid>
  );
}
