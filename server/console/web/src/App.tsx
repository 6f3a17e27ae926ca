import { AppShell, Badge, Button, Center, Group, Loader, NavLink, SegmentedControl, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Redirect, Route, Router, Switch, useLocation } from 'wouter';
import { api, setCsrf, type User } from './api';
import { applyUserLanguage, setLanguage } from './i18n';
import { useLive } from './live';
import { Admin } from './pages/Admin';
import { Claims, ClaimsAnalytics } from './pages/Claims';
import { Performance } from './pages/Performance';
import { Reports } from './pages/Reports';
import { Inbox } from './pages/Inbox';
import { Login } from './pages/Login';
import { Notices } from './pages/Notices';
import { Orders } from './pages/Orders';
import { ImportOrders, LeadTimes, NewOrder, OrderPage } from './pages/OrdersIn';
import { SupplierCard } from './pages/Supplier';
import { Suppliers } from './pages/Suppliers';
import { MyWechat } from './pages/MyWechat';
import { Thread } from './pages/Thread';

export function App() {
  const session = useQuery({
    queryKey: ['session'],
    queryFn: async () => {
      try {
        const s = await api<{ user: User; csrf: string }>('/api/console/session');
        setCsrf(s.csrf);
        applyUserLanguage(s.user.login, s.user.language);
        return s.user;
      } catch {
        return null;
      }
    },
    staleTime: Infinity,
  });
  if (session.isLoading)
    return (
      <Center h="100vh">
        <Loader />
      </Center>
    );
  return <Router base="/console">{session.data ? <Shell user={session.data} /> : <Login />}</Router>;
}

function Shell({ user }: { user: User }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [location, navigate] = useLocation();
  const live = useLive();
  const signOut = async () => {
    await api('/api/console/session', { method: 'DELETE' }).catch(() => undefined);
    qc.setQueryData(['session'], null);
    navigate('/');
  };
  const links = [
    { to: '/', label: t('inbox'), match: (l: string) => l === '/' || l.startsWith('/threads') },
    { to: '/suppliers', label: t('suppliers'), match: (l: string) => l.startsWith('/suppliers') },
    { to: '/orders', label: t('orders'), match: (l: string) => l.startsWith('/orders') },
    { to: '/claims', label: t('claims'), match: (l: string) => l.startsWith('/claims') },
    { to: '/performance', label: t('performance'), match: (l: string) => l.startsWith('/performance') },
    { to: '/reports', label: t('reports'), match: (l: string) => l.startsWith('/reports') },
    { to: '/notices', label: t('notices'), match: (l: string) => l.startsWith('/notices') },
    { to: '/me', label: t('myWechat'), match: (l: string) => l.startsWith('/me') },
    ...(user.role === 'admin' ? [{ to: '/admin', label: t('admin'), match: (l: string) => l.startsWith('/admin') }] : []),
  ];
  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 190, breakpoint: 'sm' }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="xs">
            <Title order={4}>跟单 Gendan</Title>
            <Badge color={live ? 'green' : 'gray'} variant="dot" data-testid="live-badge">
              {t('live')}
            </Badge>
          </Group>
          <Group gap="sm">
            <SegmentedControl
              size="xs"
              data-testid="lang-switch"
              value={i18n.language}
              onChange={(v) => setLanguage(v, user.login)}
              data={[
                { value: 'en', label: 'EN' },
                { value: 'ru', label: 'RU' },
                { value: 'az', label: 'AZ' },
                { value: 'zh', label: '中文' },
              ]}
            />
            <Text size="sm" data-testid="user-name">
              {user.name}
            </Text>
            <Button size="xs" variant="subtle" onClick={signOut} data-testid="sign-out">
              {t('signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        {links.map((l) => (
          <NavLink key={l.to} label={l.label} active={l.match(location)} onClick={() => navigate(l.to)} data-testid={`nav-${l.to.slice(1) || 'inbox'}`} />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Switch>
          <Route path="/">{() => <Inbox user={user} />}</Route>
          <Route path="/threads/:id">{(p) => <Thread id={p.id} user={user} />}</Route>
          <Route path="/orders/new" component={NewOrder} />
          <Route path="/orders/import" component={ImportOrders} />
          <Route path="/orders/lead-times" component={LeadTimes} />
          <Route path="/orders/:id">{(p) => <OrderPage id={p.id} />}</Route>
          <Route path="/orders" component={Orders} />
          <Route path="/suppliers" component={Suppliers} />
          <Route path="/suppliers/:code">{(p) => <SupplierCard key={p.code} code={decodeURIComponent(p.code)} user={user} />}</Route>
          <Route path="/me" component={MyWechat} />
          <Route path="/claims/analytics" component={ClaimsAnalytics} />
          <Route path="/claims" component={Claims} />
          <Route path="/performance" component={Performance} />
          <Route path="/reports">{() => <Reports user={user} />}</Route>
          <Route path="/notices">{() => <Notices user={user} />}</Route>
          <Route path="/admin" component={Admin} />
          <Route>
            <Redirect to="/" />
          </Route>
        </Switch>
      </AppShell.Main>
    </AppShell>
  );
}
