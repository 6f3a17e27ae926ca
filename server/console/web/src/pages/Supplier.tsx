import { Alert, Badge, Button, Card, Grid, Group, Image, Loader, Modal, Select, SimpleGrid, Stack, Table, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { LineChart } from '@mantine/charts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fmtDate, fmtDateTime, fmtCount, fmtMoney } from '../i18n';
import { useLocation } from 'wouter';
import { api, errorText, localTime, type Person, type SupplierPage, type SupplierProfile, type SupplierWrite, type User } from '../api';
import { useNow } from '../clock';

interface Scorecard {
  period: string;
  score: number | null;
  class: string | null;
  kpis: { onTimeRate: number | null; replyMedianMin: number | null };
  reasons: string[];
}
const SEGMENTS = ['strategic', 'new', 'problem'];
const ROLES = ['sales', 'merchandiser', 'qc', 'logistics', 'forwarder', 'agent', 'inspector', 'other'];

/** The supplier page: card, profile (editable), figures, segment history, duplicates and merge (head and admin), binding code. */
export function SupplierCard({ code, user }: { code: string; user: User }) {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const qc = useQueryClient();
  const now = useNow();
  const card = useQuery({ queryKey: ['supplier', code], queryFn: () => api<SupplierPage>(`/api/console/suppliers/${encodeURIComponent(code)}/page`) });
  const history = useQuery({ queryKey: ['scorecards', code], queryFn: () => api<{ items: Scorecard[] }>(`/api/suppliers/${encodeURIComponent(code)}/scorecards?months=6`) });
  const segments = useQuery({
    queryKey: ['segment-history', code],
    queryFn: () => api<{ items: { from: string | null; to: string; by: string; at: string; reason: string | null }[] }>(`/api/suppliers/${encodeURIComponent(code)}/segment-history`),
  });
  const people = useQuery({ queryKey: ['people'], queryFn: () => api<{ items: Person[] }>('/api/console/people') });
  const bind = useMutation({ mutationFn: () => api<{ code: string; expiresAt: string; qr: string }>(`/api/console/suppliers/${encodeURIComponent(code)}/binding-code`, { method: 'POST', body: {} }) });
  const [editing, setEditing] = useState(false);
  const [merging, setMerging] = useState<{ code: string; name: string }>();
  if (card.error) return <Alert color="red">{errorText(card.error)}</Alert>;
  if (!card.data) return <Loader />;
  const c = card.data;
  const p = c.profile;
  const latest = history.data?.items[history.data.items.length - 1];
  const who = (id: string | null) => (id ? (people.data?.items.find((m) => m.id === id)?.name ?? '…') : '—');
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['supplier', code] });
    void qc.invalidateQueries({ queryKey: ['segment-history', code] });
  };
  const row = (label: string, value: React.ReactNode) => (
    <Group gap="xs" wrap="nowrap" align="flex-start">
      <Text size="sm" c="dimmed" w={150}>
        {label}
      </Text>
      <Text size="sm" style={{ flex: 1 }}>
        {value || '—'}
      </Text>
    </Group>
  );
  return (
    <Grid>
      <Grid.Col span={{ base: 12, md: 7 }}>
        <Stack>
          <Card withBorder data-testid="supplier-card">
            <Group justify="space-between">
              <Title order={4}>
                <span data-testid="supplier-code">{p.shownCode}</span> · {c.name}
              </Title>
              <Button size="xs" variant="light" onClick={() => setEditing(true)} data-testid="edit-supplier">
                {t('edit')}
              </Button>
            </Group>
            {p.formerCodes.length > 0 && (
              <Text size="xs" c="dimmed" data-testid="former-codes">
                {t('formerCodes')}: {p.formerCodes.join(', ')}
              </Text>
            )}
            {!p.tag && <TagForm code={c.code} onSaved={refresh} />}
            <Group gap="xs" my="xs">
              <Badge variant="light">{c.segment}</Badge>
              {p.categories.map((x) => (
                <Badge key={x} color="gray" variant="outline">
                  {x}
                </Badge>
              ))}
              {p.certifications.map((x) => (
                <Badge key={x} color="teal" variant="outline">
                  {x}
                </Badge>
              ))}
            </Group>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing={4}>
              {row(t('legalName'), p.legalName)}
              {row(t('nameEn'), p.nameEn)}
              {row(t('region'), [p.region, p.province].filter(Boolean).join(' · '))}
              {row(t('port'), p.port)}
              {row(t('capacity'), [p.capacity, p.load && `${t('load')}: ${p.load}`].filter(Boolean).join(' · '))}
              {row(t('paymentTerms'), p.paymentTerms)}
              {row(t('language'), p.language)}
              {row(
                t('localTime'),
                <span data-testid="supplier-local-time">
                  {localTime(c.timezone, now)} ({c.timezone})
                </span>,
              )}
              {row(t('manager'), c.manager?.name)}
              {row(t('backupManager'), who(p.backupManagerId))}
              {row(t('phones'), p.phones.join(', '))}
              {row(t('emails'), p.emails.join(', '))}
              {row(t('taxId'), p.taxId)}
              {row(t('lastContact'), c.lastContactAt ? fmtDateTime(c.lastContactAt) : '')}
            </SimpleGrid>
            <Text fw={600} mt="sm">
              {t('contacts')}
            </Text>
            {c.contacts.map((x) => (
              <ContactRow key={x.id} contact={x} now={now} onSaved={refresh} />
            ))}
          </Card>
          <Card withBorder data-testid="supplier-totals">
            <Text fw={600}>{t('figures')}</Text>
            <SimpleGrid cols={3} mt={4}>
              <div>
                <Text size="xs" c="dimmed">
                  {t('cooperatingSince')}
                </Text>
                <Text>{c.totals.cooperatingSince ? fmtDate(c.totals.cooperatingSince) : '—'}</Text>
              </div>
              <div>
                <Text size="xs" c="dimmed">
                  {t('ordersCount')}
                </Text>
                <Text data-testid="orders-count">
                  {fmtCount(c.totals.ordersCount)} ({t('openN', { n: fmtCount(c.totals.openCount) })})
                </Text>
              </div>
              <div>
                <Text size="xs" c="dimmed">
                  {t('valueByCurrency')}
                </Text>
                {c.totals.byCurrency.map((x) => (
                  <Text key={x.currency} size="sm">
                    {fmtMoney(x.total, x.currency)} · {t('average')} {fmtMoney(x.average, x.currency)}
                  </Text>
                ))}
                {!c.totals.byCurrency.length && <Text>—</Text>}
              </div>
            </SimpleGrid>
          </Card>
          <Card withBorder>
            <Group justify="space-between">
              <Text fw={600}>{t('openOrders')}</Text>
              <Button size="xs" variant="light" onClick={() => navigate(`/orders?supplier=${encodeURIComponent(c.code)}`)} data-testid="to-orders">
                {t('orders')}
              </Button>
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
            {!c.openOrders.length && (
              <Text size="sm" c="dimmed">
                {t('noOrders')}
              </Text>
            )}
          </Card>
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 5 }}>
        <Stack>
          {c.possibleDuplicates.length > 0 && (
            <Card withBorder data-testid="duplicates" bg="yellow.0">
              <Text fw={600}>{t('possibleDuplicates')}</Text>
              {c.possibleDuplicates.map((d) => (
                <Group key={d.supplier.id} justify="space-between" mt={4} data-testid="duplicate">
                  <div>
                    <Text size="sm" fw={600} style={{ cursor: 'pointer' }} onClick={() => navigate(`/suppliers/${encodeURIComponent(d.supplier.code)}`)}>
                      {d.supplier.shownCode ?? d.supplier.code} · {d.supplier.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {d.reasons.join('; ')}
                    </Text>
                  </div>
                  {/* A merge cannot be undone: the head of purchasing or an admin does it (the route says so too). */}
                  {user.role !== 'manager' && (
                    <Button size="xs" color="orange" onClick={() => setMerging({ code: d.supplier.code, name: d.supplier.name })} data-testid="merge">
                      {t('merge')}
                    </Button>
                  )}
                </Group>
              ))}
            </Card>
          )}
          <Card withBorder>
            <Group justify="space-between">
              <Text fw={600}>{t('scorecard')}</Text>
              {latest && (
                <Badge size="lg" color={{ A: 'green', B: 'teal', C: 'orange', D: 'red' }[latest.class ?? ''] ?? 'gray'}>
                  {latest.class ?? '—'} · {fmtCount(latest.score)}
                </Badge>
              )}
            </Group>
            {latest?.reasons.map((r) => (
              <Text key={r} size="xs" c="dimmed">
                • {r}
              </Text>
            ))}
            {history.data && (
              <LineChart
                h={160}
                mt="sm"
                data={history.data.items.map((s) => ({ period: s.period, score: s.score ?? 0, onTime: s.kpis.onTimeRate === null ? 0 : Math.round(s.kpis.onTimeRate * 100) }))}
                dataKey="period"
                series={[
                  { name: 'score', color: 'blue.6', label: t('score') },
                  { name: 'onTime', color: 'green.6', label: t('onTime') },
                ]}
              />
            )}
          </Card>
          <Card withBorder>
            <Text fw={600}>{t('segmentHistory')}</Text>
            {(segments.data?.items ?? []).map((h, i) => (
              <Text key={i} size="xs">
                {fmtDate(h.at)} · {h.from ?? '—'} → <b>{h.to}</b> · {h.by}
                {h.reason ? ` · ${h.reason}` : ''}
              </Text>
            ))}
            {!segments.data?.items.length && (
              <Text size="xs" c="dimmed">
                —
              </Text>
            )}
            {p.merges.map((m) => (
              <Text key={m.code} size="xs" c="dimmed">
                {t('mergedFrom', { code: m.code })} · {fmtDate(m.at)} · {m.by}
              </Text>
            ))}
          </Card>
          <Card withBorder>
            <Button onClick={() => bind.mutate()} loading={bind.isPending} data-testid="issue-code">
              {t('issueCode')}
            </Button>
            {bind.data && (
              <Stack align="center" mt="sm" data-testid="binding-code">
                <Image src={bind.data.qr} w={200} alt="QR" />
                <Text ff="monospace" fw={700} size="xl">
                  {bind.data.code}
                </Text>
                <Text size="xs" c="dimmed">
                  {t('validUntil')} {fmtDateTime(bind.data.expiresAt)}
                </Text>
              </Stack>
            )}
          </Card>
        </Stack>
      </Grid.Col>
      {editing && (
        <ProfileForm
          profile={p}
          people={people.data?.items ?? []}
          onClose={(saved) => {
            setEditing(false);
            if (saved) refresh();
          }}
        />
      )}
      {merging && (
        <MergeDialog
          survivor={c.code}
          other={merging}
          onClose={(survivor) => {
            setMerging(undefined);
            if (survivor) {
              void qc.invalidateQueries({ queryKey: ['supplier'] });
              navigate(`/suppliers/${encodeURIComponent(survivor)}`);
            }
          }}
        />
      )}
    </Grid>
  );
}

