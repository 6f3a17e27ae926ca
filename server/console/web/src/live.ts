// Live updates: one EventSource per tab on /api/console/events; a changed thread refreshes the
// inbox, that thread's messages if open, and the notices list. The browser reconnects by itself.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

export function useLive(): boolean {
  const qc = useQueryClient();
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const es = new EventSource('/api/console/events');
    es.onopen = () => setConnected(true);
    es.onerror = () => setConnected(false);
    es.addEventListener('thread', (e) => {
      const { threadId } = JSON.parse((e as MessageEvent<string>).data) as { threadId: string };
      void qc.invalidateQueries({ queryKey: ['inbox'] });
      void qc.invalidateQueries({ queryKey: ['messages', threadId] });
      // Delivery outcomes mark the chat's thread changed too: the notices list may have moved.
      void qc.invalidateQueries({ queryKey: ['notices'] });
    });
    return () => es.close();
  }, [qc]);
  return connected;
}
