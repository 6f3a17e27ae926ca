import { Button, Card, Checkbox, Group, PasswordInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type User } from '../api';

export function Admin() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['managers'], queryFn: () => api<{ items: User[] }>('/api/console/managers') });
  const [form, setForm] = useState({ login: '', name: '', password: '', role: 'manager', language: 'en', seesAll: false });
  const [error, setError] = useState<string>();
  const create = useMutation({
    mutationFn: () => api<User>('/api/console/managers', { method: 'POST', body: form }),
    onSuccess: () => {
      setForm({ login: '', name: '', password: '', role: 'manager', language: 'en', seesAll: false });
      setError(undefined);
      void qc.invalidateQueries({ queryKey: ['managers'] });
    },
    onError: (e) => setError(e instanceof ApiError ? `${e.message}${e.details ? `: ${e.details.map((d) => `${d.field} ${d.message}`).join(', ')}` : ''}` : String(e)),
  });
  return (
    <Stack>
      <Card withBorder w={420}>
        <Title order={5} mb="sm">{t('createManager')}</Title>
        <Stack gap="xs">
          <TextInput label={t('login')} data-testid="new-login" value={form.login} onChange={(e) => setForm({ ...form, login: e.currentTarget.value })} />
          <TextInput label={t('name')} data-testid="new-name" value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} />
          <PasswordInput label={t('password')} data-testid="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.currentTarget.value })} />
          <Group grow>
            <Select label={t('role')} data-testid="new-role" value={form.role} onChange={(v) => setForm({ ...form, role: v ?? 'manager' })} data={['manager', 'admin']} />
            <Select label={t('language')} data-testid="new-language" value={form.language} onChange={(v) => setForm({ ...form, language: v ?? 'en' })} data={[{ value: 'en', label: 'English' }, { value: 'ru', label: 'Русский' }]} />
          </Group>
          <Checkbox label={t('seesAll')} data-testid="new-sees-all" checked={form.seesAll} onChange={(e) => setForm({ ...form, seesAll: e.currentTarget.checked })} />
          {error && <Text c="red" size="sm" data-testid="create-error">{error}</Text>}
          <Button onClick={() => create.mutate()} loading={create.isPending} data-testid="create-manager">{t('createManager')}</Button>
        </Stack>
      </Card>
      <Table data-testid="managers">
        <Table.Tbody>
          {(list.data?.items ?? []).map((m) => (
            <Table.Tr key={m.id} data-testid="manager-row">
              <Table.Td>{m.login}</Table.Td>
              <Table.Td>{m.name}</Table.Td>
              <Table.Td>{m.role}</Table.Td>
              <Table.Td>{m.language}</Table.Td>
              <Table.Td>{m.seesAll ? '✓' : ''}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