/** The country + abbreviation tag of the code (`D12` → `D12 AUGI`); the server refuses it before the first order. */
function TagForm({ code, onSaved }: { code: string; onSaved: () => void }) {
  const { t } = useTranslation();
  const [country, setCountry] = useState('');
  const [abbr, setAbbr] = useState('');
  const save = useMutation({ mutationFn: () => api(`/api/console/suppliers/${encodeURIComponent(code)}/tag`, { method: 'PUT', body: { country, abbr } }), onSuccess: onSaved });
  return (
    <Group gap="xs" mt={4} data-testid="tag-form">
      <TextInput size="xs" w={70} placeholder="CN" aria-label={t('tagCountry')} value={country} onChange={(e) => setCountry(e.currentTarget.value)} data-testid="tag-country" />
      <TextInput size="xs" w={90} placeholder="AUGI" aria-label={t('tagAbbr')} value={abbr} onChange={(e) => setAbbr(e.currentTarget.value)} data-testid="tag-abbr" />
      <Button size="xs" variant="light" onClick={() => save.mutate()} loading={save.isPending} disabled={!country.trim() || !abbr.trim()} data-testid="tag-save">
        {t('addTag')}
      </Button>
      {save.error && (
        <Text size="xs" c="red" data-testid="tag-error">
          {errorText(save.error)}
        </Text>
      )}
    </Group>
  );
}

