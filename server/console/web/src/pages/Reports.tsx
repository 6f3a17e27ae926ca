import { Anchor, Button, Card, Group, Select, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errText, type User } from '../api';

export function Reports({ user }: { user: User }) {
  const { t } = useTranslation();
  const [period, setPeriod] = useState<string | null>('month');
  const [date, setDate] = useState(new Date().toISOString().slice(0, 10));
  const [to, setTo] = useState('');
  const [currency, setCurrency] = useState<string | null>('USD');
  const [csv, setCsv] = useState('');
  const [msg, setMsg] = useState<string>();
  const q = new URLSearchParams({ period: period ?? 'month', currency: currency ?? 'USD', ...(period === 'custom' ? { from: date, to } : { date }) });
  const imp = useMutation({
    mutationFn: () => api<{ imported: number }>('/api/rates/import', { method: 'POST', body: { csv, name: 'console' } }),
    onSuccess: (r) => setMsg(`${r.imported} ✓`),
    onError: (e) => setMsg(errText(e)),
  });
  return (
    <Stack>
      <Card withBorder>
        <Title order={5}>{t('reports')}</Title>
        <Group align="flex-end" mt="xs">
          <Select label={t('period')} value={period} onChange={setPeriod} data={['week', 'month', 'quarter', 'custom']} w={130} />
          <TextInput type="date" label={period === 'custom' ? t('from') : t('date')} value={date} onChange={(e) => setDate(e.currentTarget.value)} />
          {period === 'custom' && <TextInput type="date" label={t('to')} value={to} onChange={(e) => setTo(e.currentTarget.value)} />}
          <Select label={t('currency')} value={currency} onChange={setCurrency} data={['USD', 'CNY', 'EUR', 'RUB']} w={100} />
        </Group>
        <Group mt="sm">
          {(['xlsx', 'pdf', 'csv'] as const).map((f) => (
            <Anchor key={f} href={`/api/reports?${q}&format=${f}`} data-testid={`report-${f}`}>
              {f.toUpperCase()}
            </Anchor>
          ))}
        </Group>
      </Card>
      {user.role === 'admin' && (
        <Card withBorder>
          <Title order={5}>{t('rates')}</Title>
          <Text size="xs" c="dimmed">
            date,from,to,rate — 2026-11-01,USD,CNY,7.12
          </Text>
          <Textarea autosize minRows={3} value={csv} onChange={(e) => setCsv(e.currentTarget.value)} mt="xs" />
          <Button mt="xs" size="xs" onClick={() => imp.mutate()} disabled={!csv.trim()} loading={imp.isPending}>
            {t('import')}
          </Button>
          {msg && (
            <Text size="sm" mt="xs">
              {msg}
            </Text>
          )}
        </Card>
      )}
    </Stack>
  );
}
