import { Badge, Button, Card, Checkbox, Group, Loader, Modal, Select, Stack, Table, Text, TextInput, Timeline } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { api, errText, type OrderDetail, type OrderSummary } from '../api';
import { OrdersBoard, OrdersNav } from './OrdersIn';
import { OrderFactsPanel } from './Proposals';

type Milestone = OrderDetail['milestones'][number];
const today = () => new Date().toISOString().slice(0, 10);
/** Not done and its planned day has passed. */
const isLate = (m: Milestone) => m.status !== 'done' && Boolean(m.planned && m.planned < today());

function EditMilestone({ order, name, onClose }: { order: OrderDetail; name: string; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const ms = order.milestones.find((m) => m.name === name)!;
  const [planned, setPlanned] = useState(ms.planned ?? '');
  const [actual, setActual] = useState(ms.actual ?? '');
  const [done, setDone] = useState(ms.status === 'done');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const replanning = Boolean(ms.planned && planned && planned !== ms.planned);
  const save = useMutation({
    mutationFn: () =>
      api(`/api/orders/${order.id}/milestones/${name}`, {
        method: 'POST',
        body: {
          ...(planned && planned !== ms.planned ? { planned } : {}),
          ...(actual && actual !== ms.actual ? { actual, done: true } : done !== (ms.status === 'done') ? { done } : {}),
          ...(reason.trim() ? { reason: reason.trim() } : {}),
        },
        headers: { 'Idempotency-Key': crypto.randomUUID() },
      }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['order', order.id] });
      void qc.invalidateQueries({ queryKey: ['orders'] });
      void qc.invalidateQueries({ queryKey: ['supplier'] });
      onClose();
    },
    onError: (e) => setError(errText(e)),
  });
  return (
    <Modal opened onClose={onClose} title={`${order.number} · ${t(`ms_${name}`)}`}>
      <Stack>
        <TextInput type="date" label={t('planned')} value={planned} onChange={(e) => setPlanned(e.currentTarget.value)} data-testid="ms-planned" />
        <TextInput type="date" label={t('actual')} value={actual} onChange={(e) => setActual(e.currentTarget.value)} data-testid="ms-actual" />
        <Checkbox label={t('done')} checked={done || Boolean(actual)} disabled={Boolean(actual)} onChange={(e) => setDone(e.currentTarget.checked)} data-testid="ms-done" />
        <TextInput
          label={t('reason')}
          description={replanning ? t('reasonRequired') : undefined}
          withAsterisk={replanning}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          data-testid="ms-reason"
        />
        {error && (
          <Text c="red" size="sm" data-testid="ms-error">
            {error}
          </Text>
        )}
        <Button onClick={() => save.mutate()} loading={save.isPending} data-testid="ms-save">
          {t('save')}
        </Button>
      </Stack>
    </Modal>
  );
}

const RED = { itemBullet: { borderColor: 'var(--mantine-color-red-6)', backgroundColor: 'var(--mantine-color-red-6)' } };

