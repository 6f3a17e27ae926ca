import { Badge, Button, Card, Checkbox, Group, Modal, PasswordInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorText, type Account, type User } from '../api';

const ROLES = ['manager', 'head', 'admin'];
const LANGS = [
  { value: 'en', label: 'English' },
  { value: 'ru', label: 'Русский' },
  { value: 'az', label: 'Azərbaycanca' },
];
const EMPTY = { login: '', name: '', password: '', role: 'manager', language: 'en', timezone: 'Europe/Moscow', seesAll: false };

/** The managers page (admin): create each role, edit, deactivate and reactivate, reset passwords. */
export function Admin() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['managers'], queryFn: () => api<{ items: Account[] }>('/api/console/managers') });
  const [form, setForm] = useState(EMPTY);
  const [error, setError] = useState<string>();
  const [editing, setEditing] = useState<Account>();
  const refresh = () => void qc.invalidateQueries({ queryKey: ['managers'] });
  const create = useMutation({
    mutationFn: () => api<User>('/api/console/managers', { method: 'POST', body: form }),
    onSuccess: () => {
      setForm(EMPTY);
      setError(undefined);
      refresh();
    },
    onError: (e) => setError(errorText(e)),
  });
  const act = useMutation({
    mutationFn: ({ id, what }: { id: string; what: 'deactivate' | 'reactivate' }) => api(`/api/console/managers/${id}/${what}`, { method: 'POST' }),
    onSuccess: refresh,
    onError: (e) => setError(errorText(e)),
  });
  return (
    <Stack>
      <Card withBorder maw={520}>
        <Title order={5} mb="sm">
          {t('createManager')}
        </Title>
        <Stack gap="xs">
          <Group grow>
            <TextInput label={t('login')} data-testid="new-login" value={form.login} onChange={(e) => setForm({ ...form, login: e.currentTarget.value })} />
            <TextInput label={t('name')} data-testid="new-name" value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} />
          </Group>
          <PasswordInput label={t('password')} data-testid="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.currentTarget.value })} />
          <Group grow>
            <Select
              label={t('role')}
              data-testid="new-role"
              value={form.role}
              onChange={(v) => setForm({ ...form, role: v ?? 'manager' })}
              data={ROLES.map((r) => ({ value: r, label: t(`role_${r}`) }))}
            />
            <Select label={t('language')} data-testid="new-language" value={form.language} onChange={(v) => setForm({ ...form, language: v ?? 'en' })} data={LANGS} />
            <TextInput label={t('timezone')} data-testid="new-timezone" value={form.timezone} onChange={(e) => setForm({ ...form, timezone: e.currentTarget.value })} />
          </Group>
          <Checkbox label={t('seesAll')} data-testid="new-sees-all" checked={form.seesAll} onChange={(e) => setForm({ ...form, seesAll: e.currentTarget.checked })} />
          {error && (
            <Text c="red" size="sm" data-testid="create-error">
              {error}
            </Text>
          )}
          <Button onClick={() => create.mutate()} loading={create.isPending} data-testid="create-manager">
            {t('createManager')}
          </Button>
        </Stack>
      </Card>
      <Table data-testid="managers">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('login')}</Table.Th>
            <Table.Th>{t('name')}</Table.Th>
            <Table.Th>{t('role')}</Table.Th>
            <Table.Th>{t('language')}</Table.Th>
            <Table.Th>{t('timezone')}</Table.Th>
            <Table.Th>{t('workingHours')}</Table.Th>
            <Table.Th>{t('seesAll')}</Table.Th>
            <Table.Th>WeChat</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(list.data?.items ?? []).map((m) => (
            <Table.Tr key={m.id} data-testid="manager-row" data-login={m.login} opacity={m.active ? 1 : 0.55}>
              <Table.Td>{m.login}</Table.Td>
              <Table.Td>{m.name}</Table.Td>
              <Table.Td>{t(`role_${m.role}`)}</Table.Td>
              <Table.Td>{m.language}</Table.Td>
              <Table.Td>{m.timezone}</Table.Td>
              <Table.Td>{m.workingHours ? `${m.workingHours.from}–${m.workingHours.to}` : '—'}</Table.Td>
              <Table.Td>{m.seesAll ? '✓' : ''}</Table.Td>
              <Table.Td data-testid="manager-wechat">{m.wechatName ?? '—'}</Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  {!m.active && <Badge color="gray">{t('inactive')}</Badge>}
                  <Button size="xs" variant="subtle" onClick={() => setEditing(m)} data-testid="edit-manager">
                    {t('edit')}
                  </Button>
                  {m.active ? (
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      onClick={() => window.confirm(t('deactivateConfirm', { name: m.name })) && act.mutate({ id: m.id, what: 'deactivate' })}
                      data-testid="deactivate"
                    >
                      {t('deactivate')}
                    </Button>
                  ) : (
                    <Button size="xs" variant="subtle" onClick={() => act.mutate({ id: m.id, what: 'reactivate' })} data-testid="reactivate">
                      {t('reactivate')}
                    </Button>
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {editing && (
        <EditAccount
          account={editing}
          onClose={() => {
            setEditing(undefined);
            refresh();
          }}
        />
      )}
    </Stack>
  );
}

function EditAccount({ account, onClose }: { account: Account; onClose: () => void }) {
  const { t } = useTranslation();
  const [f, setF] = useState({
    name: account.name,
    role: account.role,
    language: account.language,
    secondLanguage: account.secondLanguage ?? null,
    timezone: account.timezone,
    from: account.workingHours?.from ?? '',
    to: account.workingHours?.to ?? '',
    seesAll: account.seesAll,
  });
  const [password, setPassword] = useState('');
  const save = useMutation({
    mutationFn: () =>
      api(`/api/console/managers/${account.id}`, {
        method: 'PATCH',
        body: {
          name: f.name,
          role: f.role,
          language: f.language,
          secondLanguage: f.secondLanguage,
          timezone: f.timezone,
          seesAll: f.seesAll,
          workingHours: f.from && f.to ? { from: f.from, to: f.to } : null,
        },
      }),
    onSuccess: onClose,
  });
  const reset = useMutation({ mutationFn: () => api(`/api/console/managers/${account.id}/password`, { method: 'PUT', body: { password } }), onSuccess: () => setPassword('') });
  return (
    <Modal opened onClose={onClose} title={`${account.login} · ${account.name}`}>
      <Stack gap="xs">
        <TextInput label={t('name')} value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} />
        <Group grow>
          <Select label={t('role')} value={f.role} onChange={(v) => setF({ ...f, role: (v ?? 'manager') as Account['role'] })} data={ROLES.map((r) => ({ value: r, label: t(`role_${r}`) }))} />
          <Select label={t('language')} value={f.language} onChange={(v) => setF({ ...f, language: v ?? 'en' })} data={LANGS} />
          <Select
            label={t('secondLanguage')}
            clearable
            value={f.secondLanguage}
            onChange={(v) => setF({ ...f, secondLanguage: v })}
            data={LANGS.filter((l) => l.value !== f.language)}
            data-testid="edit-second-language"
          />
        </Group>
        <TextInput label={t('timezone')} value={f.timezone} onChange={(e) => setF({ ...f, timezone: e.currentTarget.value })} data-testid="edit-timezone" />
        <Group grow>
          <TextInput label={t('workFrom')} placeholder="09:00" value={f.from} onChange={(e) => setF({ ...f, from: e.currentTarget.value })} />
          <TextInput label={t('workTo')} placeholder="18:00" value={f.to} onChange={(e) => setF({ ...f, to: e.currentTarget.value })} />
        </Group>
        <Checkbox label={t('seesAll')} checked={f.seesAll} onChange={(e) => setF({ ...f, seesAll: e.currentTarget.checked })} />
        {save.error && (
          <Text c="red" size="sm">
            {errorText(save.error)}
          </Text>
        )}
        <Button onClick={() => save.mutate()} loading={save.isPending} data-testid="save-manager">
          {t('save')}
        </Button>
        <Group align="flex-end" mt="md">
          <PasswordInput label={t('resetPassword')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} style={{ flex: 1 }} />
          <Button variant="light" onClick={() => reset.mutate()} loading={reset.isPending}>
            {t('resetPassword')}
          </Button>
        </Group>
        {reset.error && (
          <Text c="red" size="sm">
            {errorText(reset.error)}
          </Text>
        )}
        {reset.isSuccess && (
          <Text c="green" size="sm">
            {t('passwordChanged')}
          </Text>
        )}
      </Stack>
    </Modal>
  );
}