function ContactRow({ contact, now, onSaved }: { contact: SupplierPage['contacts'][number]; now: Date; onSaved: () => void }) {
  const { t } = useTranslation();
  const [role, setRole] = useState<string | null>(contact.role);
  const [phone, setPhone] = useState(contact.phone ?? '');
  const save = useMutation({ mutationFn: (body: { role?: string; phone?: string }) => api(`/api/contacts/${contact.id}`, { method: 'PUT', body }), onSuccess: onSaved });
  return (
    <Group gap="xs" data-testid="contact">
      <Text size="sm" w={160}>
        {contact.name}
      </Text>
      <Select
        size="xs"
        w={150}
        placeholder={t('role')}
        data={ROLES}
        value={role}
        clearable
        onChange={(v) => {
          setRole(v);
          save.mutate({ role: v ?? '' });
        }}
      />
      <TextInput
        size="xs"
        w={150}
        placeholder={t('phones')}
        value={phone}
        onChange={(e) => setPhone(e.currentTarget.value)}
        onBlur={() => phone !== (contact.phone ?? '') && save.mutate({ phone })}
        data-testid="contact-phone"
      />
      <ContactSettings contact={contact} now={now} onSaved={onSaved} />
    </Group>
  );
}

/**
 * A contact's time zone (IANA, checked by the server) and language (the one replies and notices
 * go out in: zh, en); on the supplier page and beside a conversation.
 */
