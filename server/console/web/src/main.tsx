import '@mantine/core/styles.css';
import '@mantine/charts/styles.css';
// Chinese on any machine, without a system CJK font: Noto Sans SC (all weights in one variable
// font) split by unicode-range into ~100 woff2 files, of which the browser loads the few a page uses.
import '@fontsource-variable/noto-sans-sc';
import { createTheme, MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './i18n';

// Mantine's stacks with the web font before the generic families: the system's own Latin fonts
// still come first, and whatever they lack (Chinese, and all text on a machine with no fonts)
// comes from Noto Sans SC.
const SANS = "-apple-system, BlinkMacSystemFont, Segoe UI, Roboto, Helvetica, Arial, 'Noto Sans SC Variable', sans-serif, Apple Color Emoji, Segoe UI Emoji";
const theme = createTheme({
  fontFamily: SANS,
  fontFamilyMonospace: "ui-monospace, SFMono-Regular, Menlo, Monaco, Consolas, Liberation Mono, Courier New, 'Noto Sans SC Variable', monospace",
  headings: { fontFamily: SANS },
});

const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: true, staleTime: 5_000 } } });

createRoot(document.getElementById('root')!).render(
  <MantineProvider theme={theme} defaultColorScheme="light">
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </MantineProvider>,
);
