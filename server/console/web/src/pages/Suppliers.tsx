import { Alert, Badge, Button, Card, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { api, errorText, type Fair, type Person } from '../api';
import { SupplierFilters, type FactFilter } from './Inbox';
import { ProfileForm } from './Supplier';

const SEGMENTS = ['strategic', 'new', 'problem'];

interface Row {
  id: string;
  code: string;
  shownCode?: string;
  name: string;
  segment: string;
  region?: string | null;
  province?: string | null;
  managerId?: string | null;
  possibleDuplicates?: number;
}

/** Suppliers: filtered list, a new supplier, the fair register. */
export function Suppliers() {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const qc = useQueryClient();
  const [facts, setFacts] = useState<FactFilter>({});
  const [segment, setSegment] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const params = new URLSearchParams({ ...(Object.fromEntries(Object.entries(facts).filter(([, v]) => v)) as Record<string, string>), ...(segment ? { segment } : {}) });
  const list = useQuery({ queryKey: ['suppliers-list', params.toString()], queryFn: () => api<{ items: Row[] }>(`/api/console/suppliers?${params}`) });
  const people = useQuery({ queryKey: ['people'], queryFn: () => api<{ items: Person[] }>('/api/console/people') });
  const who = (id?: string | null) => (id ? (people.data?.items.find((m) => m.id === id)?.name ?? '') : '');
  return (
    <Stack>
      <Group justify="space-between">
        <Group gap="xs">
          <Select placeholder={t('segment')} clearable value={segment} onChange={setSegment} data={SEGMENTS} w={130} data-testid="suppliers-segment" />
          <SupplierFilters value={facts} onChange={setFacts} />
        </Group>
        <Button onClick={() => setCreating(true)} data-testid="new-supplier">
          {t('newSupplier')}
        </Button>
      </Group>
      <Table highlightOnHover data-testid="suppliers">
        <Table.Tbody>
          {(list.data?.items ?? []).map((s) => (
            <Table.Tr key={s.id} style={{ cursor: 'pointer' }} onClick={() => navigate(`/suppliers/${encodeURIComponent(s.code)}`)} data-testid="supplier-row" data-code={s.code}>
              <Table.Td w={120}>
                <Badge variant="light">{s.shownCode ?? s.code}</Badge>
              </Table.Td>
              <Table.Td>{s.name}</Table.Td>
              <Table.Td>{s.segment}</Table.Td>
              <Table.Td>{[s.region, s.province].filter(Boolean).join(' · ')}</Table.Td>
              <Table.Td>{who(s.managerId)}</Table.Td>
              <Table.Td>{s.possibleDuplicates ? <Badge color="yellow">{t('possibleDuplicates')}</Badge> : null}</Table.Td>
            </Table.Tr>
          ))}
          {!list.data?.items.length && (
            <Table.Tr>
              <Table.Td>
                <Text c="dimmed">—</Text>
              </Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
      <Fairs />
      {creating && (
        <ProfileForm
          people={people.data?.items ?? []}
          onClose={(code) => {
            setCreating(false);
            void qc.invalidateQueries({ queryKey: ['suppliers-list'] });
            if (code) navigate(`/suppliers/${encodeURIComponent(code)}`);
          }}
        />
      )}
    </Stack>
  );
}

/** The fair register: letter → fair; the next free letter is offered (never I or O). */
function Fairs() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const fairs = useQuery({ queryKey: ['fairs'], queryFn: () => api<{ items: Fair[]; next: string | null }>('/api/fairs') });
  const [f, setF] = useState({ letter: '', name: '', city: '', from: '', to: '' });
  const add = useMutation({
    mutationFn: () => api<Fair>('/api/fairs', { method: 'POST', body: Object.fromEntries(Object.entries(f).filter(([, v]) => v)) }),
    onSuccess: () => {
      setF({ letter: '', name: '', city: '', from: '', to: '' });
      void qc.invalidateQueries({ queryKey: ['fairs'] });
    },
  });
  return (
    <Card withBorder data-testid="fairs">
      <Title order={5}>{t('fairRegister')}</Title>
      <Table>
        <Table.Tbody>
          {(fairs.data?.items ?? []).map((x) => (
            <Table.Tr key={x.letter} data-testid="fair-row">
              <Table.Td w={50}>
                <b>{x.letter}</b>
              </Table.Td>
              <Table.Td>{x.name}</Table.Td>
              <Table.Td>{x.city ?? ''}</Table.Td>
              <Table.Td>{[x.from, x.to].filter(Boolean).join(' – ')}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group align="flex-end" mt="xs">
        <TextInput label={t('letter')} w={80} placeholder={fairs.data?.next ?? ''} value={f.letter} onChange={(e) => setF({ ...f, letter: e.currentTarget.value })} data-testid="fair-letter" />
        <TextInput label={t('fairName')} value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} data-testid="fair-name" />
        <TextInput label={t('city')} w={130} value={f.city} onChange={(e) => setF({ ...f, city: e.currentTarget.value })} />
        <TextInput label={t('from')} w={120} placeholder="YYYY-MM-DD" value={f.from} onChange={(e) => setF({ ...f, from: e.currentTarget.value })} />
        <TextInput label={t('until')} w={120} placeholder="YYYY-MM-DD" value={f.to} onChange={(e) => setF({ ...f, to: e.currentTarget.value })} />
        <Button onClick={() => add.mutate()} loading={add.isPending} data-testid="add-fair">
          {t('registerFair')}
        </Button>
      </Group>
      {fairs.data?.next && (
        <Text size="xs" c="dimmed" mt={4}>
          {t('nextLetter', { letter: fairs.data.next })}
        </Text>
      )}
      {add.error && (
        <Alert color="red" mt="xs" data-testid="fair-error">
          {errorText(add.error)}
        </Alert>
      )}
    </Card>
  );
}
