// Orders in (issue #21): the cross-supplier board (the morning screen), the new-order form with
// the supplier's defaults and lead-time template, the order page (lines, timeline, history with
// where each change came from, close / cancel / reopen, re-plan), and the import page (upload,
// column mapping, preview with every row's problems, confirm).
import { Anchor, Badge, Button, Card, Checkbox, Chip, FileInput, Group, Loader, NumberInput, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fmtDateTime, fmtMoney, fmtCount } from '../i18n';
import { useLocation } from 'wouter';
import { api, errText, upload, type Board, type ClaimItem, type HistoryEntry, type ImportResult, type Msg, type OrderDefaults, type OrderDetail, type ThreadItem } from '../api';
import { OrderCard } from './Orders';

export const MILESTONES = ['confirmed', 'materials', 'production_start', 'production_done', 'inspection', 'shipped', 'customs_cleared', 'delivered'] as const;
const VIEWS = ['all', 'overdue', 'thisWeek', 'nextWeek', 'customsHeld', 'noPlan'] as const;
const CURRENCIES = ['CNY', 'USD', 'EUR', 'RUB', 'HKD', 'GBP'];
const INCOTERMS = ['EXW', 'FCA', 'FAS', 'FOB', 'CFR', 'CIF', 'CPT', 'CIP', 'DAP', 'DPU', 'DDP'];
const FIELDS = ['number', 'supplierCode', 'item', 'sku', 'qty', 'unit', 'unitPrice', 'currency', 'incoterms', 'paymentTerms', ...MILESTONES.map((m) => `planned.${m}`)];
const today = () => new Date().toISOString().slice(0, 10);

export function OrdersNav() {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  return (
    <Group gap="xs">
      <Button size="xs" onClick={() => navigate('/orders/new')} data-testid="new-order">
        {t('newOrder')}
      </Button>
      <Button size="xs" variant="light" onClick={() => navigate('/orders/import')} data-testid="import-orders">
        {t('importOrders')}
      </Button>
      <Button size="xs" variant="subtle" onClick={() => navigate('/orders/lead-times')} data-testid="lead-times">
        {t('leadTimes')}
      </Button>
    </Group>
  );
}

