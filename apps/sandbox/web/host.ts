/**
 * The agent-app host page: a LiveChat look-alike that embeds our widgets with LiveChat's "trusted" transport
 * (@livechat/postmessage `createIframe`). The host handshakes once, on each iframe's first load; the widget then
 * calls our `handle({plugin_id, message, data})`, and we push events with `api.call('handle', {event_name, event_data})`.
 */
import { createIframe, type PostmessageApi } from '@livechat/postmessage';
import type { HostConfig } from '../src/host/host.routes.ts';
import type { CustomerProfile, HostChat } from '../src/seed.ts';
import './host.css';
import { avatar, h } from './dom.ts';
import { icons, livechatMark, whatsappTile } from './icons.ts';
import {
  AgentApiError,
  archive,
  chatListItem,
  customerCardView,
  customerName,
  fetchChats,
  profileOf,
  sendFile,
  sendText,
  signInAgent,
  transcriptView,
  type Agent,
  type LiveChat,
} from './live-chats.ts';

declare global {
  interface Window {
    __SANDBOX_HOST_CONFIG__?: HostConfig;
    __sandboxHost?: SandboxHostApi;
  }
}

type WidgetName = 'details' | 'fullscreen';
type Theme = 'light' | 'dark';

interface WidgetMessage {
  plugin_id?: string;
  message?: string;
  data?: unknown;
}

interface LogEntry {
  at: string;
  widget: WidgetName;
  direction: 'in' | 'out' | 'info';
  name: string;
  data: unknown;
}

interface SandboxHostApi {
  pushEvent(name: string, data: unknown, widget?: WidgetName): void;
  widgetsConnected(): WidgetName[];
  widgetsHandshaken(): WidgetName[];
  selectChat(chatId: string): void;
  /** Chats of the LiveChat stand-in now listed (refreshes them first). */
  liveChats(): Promise<LiveChat[]>;
  openApp(): void;
  showChats(): void;
  log: LogEntry[];
}

interface WidgetSlot {
  name: WidgetName;
  api: PostmessageApi | null;
  inited: boolean;
  /** Events pushed before plugin_inited, coalesced by name (the latest wins), flushed in insertion order. */
  queue: Map<string, unknown>;
  frame: HTMLIFrameElement;
  destroy: () => void;
  pendingIntent: PaymentIntent | null;
}

/** What the payment modal shows of a charge, whether it comes from the app's intent or the Billing API. */
interface ChargeTerms {
  name?: string;
  price?: number;
  quantity?: number;
  months?: number;
  trial_days?: number;
  test?: boolean;
}

interface PaymentIntent extends ChargeTerms {
  metadata?: { type?: string; icon?: string; description?: string };
}

interface ChargeLike extends ChargeTerms {
  id?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// config & state

const config: HostConfig = window.__SANDBOX_HOST_CONFIG__ ?? {
  pluginId: 'whatsapp-business',
  detailsUrl: 'http://127.0.0.1:3000/widget/details.html?plugin_id=whatsapp-business&theme=light',
  fullscreenUrl: 'http://127.0.0.1:3000/widget/fullscreen.html?plugin_id=whatsapp-business&theme=light',
  chats: [],
};

const THEME_KEY = 'wa-sandbox-host-theme';
let theme: Theme = localStorage.getItem(THEME_KEY) === 'dark' ? 'dark' : 'light';
const chats: readonly HostChat[] = config.chats;
let selectedChatId: string | null = chats[0]?.id ?? null;
/** The license whose LiveChat chats are listed, as if its agent were signed in (`?license=` picks another). */
let license = new URLSearchParams(location.search).get('license') ?? '10001';
let agent: Agent | null = null;
let liveChats: LiveChat[] = [];
let liveRendered = '';
const slots: Partial<Record<WidgetName, WidgetSlot>> = {};
const log: LogEntry[] = [];

// ---------------------------------------------------------------------------------------------------------------
// helpers

function record(widget: WidgetName, direction: LogEntry['direction'], name: string, data: unknown): void {
  log.push({ at: new Date().toISOString(), widget, direction, name, data });
  if (log.length > 500) log.shift();
  console.debug(`[host] ${direction === 'in' ? '←' : direction === 'out' ? '→' : '•'} ${widget} ${name}`, data);
}

function withTheme(url: string): string {
  const u = new URL(url);
  u.searchParams.set('theme', theme);
  return u.toString();
}

function formatUsd(cents: number): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100);
}

