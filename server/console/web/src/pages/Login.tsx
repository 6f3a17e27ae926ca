import { Alert, Button, Card, Center, Group, PasswordInput, SegmentedControl, Stack, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, setCsrf, type User } from '../api';
import { applyUserLanguage, fmtTime, setLanguage } from '../i18n';

export function Login() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<{ title: string; text: string; kind: 'wrong' | 'locked' | 'other' }>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const s = await api<{ user: User; csrf: string }>('/api/console/session', { method: 'POST', body: { login, password } });
      setCsrf(s.csrf);
      applyUserLanguage(s.user.login, s.user.language);
      qc.setQueryData(['session'], s.user);
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };
  // A locked account (or too many tries from this address) is told apart from a wrong password,
  // with the time it may try again in the reader's clock.
  function describe(err: unknown): { title: string; text: string; kind: 'wrong' | 'locked' | 'other' } {
    if (!(err instanceof ApiError)) return { title: t('wrong'), text: String(err), kind: 'other' };
    if (err.code === 'rate_limited') {
      const iso = /locked until (\S+)/.exec(err.message)?.[1];
      const until = iso ? new Date(iso) : err.retryAfterSec ? new Date(Date.now() + err.retryAfterSec * 1000) : undefined;
      if (iso && until) return { title: t('locked'), text: t('lockedUntil', { time: fmtTime(until) }), kind: 'locked' };
      return { title: t('locked'), text: t('tooMany', { s: err.retryAfterSec ?? 60 }), kind: 'locked' };
    }
    if (err.status === 401) return { title: t('wrong'), text: t('wrongPassword'), kind: 'wrong' };
    return { title: t('wrong'), text: err.message, kind: 'other' };
  }
  return (
    <Center h="100vh">
      <Card withBorder w={360} p="lg">
        <form onSubmit={submit}>
          <Stack>
            <Group justify="space-between">
              <Title order={3}>跟单 Gendan</Title>
              <SegmentedControl
                size="xs"
                value={i18n.language}
                onChange={(v) => setLanguage(v)}
                data={[
                  { value: 'en', label: 'EN' },
                  { value: 'ru', label: 'RU' },
                  { value: 'az', label: 'AZ' },
                  { value: 'zh', label: '中文' },
                ]}
              />
            </Group>
            {error && (
              <Alert color={error.kind === 'locked' ? 'orange' : 'red'} title={error.title} data-testid="login-error" data-kind={error.kind}>
                {error.text}
              </Alert>
            )}
            <TextInput label={t('login')} value={login} onChange={(e) => setLogin(e.currentTarget.value)} autoComplete="username" required data-testid="login" />
            <PasswordInput label={t('password')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="current-password" required data-testid="password" />
            <Button type="submit" loading={busy} data-testid="sign-in">
              {t('signIn')}
            </Button>
          </Stack>
        </form>
      </Card>
    </Center>
  );
}