export function ContactSettings({ contact, now, onSaved }: { contact: { id: string; timezone: string; language: string }; now: Date; onSaved: () => void }) {
  const { t } = useTranslation();
  const [tz, setTz] = useState(contact.timezone);
  const save = useMutation({ mutationFn: (body: { timezone?: string; language?: string }) => api(`/api/contacts/${contact.id}`, { method: 'PUT', body }), onSuccess: onSaved });
  return (
    <Group gap="xs" data-testid="contact-settings">
      <TextInput
        size="xs"
        w={150}
        aria-label={t('timezone')}
        value={tz}
        onChange={(e) => setTz(e.currentTarget.value)}
        onBlur={() => tz.trim() !== contact.timezone && save.mutate({ timezone: tz.trim() })}
        error={save.error ? errorText(save.error) : undefined}
        data-testid="contact-timezone"
      />
      <Select
        size="xs"
        w={70}
        aria-label={t('contactLanguage')}
        data={['zh', 'en']}
        value={contact.language}
        allowDeselect={false}
        onChange={(v) => v && v !== contact.language && save.mutate({ language: v })}
        data-testid="contact-language"
      />
      <Text size="xs" c="dimmed" data-testid="contact-local-time">
        {localTime(contact.timezone, now)}
      </Text>
    </Group>
  );
}

type FormState = Record<'name' | 'nameEn' | 'legalName' | 'taxId' | 'region' | 'province' | 'port' | 'capacity' | 'load' | 'paymentTerms' | 'timezone', string> & {
  categories: string[];
  certifications: string[];
  phones: string[];
  emails: string[];
  language: string;
  segment: string;
  managerId: string | null;
  backupManagerId: string | null;
};