export function OrderCard({ id }: { id: string }) {
  const { t } = useTranslation();
  const [edit, setEdit] = useState<string>();
  const o = useQuery({ queryKey: ['order', id], queryFn: () => api<OrderDetail>(`/api/orders/${id}`) });
  if (!o.data) return <Loader size="sm" />;
  const doneCount = o.data.milestones.filter((m) => m.status === 'done').length;
  return (
    <Card withBorder data-testid="order-card">
      <Group justify="space-between" mb="xs">
        <Text fw={700}>{o.data.number}</Text>
        {o.data.overdue && <Badge color="red">{t('daysLate', { n: o.data.daysLate })}</Badge>}
      </Group>
      <Timeline active={doneCount - 1} bulletSize={14} lineWidth={2}>
        {o.data.milestones.map((m) => {
          const late = isLate(m);
          return (
            <Timeline.Item
              key={m.name}
              color={late ? 'red' : 'green'}
              styles={late ? RED : undefined}
              data-testid="milestone"
              data-milestone={m.name}
              data-late={late ? 'true' : 'false'}
              title={
                <Group gap="xs">
                  <Text size="sm" c={late ? 'red' : undefined} fw={late ? 700 : 400}>
                    {t(`ms_${m.name}`)}
                  </Text>
                  {m.status === 'done' && (
                    <Badge size="xs" color="green" variant="light">
                      ✓
                    </Badge>
                  )}
                  <Button size="compact-xs" variant="subtle" onClick={() => setEdit(m.name)} data-testid="ms-edit">
                    {t('edit')}
                  </Button>
                </Group>
              }
            >
              <Text size="xs" c={late ? 'red' : 'dimmed'} data-testid="ms-dates">
                {t('planned')}: {m.planned ?? '—'}
                {m.actual ? ` · ${t('actual')}: ${m.actual}` : ''}
                {m.replanned ? ` · ${t('replanned', { n: m.replanned })}` : ''}
                {m.baseline && m.baseline !== m.planned ? ` · ${t('baseline')}: ${m.baseline}` : ''}
                {m.reason ? ` · ${t('reason')}: ${m.reasonTranslated ? `${m.reasonTranslated} (${m.reason})` : m.reason}` : ''}
                {m.owner === 'buyer' ? ` · ${t('buyerSide')}` : ''}
              </Text>
              {m.photos.length > 0 && (
                <Group gap={4} mt={4} data-testid="ms-photos">
                  {m.photos.map((p) => {
                    const src = `/api/orders/${o.data.id}/milestones/${m.name}/photos/${p.id}`;
                    return (
                      <a key={p.id} href={src} target="_blank" rel="noreferrer">
                        <img src={src} alt={p.name ?? ''} loading="lazy" style={{ width: 56, height: 56, objectFit: 'cover', borderRadius: 4 }} />
                      </a>
                    );
                  })}
                </Group>
              )}
            </Timeline.Item>
          );
        })}
      </Timeline>
      <OrderFactsPanel orderId={o.data.id} />
      {edit && <EditMilestone order={o.data} name={edit} onClose={() => setEdit(undefined)} />}
    </Card>
  );
}

export function Orders() {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const initial = new URLSearchParams(window.location.search).get('supplier');
  const [code, setCode] = useState<string | null>(initial);
  const suppliers = useQuery({ queryKey: ['suppliers'], queryFn: () => api<{ items: { code: string; shownCode?: string; name: string }[] }>('/api/console/suppliers') });
  const orders = useQuery({ queryKey: ['orders', code], enabled: Boolean(code), queryFn: () => api<{ items: OrderSummary[] }>(`/api/orders?supplier=${encodeURIComponent(code!)}&status=open`) });
  const [open, setOpen] = useState<string>();
  return (
    <Stack>
      <Group>
        <Select
          searchable
          placeholder={t('chooseSupplier')}
          value={code}
          onChange={(v) => {
            setCode(v);
            setOpen(undefined);
          }}
          data={(suppliers.data?.items ?? []).map((s) => ({ value: s.code, label: `${s.shownCode ?? s.code} · ${s.name}` }))}
          w={320}
          data-testid="supplier-select"
        />
        {code && (
          <Button variant="light" onClick={() => navigate(`/suppliers/${code}`)}>
            {t('supplier')}
          </Button>
        )}
        <OrdersNav />
      </Group>
      {!code && <OrdersBoard />}
      {orders.isFetching && !orders.data && <Loader size="sm" />}
      {orders.data && (
        <Table highlightOnHover data-testid="orders">
          <Table.Tbody>
            {orders.data.items.map((o) => (
              <Table.Tr
                key={o.id}
                onClick={() => setOpen(open === o.id ? undefined : o.id)}
                style={{ cursor: 'pointer' }}
                bg={open === o.id ? 'blue.0' : o.overdue ? 'red.0' : undefined}
                data-testid="order-row"
                data-overdue={o.overdue ? 'true' : 'false'}
              >
                <Table.Td fw={600}>{o.number}</Table.Td>
                <Table.Td>{o.next ? `${t(`ms_${o.next.milestone}`)} · ${o.next.planned ?? '—'}` : '—'}</Table.Td>
                <Table.Td>{o.overdue && <Badge color="red">{t('daysLate', { n: o.daysLate })}</Badge>}</Table.Td>
                <Table.Td>
                  {o.customs !== 'none' && (
                    <Badge color="orange">
                      {t('customs')} {o.customs}
                    </Badge>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
            {!orders.data.items.length && (
              <Table.Tr>
                <Table.Td>
                  <Text c="dimmed">{t('noOrders')}</Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      )}
      {open && <OrderCard id={open} />}
    </Stack>
  );
}
