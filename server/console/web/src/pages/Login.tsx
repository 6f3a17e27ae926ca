import { Alert, Button, Card, Center, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, setCsrf, type User } from '../api';

export function Login() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const s = await api<{ user: User; csrf: string }>('/api/console/session', { method: 'POST', body: { login, password } });
      setCsrf(s.csrf);
      qc.setQueryData(['session'], s.user);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Center h="100vh">
      <Card withBorder w={360} p="lg">
        <form onSubmit={submit}>
          <Stack>
            <Title order={3}>跟单 Gendan</Title>
            {error && <Alert color="red" title={t('wrong')} data-testid="login-error">{error}</Alert>}
            <TextInput label={t('login')} value={login} onChange={(e) => setLogin(e.currentTarget.value)} autoComplete="username" required data-testid="login" />
            <PasswordInput label={t('password')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="current-password" required data-testid="password" />
            <Button type="submit" loading={busy} data-testid="sign-in">{t('signIn')}</Button>
          </Stack>
        </form>
      </Card>
    </Center>
  );
}