/** The profile form, for a new supplier (no `profile`) or an edit; duplicates are shown after saving. */
export function ProfileForm({ profile, people, onClose }: { profile?: SupplierProfile; people: Person[]; onClose: (savedCode?: string) => void }) {
  const { t } = useTranslation();
  const fairs = useQuery({ queryKey: ['fairs'], queryFn: () => api<{ items: { letter: string; name: string }[]; next: string | null }>('/api/fairs'), enabled: !profile });
  const [f, setF] = useState<FormState>({
    name: profile?.name ?? '',
    nameEn: profile?.nameEn ?? '',
    legalName: profile?.legalName ?? '',
    taxId: profile?.taxId ?? '',
    region: profile?.region ?? '',
    province: profile?.province ?? '',
    port: profile?.port ?? '',
    capacity: profile?.capacity ?? '',
    load: profile?.load ?? '',
    paymentTerms: profile?.paymentTerms ?? '',
    timezone: profile?.timezone ?? 'Asia/Shanghai',
    categories: profile?.categories ?? [],
    certifications: profile?.certifications ?? [],
    phones: profile?.phones ?? [],
    emails: profile?.emails ?? [],
    language: profile?.language ?? 'zh',
    segment: profile?.segment ?? 'new',
    managerId: profile?.managerId ?? null,
    backupManagerId: profile?.backupManagerId ?? null,
  });
  const [fair, setFair] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [result, setResult] = useState<SupplierWrite>();
  const save = useMutation({
    mutationFn: () => {
      const body = { ...f, managerId: f.managerId || null, backupManagerId: f.backupManagerId || null, segment: f.segment as 'new' };
      if (profile) return api<SupplierWrite>(`/api/console/suppliers/${encodeURIComponent(profile.code)}`, { method: 'PATCH', body });
      return api<SupplierWrite>('/api/console/suppliers', {
        method: 'POST',
        body: { ...body, managerId: f.managerId ?? undefined, backupManagerId: f.backupManagerId ?? undefined, ...(fair ? { fairLetter: fair } : {}), ...(code ? { code } : {}) },
      });
    },
    onSuccess: (r) => (r.possibleDuplicates.length ? setResult(r) : onClose(r.supplier.code)),
  });
  const text = (k: keyof FormState & string, label: string) => (
    <TextInput label={label} value={f[k] as string} onChange={(e) => setF({ ...f, [k]: e.currentTarget.value })} data-testid={`profile-${k}`} />
  );
  const managers = people.map((p) => ({ value: p.id, label: p.name }));
  return (
    <Modal opened onClose={() => onClose(result?.supplier.code)} size="xl" title={profile ? `${profile.shownCode} · ${profile.name}` : t('newSupplier')}>
      {result ? (
        <Stack data-testid="saved-duplicates">
          <Alert color="yellow">{t('savedWithDuplicates', { code: result.supplier.code })}</Alert>
          {result.possibleDuplicates.map((d) => (
            <Text key={d.supplier.id} size="sm">
              {d.supplier.shownCode ?? d.supplier.code} · {d.supplier.name}: {d.reasons.join('; ')}
            </Text>
          ))}
          <Button onClick={() => onClose(result.supplier.code)}>{t('ok')}</Button>
        </Stack>
      ) : (
        <Stack gap="xs">
          <SimpleGrid cols={3} spacing="xs">
            {text('name', t('companyName'))}
            {text('legalName', t('legalName'))}
            {text('nameEn', t('nameEn'))}
            {text('region', t('region'))}
            {text('province', t('province'))}
            {text('port', t('port'))}
            {text('capacity', t('capacity'))}
            {text('load', t('load'))}
            {text('paymentTerms', t('paymentTerms'))}
            {text('taxId', t('taxId'))}
            {text('timezone', t('timezone'))}
            <Select label={t('language')} value={f.language} onChange={(v) => setF({ ...f, language: v ?? 'zh' })} data={['zh', 'en']} />
          </SimpleGrid>
          <SimpleGrid cols={2} spacing="xs">
            <TagsInput label={t('category')} value={f.categories} onChange={(v) => setF({ ...f, categories: v })} data-testid="profile-categories" />
            <TagsInput
              label={t('certification')}
              value={f.certifications}
              onChange={(v) => setF({ ...f, certifications: v })}
              data={['ISO 9001', 'CE', 'RoHS', 'BSCI', 'UL', 'FCC']}
              data-testid="profile-certifications"
            />
            <TagsInput label={t('phones')} value={f.phones} onChange={(v) => setF({ ...f, phones: v })} />
            <TagsInput label={t('emails')} value={f.emails} onChange={(v) => setF({ ...f, emails: v })} />
          </SimpleGrid>
          <SimpleGrid cols={3} spacing="xs">
            <Select label={t('segment')} value={f.segment} onChange={(v) => setF({ ...f, segment: v ?? 'new' })} data={SEGMENTS} data-testid="profile-segment" />
            <Select label={t('manager')} clearable value={f.managerId} onChange={(v) => setF({ ...f, managerId: v })} data={managers} data-testid="profile-manager" />
            <Select label={t('backupManager')} clearable value={f.backupManagerId} onChange={(v) => setF({ ...f, backupManagerId: v })} data={managers} />
          </SimpleGrid>
          {!profile && (
            <Group grow>
              <Select
                label={t('fairLetter')}
                clearable
                value={fair}
                onChange={setFair}
                data={(fairs.data?.items ?? []).map((x) => ({ value: x.letter, label: `${x.letter} · ${x.name}` }))}
                data-testid="profile-fair"
              />
              <TextInput label={t('orCode')} placeholder="D12 / 007" value={code} onChange={(e) => setCode(e.currentTarget.value)} />
            </Group>
          )}
          {save.error && (
            <Alert color="red" data-testid="profile-error">
              {errorText(save.error)}
            </Alert>
          )}
          <Button onClick={() => save.mutate()} loading={save.isPending} data-testid="save-supplier">
            {t('save')}
          </Button>
        </Stack>
      )}
    </Modal>
  );
}

function MergeDialog({ survivor, other, onClose }: { survivor: string; other: { code: string; name: string }; onClose: (survivorCode?: string) => void }) {
  const { t } = useTranslation();
  const merge = useMutation({
    mutationFn: () => api<{ supplier: SupplierProfile }>(`/api/console/suppliers/${encodeURIComponent(survivor)}/merge`, { method: 'POST', body: { other: other.code } }),
    onSuccess: (r) => onClose(r.supplier.code),
  });
  return (
    <Modal opened onClose={() => onClose()} title={t('merge')}>
      <Stack>
        <Text size="sm" data-testid="merge-text">
          {t('mergeConfirm', { a: survivor, b: other.code, name: other.name })}
        </Text>
        {merge.error && <Alert color="red">{errorText(merge.error)}</Alert>}
        <Group justify="flex-end">
          <Button variant="subtle" onClick={() => onClose()}>
            {t('cancel')}
          </Button>
          <Button color="orange" onClick={() => merge.mutate()} loading={merge.isPending} data-testid="merge-confirm">
            {t('merge')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
