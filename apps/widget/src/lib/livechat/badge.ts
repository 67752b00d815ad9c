import { useEffect } from 'react';
import { useLiveChatWidget } from './hooks.tsx';

/** The count on the app's icon in the Agent App's menu (fullscreen widget only); null hides it. */
export function useNotificationBadge(count: number | null): void {
  const { widget } = useLiveChatWidget();
  useEffect(() => {
    const w = widget as { setNotificationBadge?: (n: number | null) => void } | null;
    if (!w?.setNotificationBadge) return;
    w.setNotificationBadge(count && count > 0 ? count : null);
  }, [widget, count]);
}
