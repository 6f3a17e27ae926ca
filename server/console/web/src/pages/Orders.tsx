import { Badge, Button, Card, Group, Loader, Modal, Select, Stack, Table, Text, TextInput, Timeline } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { api, ApiError, type OrderDetail, type OrderSummary } from '../api';

function EditMilestone({ order, name, onClose }: { order: OrderDetail; name: string; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const ms = order.milestones.find((m) => m.name === name)!;
  const [planned, setPlanned] = useState(ms.planned ?? '');
  const [actual, setActual] = useState(ms.actual ?? '');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const save = useMutation({
    mutationFn: () =>
      api(`/api/orders/${order.id}/milestones/${name}`, {
        method: 'POST',
        body: { ...(planned && planned !== ms.planned ? { planned } : {}), ...(actual && actual !== ms.actual ? { actual, done: true } : {}), ...(reason.trim() ? { reason: reason.trim() } : {}) },
        headers: { 'Idempotency-Key': crypto.randomUUID() },
      }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['order', order.id] });
      void qc.invalidateQueries({ queryKey: ['orders'] });
      onClose();
    },
    onError: (e) => setError(e instanceof ApiError ? `${e.message}${e.details ? `: ${e.details.map((d) => `${d.field} ${d.message}`).join(', ')}` : ''}` : String(e)),
  });
  return (
    <Modal opened onClose={onClose} title={`${order.number} · ${name}`}>
      <Stack>
        <TextInput type="date" label={t('planned')} value={planned} onChange={(e) => setPlanned(e.currentTarget.value)} />
        <TextInput type="date" label={t('actual')} value={actual} onChange={(e) => setActual(e.currentTarget.value)} />
        <TextInput label={t('reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-testid="ms-reason" />
        {error && <Text c="red" size="sm">{error}</Text>}
        <Button onClick={() => save.mutate()} loading={save.isPending}>{t('save')}</Button>
      </Stack>
    </Modal>
  );
}

function OrderCard({ id }: { id: string }) {
  const { t } = useTranslation();
  const [edit, setEdit] = useState<string>();
  const o = useQuery({ queryKey: ['order', id], queryFn: () => api<OrderDetail>(`/api/orders/${id}`) });
  if (!o.data) return <Loader size="sm" />;
  const today = new Date().toISOString().slice(0, 10);
  return (
    <Card withBorder>
      <Group justify="space-between" mb="xs">
        <Text fw={700}>{o.data.number}</Text>
        {o.data.overdue && <Badge color="red">{t('daysLate', { n: o.data.daysLate })}</Badge>}
      </Group>
      <Timeline active={o.data.milestones.filter((m) => m.status === 'done').length - 1} bulletSize={14} lineWidth={2}>
        {o.data.milestones.map((m) => {
          const late = m.status !== 'done' && m.planned && m.planned < today;
          return (
            <Timeline.Item key={m.name} color={late ? 'red' : undefined} title={<Group gap="xs"><Text size="sm" c={late ? 'red' : undefined}>{m.name}</Text><Button size="compact-xs" variant="subtle" onClick={() => setEdit(m.name)}>{t('edit')}</Button></Group>}>
              <Text size="xs" c="dimmed">{t('planned')}: {m.planned ?? '—'}{m.actual ? ` · ${t('actual')}: ${m.actual}` : ''}{m.reason ? ` · ${m.reason}` : ''}</Text>
            </Timeline.Item>
          );
        })}
      </Timeline>
      {edit && <EditMilestone order={o.data} name={edit} onClose={() => setEdit(undefined)} />}
    </Card>
  );
}

export function Orders() {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const [code, setCode] = useState<string | null>(null);
  const suppliers = useQuery({ queryKey: ['suppliers'], queryFn: () => api<{ items: { code: string; name: string }[] }>('/api/console/suppliers') });
  const orders = useQuery({ queryKey: ['orders', code], enabled: Boolean(code), queryFn: () => api<{ items: OrderSummary[] }>(`/api/orders?supplier=${code}&status=open`) });
  const [open, setOpen] = useState<string>();
  return (
    <Stack>
      <Group>
        <Select searchable placeholder={t('chooseSupplier')} value={code} onChange={setCode} data={(suppliers.data?.items ?? []).map((s) => ({ value: s.code, label: `${s.code} · ${s.name}` }))} w={320} data-testid="supplier-select" />
        {code && <Button variant="light" onClick={() => navigate(`/suppliers/${code}`)}>{t('supplier')}</Button>}
      </Group>
      {orders.data && (
        <Table highlightOnHover>
          <Table.Tbody>
            {orders.data.items.map((o) => (
              <Table.Tr key={o.id} onClick={() => setOpen(open === o.id ? undefined : o.id)} style={{ cursor: 'pointer' }} bg={o.overdue ? 'red.0' : undefined}>
                <Table.Td>{o.number}</Table.Td>
                <Table.Td>{o.next ? `${o.next.milestone} · ${o.next.planned ?? '—'}` : '—'}</Table.Td>
                <Table.Td>{o.overdue && <Badge color="red">{t('daysLate', { n: o.daysLate })}</Badge>}</Table.Td>
                <Table.Td>{o.customs !== 'none' && <Badge color="orange">customs {o.customs}</Badge>}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {open && <OrderCard id={open} />}
    </Stack>
  );
}