/** The board: my open orders across suppliers (everyone's for head/admin), next due first. */
export function OrdersBoard() {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const [view, setView] = useState<string>('all');
  const [supplier, setSupplier] = useState<string | null>(null);
  const [segment, setSegment] = useState<string | null>(null);
  const [manager, setManager] = useState<string | null>(null);
  const [mine, setMine] = useState(false);
  const qs = new URLSearchParams({ view, ...(supplier ? { supplier } : {}), ...(segment ? { segment } : {}), ...(manager ? { manager } : {}), ...(mine ? { mine: 'true' } : {}) });
  const board = useQuery({ queryKey: ['orders', 'board', qs.toString()], queryFn: () => api<Board>(`/api/orders/board?${qs}`) });
  const data = board.data;
  return (
    <Stack data-testid="board">
      <Group gap="xs">
        <Chip.Group value={view} onChange={(v) => setView(String(v))}>
          {VIEWS.map((v) => (
            <Chip key={v} value={v} size="xs" data-testid={`board-view-${v}`}>
              {t(`board_${v}`)} <b data-testid={`board-count-${v}`}>{fmtCount(data?.counts[v], '…')}</b>
            </Chip>
          ))}
        </Chip.Group>
      </Group>
      <Group gap="xs">
        <Select
          size="xs"
          clearable
          searchable
          placeholder={t('supplier')}
          value={supplier}
          onChange={setSupplier}
          data={(data?.suppliers ?? []).map((s) => ({ value: s.code, label: `${s.shownCode ?? s.code} · ${s.name}` }))}
          w={220}
          data-testid="board-supplier"
        />
        <Select size="xs" clearable placeholder={t('segment')} value={segment} onChange={setSegment} data={['strategic', 'new', 'problem']} w={140} />
        <Select size="xs" clearable placeholder={t('manager')} value={manager} onChange={setManager} data={(data?.managers ?? []).map((m) => ({ value: m.id, label: m.name }))} w={180} />
        <Checkbox size="xs" label={t('mineOnly')} checked={mine} onChange={(e) => setMine(e.currentTarget.checked)} />
        {board.isFetching && <Loader size="xs" />}
      </Group>
      {data && (
        <Table highlightOnHover striped fz="xs" data-testid="board-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>PO</Table.Th>
              <Table.Th>{t('supplier')}</Table.Th>
              <Table.Th>{t('manager')}</Table.Th>
              <Table.Th>{t('next')}</Table.Th>
              {MILESTONES.map((m) => (
                <Table.Th key={m}>{t(`ms_${m}`)}</Table.Th>
              ))}
              <Table.Th>{t('customs')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.items.map((o) => (
              <Table.Tr
                key={o.id}
                onClick={() => navigate(`/orders/${o.id}`)}
                style={{ cursor: 'pointer' }}
                bg={o.overdue ? 'red.0' : undefined}
                data-testid="board-row"
                data-overdue={o.overdue ? 'true' : 'false'}
              >
                <Table.Td fw={600}>{o.number}</Table.Td>
                <Table.Td data-testid="board-code">
                  {o.supplierShownCode ?? o.supplierCode}
                  {o.supplierName ? ` · ${o.supplierName}` : ''}
                </Table.Td>
                <Table.Td>{o.managerName ?? '—'}</Table.Td>
                <Table.Td>
                  {o.next ? `${t(`ms_${o.next.milestone}`)} · ${o.next.planned ?? '—'}` : '—'}
                  {o.overdue && (
                    <Badge ml={4} size="xs" color="red">
                      {t('daysLate', { n: o.daysLate })}
                    </Badge>
                  )}
                </Table.Td>
                {MILESTONES.map((m) => {
                  const s = o.milestones[m];
                  const late = s && !s.done && s.planned && s.planned < today();
                  return (
                    <Table.Td key={m} c={late ? 'red' : s?.done ? 'green' : undefined}>
                      {s?.done ? '✓' : (s?.planned?.slice(5) ?? '—')}
                    </Table.Td>
                  );
                })}
                <Table.Td>
                  {o.customs !== 'none' && (
                    <Badge size="xs" color={o.customs === 'held' ? 'orange' : 'gray'}>
                      {o.customs}
                    </Badge>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
            {!data.items.length && (
              <Table.Tr>
                <Table.Td colSpan={13}>
                  <Text c="dimmed">{t('noOrders')}</Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

interface Line {
  item: string;
  sku: string;
  qty: number;
  unit: string;
  unitPrice: string;
  currency: string;
}
const emptyLine = (currency = 'USD'): Line => ({ item: '', sku: '', qty: 1, unit: 'pcs', unitPrice: '', currency });

/** New order: supplier, PO number, lines with totals, terms, planned dates from the template. */
export function NewOrder() {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const qc = useQueryClient();
  const suppliers = useQuery({ queryKey: ['suppliers'], queryFn: () => api<{ items: { code: string; shownCode?: string; name: string }[] }>('/api/console/suppliers') });
  const [code, setCode] = useState<string | null>(null);
  const [number, setNumber] = useState('');
  const [incoterms, setIncoterms] = useState<string | null>(null);
  const [paymentTerms, setPaymentTerms] = useState('');
  const [managerId, setManagerId] = useState<string | null>(null);
  const [supplierManager, setSupplierManager] = useState<string | null>(null);
  const people = useQuery({ queryKey: ['people'], queryFn: () => api<{ items: { id: string; name: string; role: string }[] }>('/api/console/people') });
  const [lines, setLines] = useState<Line[]>([emptyLine()]);
  const [planned, setPlanned] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const choose = async (c: string | null) => {
    setCode(c);
    if (!c) return;
    const d = await api<OrderDefaults>(`/api/suppliers/${encodeURIComponent(c)}/order-defaults?date=${today()}`);
    setPlanned(d.planned);
    if (d.paymentTerms) setPaymentTerms(d.paymentTerms);
    setSupplierManager(d.managerId);
    setManagerId(d.managerId); // the supplier's manager unless changed here
  };
  const totals = lines.reduce<Record<string, number>>((acc, l) => ({ ...acc, [l.currency]: (acc[l.currency] ?? 0) + l.qty * Number(l.unitPrice.replace(',', '.') || 0) }), {});
  const save = useMutation({
    mutationFn: () =>
      api<OrderDetail>('/api/orders', {
        method: 'POST',
        body: {
          number: number.trim(),
          supplierCode: code,
          ...(incoterms ? { incoterms } : {}),
          ...(paymentTerms.trim() ? { paymentTerms: paymentTerms.trim() } : {}),
          ...(managerId ? { managerId } : {}),
          lines: lines
            .filter((l) => l.item.trim())
            .map((l) => ({ item: l.item.trim(), ...(l.sku.trim() ? { sku: l.sku.trim() } : {}), qty: l.qty, unit: l.unit || 'pcs', unitPrice: l.unitPrice.replace(',', '.'), currency: l.currency })),
          planned: Object.fromEntries(Object.entries(planned).filter(([, v]) => v)),
        },
      }),
    onSuccess: (o) => {
      void qc.invalidateQueries({ queryKey: ['orders'] });
      navigate(`/orders/${o.id}`);
    },
    onError: (e) => setError(errText(e)),
  });
  const setLine = (i: number, patch: Partial<Line>) => setLines(lines.map((l, k) => (k === i ? { ...l, ...patch } : l)));
  return (
    <Stack maw={1000} data-testid="order-form">
      <Title order={3}>{t('newOrder')}</Title>
      <Group align="flex-end">
        <Select
          searchable
          label={t('supplier')}
          placeholder={t('chooseSupplier')}
          value={code}
          onChange={(v) => void choose(v)}
          data={(suppliers.data?.items ?? []).map((s) => ({ value: s.code, label: `${s.shownCode ?? s.code} · ${s.name}` }))}
          w={320}
          data-testid="form-supplier"
        />
        <TextInput label={t('poNumber')} value={number} onChange={(e) => setNumber(e.currentTarget.value)} data-testid="form-number" />
        <Select label="Incoterms" clearable value={incoterms} onChange={setIncoterms} data={INCOTERMS} w={110} />
        <TextInput label={t('paymentTerms')} value={paymentTerms} onChange={(e) => setPaymentTerms(e.currentTarget.value)} w={240} data-testid="form-payment" />
      </Group>
      <Group align="flex-end">
        <Select
          label={t('responsibleManager')}
          value={managerId}
          onChange={setManagerId}
          clearable
          w={320}
          data={(people.data?.items ?? []).map((m) => ({ value: m.id, label: m.id === supplierManager ? `${m.name} (${t('supplierDefault')})` : m.name }))}
          data-testid="form-manager"
        />
        <Text size="xs" c="dimmed">
          {t('managerDefault')}
        </Text>
      </Group>
      <Table fz="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('item')}</Table.Th>
            <Table.Th>SKU</Table.Th>
            <Table.Th>{t('qty')}</Table.Th>
            <Table.Th>{t('unit')}</Table.Th>
            <Table.Th>{t('unitPrice')}</Table.Th>
            <Table.Th>{t('currency')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {lines.map((l, i) => (
            <Table.Tr key={i} data-testid="form-line">
              <Table.Td>
                <TextInput size="xs" value={l.item} onChange={(e) => setLine(i, { item: e.currentTarget.value })} data-testid="line-item" />
              </Table.Td>
              <Table.Td>
                <TextInput size="xs" value={l.sku} onChange={(e) => setLine(i, { sku: e.currentTarget.value })} w={90} />
              </Table.Td>
              <Table.Td>
                <NumberInput size="xs" min={1} value={l.qty} onChange={(v) => setLine(i, { qty: Number(v) || 0 })} w={90} data-testid="line-qty" />
              </Table.Td>
              <Table.Td>
                <TextInput size="xs" value={l.unit} onChange={(e) => setLine(i, { unit: e.currentTarget.value })} w={60} />
              </Table.Td>
              <Table.Td>
                <TextInput size="xs" value={l.unitPrice} onChange={(e) => setLine(i, { unitPrice: e.currentTarget.value })} w={90} data-testid="line-price" />
              </Table.Td>
              <Table.Td>
                <Select size="xs" value={l.currency} onChange={(v) => setLine(i, { currency: v ?? 'USD' })} data={CURRENCIES} w={80} />
              </Table.Td>
              <Table.Td>
                {lines.length > 1 && (
                  <Button size="compact-xs" variant="subtle" color="red" onClick={() => setLines(lines.filter((_, k) => k !== i))}>
                    ×
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group justify="space-between">
        <Button size="xs" variant="light" onClick={() => setLines([...lines, emptyLine(lines[lines.length - 1]?.currency)])}>
          {t('addLine')}
        </Button>
        <Text size="sm" data-testid="form-total">
          {t('total')}:{' '}
          {Object.entries(totals)
            .map(([c, v]) => fmtMoney(v, c))
            .join(' + ') || '—'}
        </Text>
      </Group>
      <Text fw={600} size="sm">
        {t('plannedDates')}
      </Text>
      <SimpleGrid cols={4}>
        {MILESTONES.map((m) => (
          <TextInput
            key={m}
            type="date"
            size="xs"
            label={t(`ms_${m}`)}
            value={planned[m] ?? ''}
            onChange={(e) => setPlanned({ ...planned, [m]: e.currentTarget.value })}
            data-testid={`form-planned-${m}`}
          />
        ))}
      </SimpleGrid>
      {error && (
        <Text c="red" size="sm" data-testid="form-error">
          {error}
        </Text>
      )}
      <Group>
        <Button onClick={() => save.mutate()} loading={save.isPending} disabled={!code || !number.trim()} data-testid="form-save">
          {t('createOrder')}
        </Button>
      </Group>
    </Stack>
  );
}

/** One order: terms, lines with totals, the timeline, actions, re-plan, history. */
export function OrderPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const o = useQuery({ queryKey: ['order', id], queryFn: () => api<OrderDetail>(`/api/orders/${id}`) });
  const history = useQuery({ queryKey: ['order', id, 'history'], queryFn: () => api<{ items: HistoryEntry[] }>(`/api/orders/${id}/history`) });
  const [reason, setReason] = useState('');
  const [plan, setPlan] = useState<Record<string, string> | null>(null);
  const [error, setError] = useState<string>();
  const refresh = () => {
    setError(undefined);
    void qc.invalidateQueries({ queryKey: ['order', id] });
    void qc.invalidateQueries({ queryKey: ['orders'] });
  };
  const act = useMutation({
    mutationFn: (action: string) => api(`/api/orders/${id}/status`, { method: 'POST', body: { action, ...(reason.trim() ? { reason: reason.trim() } : {}) } }),
    onSuccess: refresh,
    onError: (e) => setError(errText(e)),
  });
  const replan = useMutation({
    mutationFn: () =>
      api(`/api/orders/${id}/plan`, {
        method: 'PUT',
        body: {
          planned: Object.fromEntries(Object.entries(plan ?? {}).filter(([m, v]) => v !== (o.data?.milestones.find((x) => x.name === m)?.planned ?? ''))),
          ...(reason.trim() ? { reason: reason.trim() } : {}),
        },
      }),
    onSuccess: () => {
      setPlan(null);
      refresh();
    },
    onError: (e) => setError(errText(e)),
  });
  if (!o.data) return <Loader size="sm" />;
  const d = o.data;
  const totals = d.lines.reduce<Record<string, number>>((acc, l) => ({ ...acc, [l.currency]: (acc[l.currency] ?? 0) + l.qty * Number(l.unitPrice) }), {});
  return (
    <Stack data-testid="order-page">
      <Group justify="space-between">
        <Group>
          <Title order={3} data-testid="order-number">
            {d.number}
          </Title>
          <Badge color={d.status === 'open' ? 'blue' : d.status === 'cancelled' ? 'red' : 'gray'} data-testid="order-status">
            {t(`orderStatus_${d.status}`)}
          </Badge>
          <Anchor href={`/console/suppliers/${encodeURIComponent(d.supplierCode)}`} data-testid="order-supplier-code">
            {d.supplierShownCode ?? d.supplierCode}
          </Anchor>
        </Group>
        <Group gap="xs">
          <TextInput size="xs" placeholder={t('reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-testid="order-reason" />
          {d.status === 'open' ? (
            <>
              <Button size="xs" variant="light" onClick={() => setPlan(Object.fromEntries(d.milestones.map((m) => [m.name, m.planned ?? ''])))} data-testid="order-replan">
                {t('replan')}
              </Button>
              <Button size="xs" variant="light" onClick={() => act.mutate('close')} data-testid="order-close">
                {t('closeOrder')}
              </Button>
              <Button size="xs" variant="light" color="red" onClick={() => act.mutate('cancel')} data-testid="order-cancel">
                {t('cancelOrder')}
              </Button>
            </>
          ) : (
            <Button size="xs" onClick={() => act.mutate('reopen')} data-testid="order-reopen">
              {t('reopen')}
            </Button>
          )}
        </Group>
      </Group>
      {error && (
        <Text c="red" size="sm" data-testid="order-error">
          {error}
        </Text>
      )}
      <Text size="sm">
        Incoterms: {d.incoterms ?? '—'} · {t('paymentTerms')}: {d.paymentTerms ?? '—'}
        {d.cancelReason ? ` · ${t('reason')}: ${d.cancelReason}` : ''}
      </Text>
      <Table fz="xs" data-testid="order-lines">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('item')}</Table.Th>
            <Table.Th>SKU</Table.Th>
            <Table.Th>{t('qty')}</Table.Th>
            <Table.Th>{t('unitPrice')}</Table.Th>
            <Table.Th>{t('amount')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {d.lines.map((l, i) => (
            <Table.Tr key={i}>
              <Table.Td>{l.item}</Table.Td>
              <Table.Td>{l.sku ?? ''}</Table.Td>
              <Table.Td>
                {l.qty} {l.unit}
              </Table.Td>
              <Table.Td>
                {l.unitPrice} {l.currency}
              </Table.Td>
              <Table.Td>{fmtMoney(l.qty * Number(l.unitPrice), l.currency)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="sm" fw={600}>
        {t('total')}:{' '}
        {Object.entries(totals)
          .map(([c, v]) => fmtMoney(v, c))
          .join(' + ') || '—'}
      </Text>
      {plan && (
        <Card withBorder>
          <SimpleGrid cols={4}>
            {MILESTONES.map((m) => (
              <TextInput key={m} type="date" size="xs" label={t(`ms_${m}`)} value={plan[m] ?? ''} onChange={(e) => setPlan({ ...plan, [m]: e.currentTarget.value })} data-testid={`plan-${m}`} />
            ))}
          </SimpleGrid>
          <Group mt="xs">
            <Button size="xs" onClick={() => replan.mutate()} loading={replan.isPending} data-testid="plan-save">
              {t('save')}
            </Button>
            <Text size="xs" c="dimmed">
              {t('reasonRequired')}
            </Text>
          </Group>
        </Card>
      )}
      <OrderCard id={id} />
      <OrderPanels order={d} />
      <Title order={5}>{t('history')}</Title>
      <Table fz="xs" data-testid="order-history">
        <Table.Tbody>
          {(history.data?.items ?? []).map((h, i) => (
            <Table.Tr key={i} data-testid="history-row">
              <Table.Td>{fmtDateTime(h.at)}</Table.Td>
              <Table.Td>
                {h.kind}
                {h.milestone ? ` · ${t(`ms_${h.milestone}`)}` : ''}
              </Table.Td>
              <Table.Td>{h.by}</Table.Td>
              <Table.Td>
                <Badge size="xs" variant="light">
                  {h.via ? t(`via_${h.via}`) : '—'}
                </Badge>
              </Table.Td>
              <Table.Td>{h.reason ?? ''}</Table.Td>
              <Table.Td>
                <Text size="xs" c="dimmed">
                  {h.after ? JSON.stringify(h.after).slice(0, 120) : ''}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

/** The order page's panels besides lines and timeline: photos, customs, claims, the supplier's thread. */
function OrderPanels({ order: d }: { order: OrderDetail }) {
  const { t, i18n } = useTranslation();
  const claims = useQuery({ queryKey: ['order', d.id, 'claims'], queryFn: () => api<{ items: ClaimItem[] }>(`/api/claims?order=${d.id}`) });
  // The supplier's group or direct chat: the latest thread with this supplier, its newest messages.
  const threads = useQuery({ queryKey: ['threads', d.supplierCode], queryFn: () => api<{ items: ThreadItem[] }>(`/api/threads?supplier=${encodeURIComponent(d.supplierCode)}`) });
  const thread = threads.data?.items[0];
  const messages = useQuery({ queryKey: ['thread', thread?.id, 'latest'], enabled: Boolean(thread), queryFn: () => api<{ items: Msg[] }>(`/api/threads/${thread!.id}/messages?limit=5`) });
  const photos = d.milestones.flatMap((m) => m.photos.map((p) => ({ ...p, milestone: m.name })));
  const c = d.customsDetail;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} data-testid="order-panels">
      <Card withBorder data-testid="panel-photos">
        <Text fw={600} size="sm" mb={4}>
          {t('photosPanel')}
        </Text>
        {photos.length ? (
          <Group gap={6}>
            {photos.map((p) => {
              const src = `/api/orders/${d.id}/milestones/${p.milestone}/photos/${p.id}`;
              return (
                <a key={`${p.milestone}-${p.id}`} href={src} target="_blank" rel="noreferrer" title={t(`ms_${p.milestone}`)} data-testid="panel-photo">
                  <img src={src} alt={p.name ?? ''} loading="lazy" style={{ width: 72, height: 72, objectFit: 'cover', borderRadius: 4 }} />
                </a>
              );
            })}
          </Group>
        ) : (
          <Text size="xs" c="dimmed">
            {t('noPhotos')}
          </Text>
        )}
      </Card>
      <Card withBorder data-testid="panel-customs">
        <Text fw={600} size="sm" mb={4}>
          {t('customsPanel')}
        </Text>
        <Group gap="xs">
          <Badge color={c.status === 'held' ? 'orange' : c.status === 'cleared' ? 'green' : 'gray'} data-testid="customs-status">
            {c.status}
          </Badge>
          {c.expectedDate && (
            <Text size="xs">
              {t('customsExpected')}: {c.expectedDate}
            </Text>
          )}
          {c.reason && <Text size="xs">{c.reasonTranslated ? `${c.reasonTranslated} (${c.reason})` : c.reason}</Text>}
        </Group>
      </Card>
      <Card withBorder data-testid="panel-claims">
        <Text fw={600} size="sm" mb={4}>
          {t('orderClaims')}
        </Text>
        {claims.data?.items.length ? (
          <Table fz="xs">
            <Table.Tbody>
              {claims.data.items.map((x) => (
                <Table.Tr key={x.id} data-testid="panel-claim">
                  <Table.Td>
                    <Anchor size="xs" href={`/console/claims?id=${x.id}`}>
                      {x.number}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{x.type}</Table.Td>
                  <Table.Td>{x.qty}</Table.Td>
                  <Table.Td>{x.amount ? fmtMoney(x.amount, x.currency) : ''}</Table.Td>
                  <Table.Td>
                    <Badge size="xs" variant="light">
                      {x.status}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          <Text size="xs" c="dimmed">
            {claims.isLoading ? '…' : t('noClaims')}
          </Text>
        )}
      </Card>
      <Card withBorder data-testid="panel-thread">
        <Group justify="space-between" mb={4}>
          <Text fw={600} size="sm">
            {t('supplierThread')}
          </Text>
          {thread && (
            <Anchor size="xs" href={`/console/threads/${thread.id}`} data-testid="panel-thread-link">
              {t('fullThread')}
            </Anchor>
          )}
        </Group>
        {messages.data?.items.length ? (
          <Stack gap={2}>
            {messages.data.items.map((m) => (
              <Text key={m.id} size="xs" lineClamp={2} data-testid="panel-message">
                <b>{m.senderName ?? (m.direction === 'out' ? '→' : '←')}</b>: {m.translations[i18n.language]?.text ?? m.translations.en?.text ?? m.text ?? `[${m.type}]`}
              </Text>
            ))}
          </Stack>
        ) : (
          <Text size="xs" c="dimmed">
            {threads.isLoading || messages.isLoading ? '…' : t('noMessages')}
          </Text>
        )}
      </Card>
    </SimpleGrid>
  );
}

/** Lead-time templates: the company default (head and admin change it) and one supplier's own. */
export function LeadTimes() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  type Steps = Record<string, { days: number; from: 'order' | 'shipped' }>;
  const company = useQuery({ queryKey: ['lead-times'], queryFn: () => api<{ steps: Steps; source: string }>('/api/lead-times') });
  const suppliers = useQuery({ queryKey: ['suppliers'], queryFn: () => api<{ items: { code: string; name: string; tag?: string | null }[] }>('/api/console/suppliers') });
  const [code, setCode] = useState<string | null>(null);
  const supplier = useQuery({ queryKey: ['lead-times', code], enabled: Boolean(code), queryFn: () => api<OrderDefaults>(`/api/suppliers/${encodeURIComponent(code!)}/order-defaults`) });
  const [companyEdit, setCompanyEdit] = useState<Steps | null>(null);
  const [supplierEdit, setSupplierEdit] = useState<Steps | null>(null);
  const [msg, setMsg] = useState<string>();
  const done = () => {
    setMsg(t('leadSaved'));
    void qc.invalidateQueries({ queryKey: ['lead-times'] });
  };
  const fail = (e: unknown) => setMsg(errText(e));
  const saveCompany = useMutation({ mutationFn: (steps: Steps) => api('/api/lead-times', { method: 'PUT', body: { steps } }), onSuccess: done, onError: fail });
  const saveSupplier = useMutation({
    mutationFn: (steps: Steps | null) => api(`/api/suppliers/${encodeURIComponent(code!)}/lead-times`, { method: 'PUT', body: { steps } }),
    onSuccess: () => {
      setSupplierEdit(null);
      done();
    },
    onError: fail,
  });
  const editor = (steps: Steps, set: (s: Steps) => void, testid: string) => (
    <Table fz="xs" data-testid={testid}>
      <Table.Tbody>
        {MILESTONES.map((m) => (
          <Table.Tr key={m}>
            <Table.Td>{t(`ms_${m}`)}</Table.Td>
            <Table.Td>
              <NumberInput
                size="xs"
                w={90}
                value={steps[m]?.days ?? 0}
                onChange={(v) => set({ ...steps, [m]: { days: Number(v) || 0, from: steps[m]?.from ?? 'order' } })}
                data-testid={`${testid}-${m}`}
              />
            </Table.Td>
            <Table.Td>
              <Select
                size="xs"
                w={160}
                value={steps[m]?.from ?? 'order'}
                onChange={(v) => set({ ...steps, [m]: { days: steps[m]?.days ?? 0, from: v === 'shipped' ? 'shipped' : 'order' } })}
                data={[
                  { value: 'order', label: t('leadFrom_order') },
                  { value: 'shipped', label: t('leadFrom_shipped') },
                ]}
              />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
  const companySteps = companyEdit ?? company.data?.steps;
  const supplierSteps = supplierEdit ?? (supplier.data?.template as Steps | undefined);
  return (
    <Stack maw={900} data-testid="lead-times-page">
      <Title order={3}>{t('leadTimes')}</Title>
      {msg && (
        <Text size="sm" data-testid="lead-message">
          {msg}
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Text fw={600} size="sm">
            {t('leadCompany')}
          </Text>
          {companySteps ? editor(companySteps, setCompanyEdit, 'lead-company') : <Loader size="sm" />}
          <Button size="xs" mt="xs" disabled={!companyEdit} onClick={() => companyEdit && saveCompany.mutate(companyEdit)} data-testid="lead-company-save">
            {t('save')}
          </Button>
        </Card>
        <Card withBorder>
          <Select
            searchable
            size="xs"
            label={t('leadSupplier')}
            placeholder={t('chooseSupplier')}
            value={code}
            onChange={(v) => {
              setCode(v);
              setSupplierEdit(null);
            }}
            data={(suppliers.data?.items ?? []).map((s) => ({ value: s.code, label: `${s.code}${s.tag ? ` ${s.tag}` : ''} · ${s.name}` }))}
            data-testid="lead-supplier-select"
          />
          {code && supplier.data && (
            <>
              <Text size="xs" c="dimmed" mt={4} data-testid="lead-supplier-source">
                {t(`leadSource_${supplier.data.templateSource}`)}
              </Text>
              {supplierSteps && editor(supplierSteps, setSupplierEdit, 'lead-supplier')}
              <Group mt="xs">
                <Button size="xs" disabled={!supplierEdit} onClick={() => supplierEdit && saveSupplier.mutate(supplierEdit)} data-testid="lead-supplier-save">
                  {t('save')}
                </Button>
                {supplier.data.templateSource === 'supplier' && (
                  <Button size="xs" variant="light" onClick={() => saveSupplier.mutate(null)} data-testid="lead-supplier-reset">
                    {t('leadUseCompany')}
                  </Button>
                )}
              </Group>
            </>
          )}
        </Card>
      </SimpleGrid>
    </Stack>
  );
}

/** Import: upload, mapping, preview with problems, confirm. */
export function ImportOrders() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [source, setSource] = useState('default');
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [result, setResult] = useState<ImportResult>();
  const [error, setError] = useState<string>();
  const run = useMutation({
    mutationFn: (confirm: boolean) => {
      const form = new FormData();
      form.append('file', file!);
      if (Object.keys(mapping).length) form.append('mapping', JSON.stringify(mapping));
      return upload<ImportResult>(`/api/orders/import?source=${encodeURIComponent(source || 'default')}${confirm ? '&confirm=true' : ''}`, form);
    },
    onSuccess: (r) => {
      setError(undefined);
      setResult(r);
      setMapping(r.mapping);
      if (r.written) void qc.invalidateQueries({ queryKey: ['orders'] });
    },
    onError: (e) => {
      setResult(undefined);
      setError(errText(e));
    },
  });
  return (
    <Stack maw={1100} data-testid="import-page">
      <Group justify="space-between">
        <Title order={3}>{t('importOrders')}</Title>
        <Group gap="xs">
          <Text size="xs">{t('template')}:</Text>
          {(['en', 'ru', 'az', 'zh'] as const).map((l) => (
            <Anchor key={l} size="xs" href={`/api/orders/import/template?lang=${l}`} data-testid={`template-${l}`}>
              {l.toUpperCase()}
            </Anchor>
          ))}
        </Group>
      </Group>
      <Group align="flex-end">
        <FileInput
          label={t('file')}
          placeholder="XLSX / CSV"
          accept=".xlsx,.csv,text/csv"
          value={file}
          onChange={(f) => {
            setFile(f);
            setResult(undefined);
          }}
          w={320}
          data-testid="import-file"
        />
        <TextInput label={t('source')} value={source} onChange={(e) => setSource(e.currentTarget.value)} w={160} />
        <Button onClick={() => run.mutate(false)} disabled={!file} loading={run.isPending} data-testid="import-preview">
          {t('preview')}
        </Button>
        <Button color="green" onClick={() => run.mutate(true)} disabled={!file || !result || result.written || result.counts.problems > 0} data-testid="import-confirm">
          {t('confirmImport')}
        </Button>
      </Group>
      {error && (
        <Text c="red" size="sm" data-testid="import-error">
          {error}
        </Text>
      )}
      {result && (
        <>
          <Group gap="xs" data-testid="import-summary">
            {result.written && (
              <Badge color="green" data-testid="import-written">
                {t('written')}
              </Badge>
            )}
            <Badge variant="light" data-testid="import-create">
              {t('toCreate')}: {fmtCount(result.counts.create)}
            </Badge>
            <Badge variant="light" data-testid="import-update">
              {t('toUpdate')}: {fmtCount(result.counts.update)}
            </Badge>
            <Badge variant="light" color="gray" data-testid="import-unchanged">
              {t('unchanged')}: {fmtCount(result.counts.unchanged)}
            </Badge>
            <Badge variant="light" color={result.counts.problems ? 'red' : 'green'} data-testid="import-problems-count">
              {t('problems')}: {fmtCount(result.counts.problems)}
            </Badge>
            <Text size="xs" c="dimmed">
              {result.sheet ? `${result.sheet} · ` : ''}
              {t('rows')}: {result.rows}
            </Text>
          </Group>
          <Card withBorder>
            <Text size="sm" fw={600} mb="xs">
              {t('mapping')}
            </Text>
            <SimpleGrid cols={6}>
              {FIELDS.map((f) => (
                <Select
                  key={f}
                  size="xs"
                  clearable
                  label={f.startsWith('planned.') ? t(`ms_${f.slice(8)}`) : t(`field_${f}`)}
                  value={mapping[f] ?? null}
                  data={result.headers.filter(Boolean)}
                  onChange={(v) => {
                    const next = { ...mapping };
                    if (v) next[f] = v;
                    else delete next[f];
                    setMapping(next);
                  }}
                />
              ))}
            </SimpleGrid>
          </Card>
          {result.problems.length > 0 && (
            <Table fz="xs" data-testid="import-problems">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('row')}</Table.Th>
                  <Table.Th>{t('column')}</Table.Th>
                  <Table.Th>{t('field')}</Table.Th>
                  <Table.Th>{t('problem')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {result.problems.map((p, i) => (
                  <Table.Tr key={i} data-testid="import-problem">
                    <Table.Td>{p.row || '—'}</Table.Td>
                    <Table.Td>{p.column ?? '—'}</Table.Td>
                    <Table.Td>{p.field}</Table.Td>
                    <Table.Td c="red">{p.message}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <Table fz="xs" data-testid="import-orders">
            <Table.Tbody>
              {result.orders.slice(0, 500).map((o) => (
                <Table.Tr key={o.number} data-testid="import-order" data-action={o.action}>
                  <Table.Td>{o.number}</Table.Td>
                  <Table.Td>{o.supplierCode}</Table.Td>
                  <Table.Td>{t(`action_${o.action}`)}</Table.Td>
                  <Table.Td>{o.lines}</Table.Td>
                  <Table.Td>{o.changes.join(', ')}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
    </Stack>
  );
}
