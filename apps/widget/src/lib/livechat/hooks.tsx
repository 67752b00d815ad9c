import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import type { CustomerProfile, LiveChatWidget, Theme, Toast } from './types.ts';

/** The part of every widget kind these hooks use; the SDK's own types are a union that TS cannot call through. */
interface WidgetSurface {
  on(event: string, handler: (data: never) => void): void;
  off(event: string, handler: (data: never) => void): void;
  setToast(toast: Toast): Promise<void>;
  getTheme(): Theme | null;
  getCustomerProfile?: () => CustomerProfile | null;
}

export type LiveChatStatus = 'connecting' | 'ready' | 'failed';

interface LiveChatState {
  widget: LiveChatWidget | null;
  status: LiveChatStatus;
}

const LiveChatContext = createContext<LiveChatState>({ widget: null, status: 'connecting' });

/** Provides the widget once the handshake (started by the entry, before React) completes. Rendering never waits. */
export function LiveChatProvider({ widget, children }: { widget: Promise<LiveChatWidget>; children: ReactNode }) {
  const [state, setState] = useState<LiveChatState>({ widget: null, status: 'connecting' });
  useEffect(() => {
    let live = true;
    widget.then(
      (w) => live && setState({ widget: w, status: 'ready' }),
      (error: unknown) => {
        console.error('LiveChat handshake failed', error);
        if (live) setState({ widget: null, status: 'failed' });
      },
    );
    return () => {
      live = false;
    };
  }, [widget]);
  return <LiveChatContext.Provider value={state}>{children}</LiveChatContext.Provider>;
}

/** The connected widget, or null while the Agent App has not answered the handshake. */
export function useLiveChatWidget(): LiveChatState {
  return useContext(LiveChatContext);
}

function surface(widget: LiveChatWidget | null): WidgetSurface | null {
  return widget as unknown as WidgetSurface | null;
}

function useWidgetEvent<T>(event: string, handler: (data: T) => void) {
  const w = surface(useLiveChatWidget().widget);
  useEffect(() => {
    if (!w) return;
    const h = handler as (data: never) => void;
    w.on(event, h);
    return () => w.off(event, h);
  }, [w, event, handler]);
}

/** The customer of the chat the agent has open (details widget), updated when the agent switches chats. */
export function useCustomerProfile(): CustomerProfile | null {
  const w = surface(useLiveChatWidget().widget);
  const [profile, setProfile] = useState<CustomerProfile | null>(null);
  useEffect(() => {
    // The SDK records `customer_profile` from the moment the widget is built, so nothing sent before we
    // subscribed is lost.
    if (w?.getCustomerProfile) setProfile(w.getCustomerProfile());
  }, [w]);
  useWidgetEvent<CustomerProfile>('customer_profile', setProfile);
  return profile;
}

function themeFromUrl(): Theme {
  const t = new URLSearchParams(window.location.search).get('theme');
  return t === 'dark' ? 'dark' : 'light';
}

/** The Agent App's theme: `?theme=` at first, then the widget's value and `change_theme` events. */
export function useTheme(): Theme {
  const w = surface(useLiveChatWidget().widget);
  const [theme, setTheme] = useState<Theme>(themeFromUrl);
  useEffect(() => {
    const t = w?.getTheme();
    if (t === 'light' || t === 'dark') setTheme(t);
  }, [w]);
  const onChange = useCallback((data: { theme?: unknown }) => {
    if (data?.theme === 'light' || data?.theme === 'dark') setTheme(data.theme);
  }, []);
  useWidgetEvent('change_theme', onChange);
  return theme;
}

/** Shows a toast in the Agent App. A no-op before the handshake; callers show their own inline message too. */
export function useToast(): (toast: Toast) => void {
  const w = surface(useLiveChatWidget().widget);
  return useCallback(
    (toast: Toast) => {
      if (!w) return;
      w.setToast(toast).catch((error: unknown) => console.warn('setToast failed', error));
    },
    [w],
  );
}