function localTime(timezone: string): string {
  try {
    return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: timezone }).format(new Date());
  } catch {
    return '';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// layout

const root = document.getElementById('app') as HTMLElement;
document.documentElement.dataset.theme = theme;

// left nav
const badge = h('span', { class: 'lc-badge', 'data-testid': 'app-badge', hidden: true });
const navChats = h('button', {
  class: 'lc-nav__item is-active',
  'data-testid': 'nav-chats',
  'data-tip': 'Chats',
  'aria-label': 'Chats',
  html: icons.chats,
});
const navApp = h(
  'button',
  {
    class: 'lc-nav__item lc-nav__app',
    'data-testid': 'nav-app-whatsapp',
    'data-tip': 'WhatsApp Business',
    'aria-label': 'WhatsApp Business',
  },
  [h('span', { html: whatsappTile(28) }), badge],
);
const themeToggle = h('button', {
  class: 'lc-nav__item',
  'data-testid': 'theme-toggle',
  'data-tip': 'Switch theme',
  'aria-label': 'Switch theme',
});
const nav = h('nav', { class: 'lc-nav' }, [
  h('div', { class: 'lc-nav__logo', html: livechatMark(30) }),
  navChats,
  h('button', { class: 'lc-nav__item', 'data-tip': 'Engage', 'aria-label': 'Engage', html: icons.engage }),
  h('button', { class: 'lc-nav__item', 'data-tip': 'Archives', 'aria-label': 'Archives', html: icons.archives }),
  h('button', { class: 'lc-nav__item', 'data-tip': 'Customers', 'aria-label': 'Customers', html: icons.customers }),
  h('button', { class: 'lc-nav__item', 'data-tip': 'Reports', 'aria-label': 'Reports', html: icons.reports }),
  h('div', { class: 'lc-nav__sep' }),
  navApp,
  h('button', { class: 'lc-nav__item', 'data-tip': 'Apps', 'aria-label': 'Apps', html: icons.apps }),
  h('div', { class: 'lc-nav__spacer' }),
  h('button', { class: 'lc-nav__item', 'data-tip': 'Notifications', 'aria-label': 'Notifications', html: icons.bell }),
  themeToggle,
  h('button', { class: 'lc-nav__item', 'data-tip': 'Help', 'aria-label': 'Help', html: icons.help }),
  h('div', { class: 'lc-avatar-me', title: 'You (sandbox agent)' }, ['SA']),
]);

// chat list
const listItems = h('div', { class: 'lc-list__items', role: 'list' });
const liveItems = h('div', {
  class: 'lc-list__items lc-list__items--live',
  role: 'list',
  'aria-label': 'LiveChat chats',
  'data-testid': 'live-chat-list',
});
const liveCount = h('span', {}, ['0']);
const licenseSelect = h('select', { class: 'lc-license', 'data-testid': 'license-select', 'aria-label': 'Signed-in agent’s license' });
const chatList = h('aside', { class: 'lc-list' }, [
  h('div', { class: 'lc-list__header' }, [
    h('div', { class: 'lc-list__title' }, ['Chats', h('button', { class: 'lc-btn lc-btn--icon', 'aria-label': 'More', html: icons.more })]),
    h('label', { class: 'lc-search' }, [
      h('span', { html: icons.search }),
      h('input', { placeholder: 'Search', 'aria-label': 'Search chats' }),
    ]),
  ]),
  h('div', { class: 'lc-list__license' }, [licenseSelect]),
  h('div', { class: 'lc-list__group' }, [h('span', {}, ['Chats in LiveChat']), liveCount]),
  liveItems,
  h('div', { class: 'lc-list__group' }, [h('span', {}, ['My chats']), h('span', {}, [String(chats.length)])]),
  listItems,
]);

// chat area
const chatHeader = h('div', { class: 'lc-chat__header' });
const transcript = h('div', { class: 'lc-transcript', 'data-testid': 'transcript' });
const messageBox = h('textarea', {
  'data-testid': 'message-box',
  placeholder: 'Write a message…',
  'aria-label': 'Message',
  rows: '3',
});
// In a LiveChat chat, "Note" posts an agents-only event (visibility: agents), which integrations must never relay.
const messageTab = h(
  'button',
  { class: 'lc-composer__tab is-active', role: 'tab', 'aria-selected': 'true', 'data-testid': 'composer-tab-message' },
  ['Message'],
);
const noteTab = h('button', { class: 'lc-composer__tab', role: 'tab', 'aria-selected': 'false', 'data-testid': 'composer-tab-note' }, [
  'Note',
]);
let composeNote = false;
function setComposeNote(note: boolean): void {
  composeNote = note;
  messageTab.classList.toggle('is-active', !note);
  noteTab.classList.toggle('is-active', note);
  messageTab.setAttribute('aria-selected', String(!note));
  noteTab.setAttribute('aria-selected', String(note));
  messageBox.placeholder = note ? 'Write a note only agents see…' : 'Write a message…';
}
messageTab.addEventListener('click', () => setComposeNote(false));
noteTab.addEventListener('click', () => setComposeNote(true));
const attachButton = h('button', {
  class: 'lc-btn lc-btn--icon',
  'aria-label': 'Attach',
  'data-testid': 'attach-file',
  html: icons.attach,
});
const fileInput = h('input', { type: 'file', hidden: true, 'data-testid': 'composer-file' });
const composerError = h('div', { class: 'lc-composer__error', 'data-testid': 'composer-error', role: 'alert', hidden: true });
const sendButton = h('button', { class: 'lc-btn lc-btn--primary', 'data-testid': 'send-message' }, [
  h('span', { html: icons.send }),
  'Send',
]);
const chatArea = h('main', { class: 'lc-chat' }, [
  chatHeader,
  transcript,
  h('div', { class: 'lc-composer' }, [
    composerError,
    h('div', { class: 'lc-composer__tabs', role: 'tablist' }, [messageTab, noteTab]),
    messageBox,
    h('div', { class: 'lc-composer__bar' }, [
      h('button', { class: 'lc-btn lc-btn--icon', 'aria-label': 'Emoji', html: icons.emoji }),
      attachButton,
      fileInput,
      h('span', { class: 'grow' }),
      sendButton,
    ]),
  ]),
]);

// details sidebar
const customerCard = h('section', { class: 'lc-card', 'data-testid': 'customer-card' });
const sectionsHost = h('div', { class: 'lc-app-sections' });
const detailsBody = h('div', { class: 'lc-app-card__body' });
const detailsError = h('div', { class: 'lc-frame-error', hidden: true });
detailsBody.append(detailsError);
const detailsReload = h('button', {
  class: 'lc-btn lc-btn--icon',
  title: 'Reload app',
  'aria-label': 'Reload app',
  'data-testid': 'details-reload',
  html: icons.reload,
});
const details = h('aside', { class: 'lc-details', 'data-testid': 'details-sidebar' }, [
  h('div', { class: 'lc-details__header' }, [
    h('span', { class: 'lc-details__title' }, ['Details']),
    h('button', { class: 'lc-details__tab is-active', title: 'Customer details', html: icons.customers }),
    h('button', { class: 'lc-details__tab', title: 'WhatsApp Business', html: whatsappTile(20) }),
  ]),
  h('div', { class: 'lc-details__scroll' }, [
    customerCard,
    sectionsHost,
    h('section', { class: 'lc-card lc-app-card' }, [
      h('div', { class: 'lc-card__head' }, [
        h('span', { html: whatsappTile(20) }),
        h('span', { class: 'grow' }, ['WhatsApp Business']),
        detailsReload,
      ]),
      detailsBody,
    ]),
  ]),
]);

const chatsView = h('div', { class: 'lc-view', 'data-testid': 'chats-view' }, [chatList, chatArea, details]);

// fullscreen app view
const fullscreenBody = h('div', { class: 'lc-fullscreen__body' });
const fullscreenError = h('div', { class: 'lc-frame-error', hidden: true });
fullscreenBody.append(fullscreenError);
const appView = h('div', { class: 'lc-view', 'data-testid': 'app-view', hidden: true }, [
  h('section', { class: 'lc-fullscreen' }, [
    h('div', { class: 'lc-fullscreen__header' }, [
      h('span', { html: whatsappTile(26) }),
      h('span', { class: 'grow' }, ['WhatsApp Business']),
    ]),
    fullscreenBody,
  ]),
]);

const toasts = h('div', { class: 'lc-toasts', 'aria-live': 'polite' });
const modalBackdrop = h('div', { class: 'lc-backdrop', hidden: true });

root.append(h('div', { class: 'lc-app' }, [nav, chatsView, appView]), toasts, modalBackdrop);

// ---------------------------------------------------------------------------------------------------------------
// rendering

function lastCustomerLine(chat: HostChat) {
  return [...chat.transcript].reverse().find((line) => line.author !== 'system');
}

function renderChatList(): void {
  listItems.replaceChildren(
    ...chats.map((chat, index) => {
      const last = lastCustomerLine(chat);
      const item = h(
        'button',
        {
          class: `lc-chat-item${chat.id === selectedChatId ? ' is-selected' : ''}`,
          'data-testid': `chat-${chat.id}`,
          role: 'listitem',
          'aria-current': chat.id === selectedChatId ? 'true' : undefined,
        },
        [
          avatar(chat.customer_profile.name, index, '', true),
          h('span', { class: 'lc-chat-item__body' }, [
            h('span', { class: 'lc-chat-item__row' }, [
              h('span', { class: 'lc-chat-item__name' }, [chat.customer_profile.name]),
              h('span', { class: 'lc-chat-item__time' }, [last?.time ?? '']),
            ]),
            h('span', { class: 'lc-chat-item__preview', style: 'display:block' }, [
              `${last?.author === 'agent' ? 'You: ' : ''}${last?.text ?? ''}`,
            ]),
          ]),
        ],
      );
      item.addEventListener('click', () => selectChat(chat.id));
      return item;
    }),
  );
}

function selectedLiveChat(): LiveChat | undefined {
  return liveChats.find((c) => c.id === selectedChatId);
}

function renderLiveChatList(): void {
  liveCount.textContent = String(liveChats.length);
  liveItems.replaceChildren(
    ...liveChats.map((chat, index) => chatListItem(chat, index, chat.id === selectedChatId, () => selectChat(chat.id))),
  );
}

function renderLiveChat(chat: LiveChat): void {
  const index = liveChats.indexOf(chat);
  const archiveButton = h('button', { class: 'lc-btn', 'data-testid': 'archive-chat', disabled: !chat.active }, [
    h('span', { html: icons.archive }),
    'Archive',
  ]);
  archiveButton.addEventListener('click', () => void act(() => archive(requireAgent(), chat.id)));
  chatHeader.replaceChildren(
    avatar(customerName(chat), index + 2, '', chat.active),
    h('div', { class: 'lc-chat__who' }, [
      h('div', { class: 'lc-chat__name', 'data-testid': 'chat-title' }, [customerName(chat)]),
      h('div', { class: 'lc-chat__sub', 'data-testid': 'chat-state' }, [chat.active ? 'Ongoing chat' : 'Archived chat']),
    ]),
    archiveButton,
  );
  transcript.replaceChildren(...transcriptView(chat, index));
  transcript.scrollTop = transcript.scrollHeight;
  const fact = (icon: string, text: string) => h('li', {}, [h('span', { html: icon, style: 'display:contents' }), h('span', {}, [text])]);
  customerCard.replaceChildren(...customerCardView(chat, index, fact, icons));
}

function renderChat(): void {
  const live = selectedLiveChat();
  if (live) return renderLiveChat(live);
  const index = chats.findIndex((c) => c.id === selectedChatId);
  const chat = chats[index];
  if (!chat) {
    chatHeader.replaceChildren(h('div', { class: 'lc-chat__who' }, ['No chat selected']));
    transcript.replaceChildren();
    customerCard.replaceChildren();
    return;
  }
  const profile = chat.customer_profile;
  chatHeader.replaceChildren(
    avatar(profile.name, index, '', true),
    h('div', { class: 'lc-chat__who' }, [
      h('div', { class: 'lc-chat__name', 'data-testid': 'chat-title' }, [profile.name]),
      h('div', { class: 'lc-chat__sub' }, [`Ongoing chat · ${profile.geolocation.city}, ${profile.geolocation.country}`]),
    ]),
    h('button', { class: 'lc-btn' }, [h('span', { html: icons.transfer }), 'Transfer']),
    h('button', { class: 'lc-btn' }, [h('span', { html: icons.archive }), 'Archive']),
  );

  transcript.replaceChildren(
    h('div', { class: 'lc-day' }, ['Today']),
    ...chat.transcript.map((line) => {
      if (line.author === 'system') return h('div', { class: 'lc-system' }, [`${line.text} · ${line.time}`]);
      const isAgent = line.author === 'agent';
      return h('div', { class: `lc-msg lc-msg--${line.author}` }, [
        isAgent ? avatar('Sandbox Agent', 3) : avatar(profile.name, index),
        h('div', { class: 'lc-msg__bubble' }, [line.text]),
        h('span', { class: 'lc-msg__time' }, [line.time]),
      ]);
    }),
  );
  transcript.scrollTop = transcript.scrollHeight;
  renderCustomerCard(profile, index);
}

function renderCustomerCard(profile: CustomerProfile, index: number): void {
  const facts: HTMLElement[] = [];
  const fact = (icon: string, text: string, muted = false) =>
    h('li', {}, [h('span', { html: icon, style: 'display:contents' }), h('span', { class: muted ? 'muted' : undefined }, [text])]);
  const geo = profile.geolocation;
  const place = [geo.city, geo.region === geo.city ? '' : geo.region, geo.country].filter(Boolean).join(', ');
  facts.push(fact(icons.location, place));
  facts.push(fact(icons.clock, `${localTime(profile.geolocation.timezone)} local time (${profile.geolocation.timezone})`));
  facts.push(fact(icons.hash, `Chat ID ${profile.chat.id}`, true));
  for (const answer of profile.chat.preChatSurvey ?? []) facts.push(fact(icons.survey, `${answer.question}: ${answer.answer}`));
  customerCard.replaceChildren(
    h('div', { class: 'lc-customer' }, [
      avatar(profile.name, index, 'lc-avatar--lg'),
      h('div', {}, [
        h('div', { class: 'lc-customer__name' }, [profile.name]),
        h('div', { class: 'lc-customer__email' }, [profile.email ?? 'No email']),
      ]),
    ]),
    h('ul', { class: 'lc-facts' }, facts),
  );
}

function applyTheme(): void {
  document.documentElement.dataset.theme = theme;
  themeToggle.innerHTML = theme === 'dark' ? icons.sun : icons.moon;
}

// ---------------------------------------------------------------------------------------------------------------
// toasts

function showToast(kind: string, content: string): void {
  const icon = kind === 'success' ? icons.check : kind === 'error' ? icons.alert : icons.bell;
  const close = h('button', { 'aria-label': 'Dismiss', html: icons.close });
  const toast = h('div', { class: `lc-toast lc-toast--${kind}`, 'data-testid': 'host-toast', 'data-kind': kind, role: 'status' }, [
    h('span', { html: icon, style: 'display:contents' }),
    h('span', { class: 'lc-toast__text' }, [content]),
    close,
  ]);
  const remove = () => toast.remove();
  close.addEventListener('click', remove);
  toasts.append(toast);
  setTimeout(remove, 5000);
}

// ---------------------------------------------------------------------------------------------------------------
// widgets

function currentProfile(): CustomerProfile | null {
  const live = selectedLiveChat();
  if (live) return profileOf(live);
  return chats.find((c) => c.id === selectedChatId)?.customer_profile ?? null;
}

function deliver(slot: WidgetSlot, name: string, data: unknown): void {
  if (!slot.api) return;
  record(slot.name, 'out', name, data);
  slot.api.call('handle', { event_name: `livechat:${name}`, event_data: data }).catch((error: unknown) => {
    record(slot.name, 'info', `push ${name} failed`, String(error));
  });
}

/** Pushes `livechat:<name>` now if the widget has said plugin_inited, else queues it until then. */
function push(slot: WidgetSlot, name: string, data: unknown): void {
  if (slot.inited && slot.api) {
    deliver(slot, name, data);
    return;
  }
  slot.queue.delete(name);
  slot.queue.set(name, data);
}

function pushAll(name: string, data: unknown): void {
  for (const slot of Object.values(slots)) if (slot) push(slot, name, data);
}

function onPluginInited(slot: WidgetSlot): void {
  slot.inited = true;
  // Answer the widget's plugin_inited call first (create*Widget resolves on that answer), then push.
  setTimeout(() => {
    if (slot.name === 'details') {
      const profile = currentProfile();
      if (profile) slot.queue.set('customer_profile', profile);
    } else {
      if (!slot.queue.has('page_data')) slot.queue.set('page_data', { queryParams: {} });
    }
    const queued = [...slot.queue.entries()];
    slot.queue.clear();
    for (const [name, data] of queued) deliver(slot, name, data);
  }, 0);
}

function onWidgetMessage(slot: WidgetSlot, raw: unknown): void {
  const message = (raw ?? {}) as WidgetMessage;
  const name = message.message ?? '(unnamed)';
  record(slot.name, 'in', name, message.data);
  switch (name) {
    case 'plugin_inited':
      onPluginInited(slot);
      break;
    case 'plugin_loaded': {
      const profile = currentProfile();
      if (slot.name === 'details' && profile) push(slot, 'customer_profile', profile);
      break;
    }
    case 'set_toast': {
      const toast = (message.data ?? {}) as { kind?: string; content?: string };
      showToast(toast.kind ?? 'success', toast.content ?? '');
      break;
    }
    case 'put_message':
      putMessage(typeof message.data === 'string' ? message.data : String(message.data ?? ''));
      break;
    case 'put_messagebox_message': {
      const data = (message.data ?? {}) as { value?: unknown };
      if (typeof data.value === 'string') putMessage(data.value);
      break;
    }
    case 'set_fullscreen_widget_notification_badge':
      setBadge(message.data);
      break;
    case 'customer_details_section':
      renderSection(slot, message.data);
      break;
    case 'register_transaction_pending':
      slot.pendingIntent = ((message.data ?? {}) as { paymentIntent?: PaymentIntent }).paymentIntent ?? null;
      break;
    case 'register_transaction_success': {
      const charge = ((message.data ?? {}) as { charge?: ChargeLike }).charge ?? {};
      const intent = slot.pendingIntent;
      slot.pendingIntent = null;
      void startPayment(slot, charge, intent);
      break;
    }
    case 'register_transaction_failure': {
      const error = ((message.data ?? {}) as { error?: unknown }).error;
      showToast('error', `Payment could not start: ${error instanceof Error ? error.message : String(error ?? 'unknown error')}`);
      break;
    }
    default:
      // navigate_from_fullscreen_widget, watch_messages, track, update_properties…: logged only.
      break;
  }
  return undefined;
}

function putMessage(text: string): void {
  messageBox.value = text;
  messageBox.dispatchEvent(new Event('input', { bubbles: true }));
  messageBox.focus();
}

function setBadge(value: unknown): void {
  const count = typeof value === 'number' ? value : value === null || value === undefined ? null : Number(value);
  if (count === null || Number.isNaN(count) || count <= 0) {
    badge.hidden = true;
    badge.textContent = '';
    return;
  }
  badge.hidden = false;
  badge.textContent = count > 99 ? '99+' : String(count);
}

/** Minimal rendering of a details widget's customer_details_section (title, label_value, link, line, button). */
function renderSection(slot: WidgetSlot, raw: unknown): void {
  const section = (raw ?? {}) as { title?: string; components?: { type?: string; data?: Record<string, unknown> }[] };
  if (!section.title) return;
  const id = `section-${section.title.replace(/\W+/g, '-').toLowerCase()}`;
  const rows = (section.components ?? []).map((component) => {
    const data = component.data ?? {};
    switch (component.type) {
      case 'label_value':
        return h('div', { class: 'lc-section__row' }, [
          h('span', { class: 'label' }, [String(data.label ?? '')]),
          h('span', {}, [String(data.value ?? '')]),
        ]);
      case 'title':
        return h('strong', {}, [String(data.title ?? '')]);
      case 'link':
        return h('a', { href: String(data.url ?? '#'), target: '_blank', rel: 'noreferrer' }, [String(data.value ?? data.url ?? '')]);
      case 'line':
        return h('hr');
      case 'tags':
        return h('div', {}, [((data.tags as string[] | undefined) ?? []).join(', ')]);
      case 'button': {
        const button = h('button', { class: 'lc-btn' }, [String(data.label ?? '')]);
        button.addEventListener('click', () => push(slot, 'customer_details_section_button_click', { buttonId: data.id }));
        return button;
      }
      default:
        return h('span');
    }
  });
  const card = h('section', { class: 'lc-card', 'data-section': id }, [
    h('div', { class: 'lc-card__head' }, [section.title]),
    h('div', { class: 'lc-section' }, rows),
  ]);
  const existing = sectionsHost.querySelector(`[data-section="${id}"]`);
  if (existing) existing.replaceWith(card);
  else sectionsHost.append(card);
}

function connectWidget(name: WidgetName, container: HTMLElement, errorBox: HTMLElement, url: string): WidgetSlot {
  errorBox.hidden = true;
  const created = createIframe(
    { container, url: withTheme(url) },
    {
      handle: (message: unknown) => onWidgetMessage(slot, message),
    },
  );
  const slot: WidgetSlot = {
    name,
    api: null,
    inited: false,
    queue: new Map(),
    frame: created.frame,
    destroy: created.destroy,
    pendingIntent: null,
  };
  created.frame.dataset.testid = `${name}-widget-frame`;
  created.frame.title = name === 'details' ? 'WhatsApp Business (details)' : 'WhatsApp Business';
  created.promise.then(
    (api) => {
      slot.api = api;
      record(name, 'info', 'handshake complete', null);
    },
    (error: unknown) => {
      record(name, 'info', 'handshake failed', String(error));
      errorBox.replaceChildren(
        h('span', { html: icons.alert, style: 'color: var(--danger)' }),
        h('strong', {}, ['The app did not connect']),
        h('span', {}, ['LiveChat handshakes with an app once, when its page first loads. Is the widget running?']),
        h('code', {}, [withTheme(url)]),
        reloadButton(name),
      );
      errorBox.hidden = false;
    },
  );
  slots[name] = slot;
  return slot;
}

function reloadButton(name: WidgetName): HTMLElement {
  const button = h('button', { class: 'lc-btn lc-btn--primary' }, ['Reload app']);
  button.addEventListener('click', () => reloadWidget(name));
  return button;
}

/** Explicit reload (a new iframe and a new handshake), like LiveChat's "Reload app". */
function reloadWidget(name: WidgetName): void {
  slots[name]?.destroy();
  delete slots[name];
  if (name === 'details') {
    sectionsHost.replaceChildren();
    connectWidget('details', detailsBody, detailsError, config.detailsUrl);
  } else {
    connectWidget('fullscreen', fullscreenBody, fullscreenError, config.fullscreenUrl);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// payments (LiveChat's one-click payment modal)

interface PaymentRequest {
  slot: WidgetSlot;
  charge: ChargeLike;
  intent: PaymentIntent | null;
}

/** The app's icon from the payment metadata, falling back to the app tile when it does not load. */
function productIcon(url: string | undefined): HTMLElement {
  const fallback = () => h('span', { class: 'lc-product__icon', html: whatsappTile(48) });
  if (!url) return fallback();
  const img = h('img', { src: url, alt: '' });
  img.addEventListener('error', () => img.replaceWith(fallback()), { once: true });
  return img;
}

const paymentQueue: PaymentRequest[] = [];
let paymentOpen = false;

async function startPayment(slot: WidgetSlot, charge: ChargeLike, intent: PaymentIntent | null): Promise<void> {
  const id = charge.id;
  const known = id
    ? await fetch(`/sandbox/billing/charges/${encodeURIComponent(id)}`).then(
        (r) => r.ok,
        () => false,
      )
    : false;
  if (!known) {
    push(slot, 'transaction_failed', { error: 'Unknown charge' });
    showToast('error', 'Payment failed: unknown charge');
    return;
  }
  paymentQueue.push({ slot, charge, intent });
  if (!paymentOpen) openNextPayment();
}

function openNextPayment(): void {
  const request = paymentQueue.shift();
  if (!request) {
    paymentOpen = false;
    modalBackdrop.hidden = true;
    modalBackdrop.replaceChildren();
    return;
  }
  paymentOpen = true;
  const { slot, charge, intent } = request;
  const chargeId = charge.id ?? '';
  const recurrent = charge.months !== undefined;
  const name = charge.name ?? intent?.name ?? 'Purchase';
  const price = charge.price ?? intent?.price ?? 0;
  const test = charge.test ?? intent?.test ?? false;
  const lines: HTMLElement[] = [];
  const line = (label: string, value: string, cls = '') =>
    h('div', { class: cls || undefined }, [h('span', { class: cls ? undefined : 'label' }, [label]), h('span', {}, [value])]);
  if (recurrent) {
    const months = charge.months ?? intent?.months ?? 1;
    const trial = charge.trial_days ?? intent?.trial_days ?? 0;
    lines.push(line('Billing period', months === 1 ? 'every month' : `every ${months} months`));
    if (trial > 0) lines.push(line('Free trial', `${trial} days`));
    lines.push(line(months === 1 ? 'Total per month' : `Total every ${months} months`, formatUsd(price), 'total'));
  } else {
    const quantity = charge.quantity ?? intent?.quantity ?? 1;
    lines.push(line('Price', formatUsd(price)));
    lines.push(line('Quantity', String(quantity)));
    lines.push(line('Total', formatUsd(price * quantity), 'total'));
  }
  const iconUrl = intent?.metadata?.icon;
  const confirm = h('button', { class: 'lc-btn lc-btn--primary', 'data-testid': 'payment-confirm' }, ['Confirm payment']);
  const cancel = h('button', { class: 'lc-btn', 'data-testid': 'payment-cancel' }, ['Cancel']);
  const modal = h(
    'div',
    { class: 'lc-modal', role: 'dialog', 'aria-modal': 'true', 'data-testid': 'payment-modal', 'data-charge-id': chargeId },
    [
      h('div', { class: 'lc-modal__head' }, [h('span', {}, ['Confirm your purchase'])]),
      h('div', { class: 'lc-modal__body' }, [
        h('div', { class: 'lc-product' }, [
          productIcon(iconUrl),
          h('div', {}, [
            h('div', { class: 'lc-product__name', 'data-testid': 'payment-name' }, [
              name,
              ...(test ? [h('span', { class: 'lc-test-pill' }, ['TEST'])] : []),
            ]),
            h('div', { class: 'lc-product__desc' }, [intent?.metadata?.description ?? 'WhatsApp Business for LiveChat']),
          ]),
        ]),
        h('div', { class: 'lc-price-lines', 'data-testid': 'payment-terms' }, lines),
        h('p', { class: 'lc-modal__note' }, ['The charge is added to your LiveChat invoice. Prices in USD.']),
      ]),
      h('div', { class: 'lc-modal__foot' }, [cancel, confirm]),
    ],
  );
  modalBackdrop.replaceChildren(modal);
  modalBackdrop.hidden = false;

  const kind = recurrent ? 'recurrent' : 'direct';
  const act = async (action: 'accept' | 'decline') => {
    confirm.disabled = true;
    cancel.disabled = true;
    try {
      const response = await fetch(`/sandbox/billing/${kind}/${encodeURIComponent(chargeId)}/${action}`, { method: 'POST' });
      if (response.status === 404) {
        push(slot, 'transaction_failed', { error: 'Unknown charge' });
      } else if (!response.ok) {
        const problem = (await response.json().catch(() => ({}))) as { detail?: string };
        push(slot, 'transaction_failed', { error: problem.detail ?? `HTTP ${response.status}` });
        showToast('error', problem.detail ?? 'Payment failed');
      } else {
        push(slot, action === 'accept' ? 'transaction_accepted' : 'transaction_declined', { chargeId });
      }
    } catch (error) {
      push(slot, 'transaction_failed', { error: String(error) });
    }
    openNextPayment();
  };
  confirm.addEventListener('click', () => void act('accept'));
  cancel.addEventListener('click', () => void act('decline'));
  confirm.focus();
}

// ---------------------------------------------------------------------------------------------------------------
// navigation & interactions

function selectChat(chatId: string): void {
  if (!chats.some((c) => c.id === chatId) && !liveChats.some((c) => c.id === chatId)) return;
  const changed = chatId !== selectedChatId;
  selectedChatId = chatId;
  renderChatList();
  renderLiveChatList();
  renderChat();
  const profile = currentProfile();
  const detailsSlot = slots.details;
  if (changed && profile && detailsSlot) push(detailsSlot, 'customer_profile', profile);
}

function showChats(): void {
  appView.hidden = true;
  chatsView.hidden = false;
  navChats.classList.add('is-active');
  navApp.classList.remove('is-active');
}

function openApp(): void {
  chatsView.hidden = true;
  appView.hidden = false;
  navChats.classList.remove('is-active');
  navApp.classList.add('is-active');
  if (!slots.fullscreen) connectWidget('fullscreen', fullscreenBody, fullscreenError, config.fullscreenUrl);
}

navChats.addEventListener('click', showChats);
navApp.addEventListener('click', openApp);
themeToggle.addEventListener('click', () => {
  theme = theme === 'light' ? 'dark' : 'light';
  localStorage.setItem(THEME_KEY, theme);
  applyTheme();
  pushAll('change_theme', { theme });
});
detailsReload.addEventListener('click', () => reloadWidget('details'));

function requireAgent(): Agent {
  if (!agent) throw new AgentApiError('The agent is not signed in yet');
  return agent;
}

/** Runs one Agent Chat API call, shows its error in the composer, and refreshes the chats. */
async function act(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
    composerError.hidden = true;
  } catch (error) {
    composerError.textContent = error instanceof Error ? error.message : String(error);
    composerError.hidden = false;
  }
  await refreshLiveChats();
}

async function refreshLiveChats(): Promise<void> {
  const next = await fetchChats(license).catch(() => liveChats);
  const key = JSON.stringify(next);
  if (key === liveRendered) return;
  liveRendered = key;
  liveChats = next;
  renderLiveChatList();
  if (selectedLiveChat()) renderChat();
}

async function signInAs(next: string): Promise<void> {
  license = next;
  agent = await signInAgent(license).catch(() => null);
  liveRendered = '';
  await refreshLiveChats();
}

async function loadLicenses(): Promise<void> {
  const res = await fetch('/sandbox/orgs').catch(() => null);
  const orgs = res?.ok ? ((await res.json()) as { organizations: { name: string; license_id: number }[] }).organizations : [];
  licenseSelect.replaceChildren(
    ...orgs.map((o) =>
      h('option', { value: String(o.license_id), selected: String(o.license_id) === license }, [`${o.name} · license ${o.license_id}`]),
    ),
  );
}

licenseSelect.addEventListener('change', () => void signInAs(licenseSelect.value));
attachButton.addEventListener('click', () => {
  if (selectedLiveChat()) fileInput.click();
});
fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  const chat = selectedLiveChat();
  fileInput.value = '';
  if (file && chat) void act(() => sendFile(requireAgent(), chat.id, file));
});

function sendFromBox(): void {
  const text = messageBox.value.trim();
  const live = selectedLiveChat();
  if (text && live) {
    messageBox.value = '';
    void act(() => sendText(requireAgent(), live.id, text, composeNote ? 'agents' : 'all'));
    return;
  }
  const chat = chats.find((c) => c.id === selectedChatId);
  if (!text || !chat) return;
  const now = new Date();
  chat.transcript.push({
    author: 'agent',
    text,
    time: `${String(now.getHours()).padStart(2, '0')}:${String(now.getMinutes()).padStart(2, '0')}`,
  });
  messageBox.value = '';
  renderChat();
  renderChatList();
}
sendButton.addEventListener('click', sendFromBox);
messageBox.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    sendFromBox();
  }
});

// ---------------------------------------------------------------------------------------------------------------
// boot: create the details iframe at once (it is never recreated when switching chats)

applyTheme();
renderChatList();
renderChat();
connectWidget('details', detailsBody, detailsError, config.detailsUrl);
void loadLicenses();
void signInAs(license).then(() => setInterval(() => void refreshLiveChats(), 1000));

window.__sandboxHost = {
  pushEvent(name, data, widget) {
    const eventName = name.replace(/^livechat:/, '');
    if (widget) {
      const slot = slots[widget];
      if (slot) push(slot, eventName, data);
      return;
    }
    pushAll(eventName, data);
  },
  widgetsConnected: () => (Object.values(slots) as WidgetSlot[]).filter((s) => s.inited).map((s) => s.name),
  widgetsHandshaken: () => (Object.values(slots) as WidgetSlot[]).filter((s) => s.api !== null).map((s) => s.name),
  selectChat,
  liveChats: async () => {
    await refreshLiveChats();
    return liveChats;
  },
  openApp,
  showChats,
  log,
};
