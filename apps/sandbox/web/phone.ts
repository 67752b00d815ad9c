/**
 * The sandbox's WhatsApp phone: one customer's phone talking to one business number. It shows what Kaleyra
 * delivered to the phone, and every action (text, file, quick-reply tap, reaction, reply, location) goes through
 * `/sandbox/phone/*`, which makes the Kaleyra stand-in deliver its real incoming webhook (v1 or v2 by the number).
 */
import type { TemplateView } from '../src/phone/phone.routes.ts';
import { clock, h } from './dom.ts';
import './phone.css';

const svg = (paths: string, size = 20) =>
  `<svg viewBox="0 0 24 24" width="${size}" height="${size}" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">${paths}</svg>`;
const icon = {
  attach: svg('<path d="m21 11-8.6 8.6a5 5 0 0 1-7-7L14 4a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4L16 6.6"/>'),
  send: svg('<path d="m4 12 16-8-6 16-2.5-6.5z"/>'),
  store: svg('<path d="M4 9h16l-1.5-5h-13zM5 9v11h14V9M9 20v-6h6v6"/>'),
  doc: svg('<path d="M14 3H6v18h12V7z"/><path d="M14 3v4h4M9 13h6M9 17h6"/>'),
  pin: svg('<path d="M12 21s7-6.2 7-11.5a7 7 0 0 0-14 0C5 14.8 12 21 12 21z"/><circle cx="12" cy="9.5" r="2.5"/>', 16),
  reply: svg('<path d="M9 14 4 9l5-5"/><path d="M4 9h10a6 6 0 0 1 6 6v4"/>', 14),
  close: svg('<path d="M6 6l12 12M18 6 6 18"/>', 14),
  image: svg('<rect x="3" y="4" width="18" height="16" rx="2"/><circle cx="9" cy="10" r="2"/><path d="m21 17-5-5-9 8"/>', 18),
  folder: svg('<path d="M3 6h6l2 2h10v11H3z"/>', 18),
};

interface BusinessNumber {
  number: string;
  display_name: string;
  api_version: 'v1' | 'v2';
}

interface PhoneMessage {
  direction: 'in' | 'out';
  id: string;
  at: string;
  kind: string;
  text?: string;
  media?: { kind?: string; link?: string; url?: string; filename?: string; caption?: string; mime_type?: string };
  template?: TemplateView;
  reply_to?: string;
  reaction?: string;
  location?: { latitude: number; longitude: number; name?: string };
  delivered?: boolean;
}

interface Conversation {
  business: BusinessNumber;
  customer: string;
  messages: PhoneMessage[];
}

const params = new URLSearchParams(location.search);
const state = {
  numbers: [] as BusinessNumber[],
  business: params.get('business') ?? '',
  customer: params.get('customer') ?? '+48555010203',
  name: params.get('name') ?? 'Ana Silva',
  replyTo: null as PhoneMessage | null,
  conversation: null as Conversation | null,
  lastRendered: '',
  busy: false,
};

// ---------------------------------------------------------------------------------------------------------------
// layout

const root = document.getElementById('phone-app') as HTMLElement;
const businessSelect = h('select', { 'data-testid': 'phone-business', 'aria-label': 'Business number' });
const customerInput = h('input', { 'data-testid': 'phone-customer', 'aria-label': 'Customer number', inputmode: 'tel' });
const nameInput = h('input', { 'data-testid': 'phone-name', 'aria-label': 'Profile name' });
customerInput.value = state.customer;
nameInput.value = state.name;

const title = h('div', { class: 'ph-title' });
const messagesBox = h('div', { class: 'ph-messages', 'data-testid': 'phone-messages', role: 'log', 'aria-live': 'polite' });
const replyBar = h('div', { class: 'ph-replybar', 'data-testid': 'phone-reply-bar', hidden: true });
const textInput = h('input', { class: 'ph-input', 'data-testid': 'phone-text', placeholder: 'Message', 'aria-label': 'Message' });
const sendButton = h('button', { class: 'ph-send', 'data-testid': 'phone-send', 'aria-label': 'Send', html: icon.send });
const attachButton = h('button', {
  class: 'ph-icon',
  'data-testid': 'phone-attach',
  'aria-label': 'Attach',
  'aria-expanded': 'false',
  html: icon.attach,
});
const fileInput = h('input', {
  type: 'file',
  'data-testid': 'phone-file',
  hidden: true,
  accept: 'image/*,application/pdf,video/*,audio/*',
});
const attachMenu = h('div', { class: 'ph-attach', 'data-testid': 'phone-attach-menu', hidden: true }, [
  menuItem(
    'phone-send-photo',
    [icon.image, 'Sample photo'],
    () => void act({ kind: 'sample', sample: 'photo', caption: captionFromInput() }),
  ),
  menuItem('phone-send-pdf', [icon.doc, 'Sample PDF'], () => void act({ kind: 'sample', sample: 'pdf', caption: captionFromInput() })),
  menuItem('phone-pick-file', [icon.folder, 'Choose a file…'], () => fileInput.click()),
  menuItem(
    'phone-send-location',
    [icon.pin, 'Location'],
    () => void act({ kind: 'location', latitude: 52.2297, longitude: 21.0122, place: 'Warsaw Central' }),
  ),
]);
const errorLine = h('div', { class: 'ph-error', 'data-testid': 'phone-error', role: 'alert', hidden: true });

root.append(
  h('div', { class: 'ph-page' }, [
    h('aside', { class: 'ph-controls' }, [
      h('h1', {}, ['WhatsApp phone']),
      h('p', { class: 'ph-hint' }, ['A customer’s phone. What you do here reaches the app as Kaleyra’s incoming webhook.']),
      h('label', {}, ['Business number', businessSelect]),
      h('label', {}, ['Customer number', customerInput]),
      h('label', {}, ['Profile name', nameInput]),
    ]),
    h('div', { class: 'ph-device' }, [
      h('div', { class: 'ph-screen' }, [
        h('header', { class: 'ph-header' }, [h('span', { class: 'ph-avatar', 'aria-hidden': 'true', html: icon.store }), title]),
        messagesBox,
        errorLine,
        replyBar,
        h('div', { class: 'ph-composer' }, [attachButton, textInput, sendButton, fileInput]),
        attachMenu,
      ]),
    ]),
  ]),
);

function menuItem(testid: string, [glyph, label]: [string, string], onClick: () => void): HTMLButtonElement {
  const button = h('button', { class: 'ph-attach__item', 'data-testid': testid }, [h('span', { html: glyph }), label]);
  button.addEventListener('click', () => {
    attachMenu.hidden = true;
    attachButton.setAttribute('aria-expanded', 'false');
    onClick();
  });
  return button;
}

function captionFromInput(): string | undefined {
  const caption = textInput.value.trim();
  textInput.value = '';
  return caption || undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// rendering

function renderTitle(): void {
  const number = state.numbers.find((n) => n.number === state.business);
  title.replaceChildren(
    h('strong', {}, [number?.display_name ?? 'Business']),
    h('span', { class: 'ph-sub' }, [number ? `${number.number} · Kaleyra ${number.api_version}` : 'Pick a business number']),
  );
}

function quoted(id: string): HTMLElement | null {
  const target = state.conversation?.messages.find((m) => m.id === id);
  if (!target) return null;
  return h('div', { class: 'ph-quote', 'data-testid': 'phone-quote' }, [summary(target)]);
}

function summary(message: PhoneMessage): string {
  if (message.template) return message.template.body;
  if (message.text) return message.text;
  if (message.media) return message.media.filename ?? message.media.kind ?? 'Media';
  if (message.location) return `Location: ${message.location.name ?? 'pinned'}`;
  return message.kind;
}

function mediaView(media: NonNullable<PhoneMessage['media']>): HTMLElement {
  const url = media.link ?? media.url ?? '';
  const type = media.mime_type ?? '';
  if (media.kind === 'image' || type.startsWith('image/')) {
    return h('img', { class: 'ph-image', src: url, alt: media.filename ?? 'Image', 'data-testid': 'phone-image' });
  }
  return h('a', { class: 'ph-doc', href: url, target: '_blank', rel: 'noreferrer', 'data-testid': 'phone-document' }, [
    h('span', { html: icon.doc }),
    media.filename ?? url.split('/').pop() ?? 'Document',
  ]);
}

function templateView(message: PhoneMessage, template: TemplateView): HTMLElement[] {
  const parts: HTMLElement[] = [];
  if (template.header?.link) parts.push(mediaView({ kind: template.header.type, link: template.header.link }));
  else if (template.header?.text) parts.push(h('strong', { class: 'ph-tpl-header' }, [template.header.text]));
  parts.push(h('div', { class: 'ph-text' }, [template.body]));
  if (template.footer) parts.push(h('div', { class: 'ph-footer' }, [template.footer]));
  if (template.buttons.length > 0) {
    parts.push(
      h(
        'div',
        { class: 'ph-buttons' },
        template.buttons.map((b) => {
          const button = h('button', { class: 'ph-quick', 'data-testid': 'phone-quick-reply' }, [b.text]);
          if (b.type.toUpperCase() === 'QUICK_REPLY') {
            button.addEventListener('click', () => void act({ kind: 'button', text: b.text, message_id: message.id }));
          } else {
            button.disabled = true;
          }
          return button;
        }),
      ),
    );
  }
  return parts;
}

function bubble(message: PhoneMessage): HTMLElement {
  const mine = message.direction === 'out';
  const content: HTMLElement[] = [];
  if (message.reply_to) {
    const quote = quoted(message.reply_to);
    if (quote) content.push(quote);
  }
  if (message.template) content.push(...templateView(message, message.template));
  else {
    if (message.media) content.push(mediaView(message.media));
    if (message.location) {
      const { latitude, longitude, name } = message.location;
      content.push(
        h('div', { class: 'ph-text ph-location' }, [
          h('span', { html: icon.pin }),
          `${name ?? 'Location'} (${latitude.toFixed(4)}, ${longitude.toFixed(4)})`,
        ]),
      );
    }
    const text = message.text ?? message.media?.caption;
    if (text) content.push(h('div', { class: 'ph-text' }, [text]));
  }
  const meta = h('div', { class: 'ph-meta' }, [clock(message.at)]);
  if (mine) {
    meta.append(
      h(
        'span',
        {
          class: message.delivered ? 'ph-ticks' : 'ph-ticks ph-ticks--failed',
          title: message.delivered ? 'Delivered to the app' : 'The app did not accept it',
        },
        [message.delivered ? '✓✓' : '!'],
      ),
    );
  }
  content.push(meta);
  if (message.reaction) content.push(h('span', { class: 'ph-reaction', 'data-testid': 'phone-reaction' }, [message.reaction]));

  const actions = h('div', { class: 'ph-actions' });
  const reply = h('button', { class: 'ph-action', 'data-testid': 'phone-reply', 'aria-label': 'Reply', html: icon.reply });
  reply.addEventListener('click', () => {
    state.replyTo = message;
    renderReplyBar();
    textInput.focus();
  });
  actions.append(reply);
  if (!mine) {
    for (const emoji of ['👍', '❤️', '😂']) {
      const react = h('button', { class: 'ph-action', 'data-testid': `phone-react-${emoji}`, 'aria-label': `React ${emoji}` }, [emoji]);
      react.addEventListener('click', () => void act({ kind: 'reaction', emoji, message_id: message.id }));
      actions.append(react);
    }
  }
  return h(
    'div',
    {
      class: `ph-row ${mine ? 'ph-row--out' : 'ph-row--in'}`,
      'data-testid': mine ? 'phone-sent' : 'phone-received',
      'data-id': message.id,
      'data-kind': message.kind,
    },
    [h('div', { class: 'ph-bubble' }, content), actions],
  );
}

function renderMessages(): void {
  const conversation = state.conversation;
  const key = JSON.stringify(conversation?.messages ?? []);
  if (key === state.lastRendered) return;
  state.lastRendered = key;
  if (!conversation || conversation.messages.length === 0) {
    messagesBox.replaceChildren(h('div', { class: 'ph-empty' }, ['No messages yet. Say hello.']));
    return;
  }
  messagesBox.replaceChildren(...conversation.messages.map(bubble));
  messagesBox.scrollTop = messagesBox.scrollHeight;
}

function renderReplyBar(): void {
  if (!state.replyTo) {
    replyBar.hidden = true;
    replyBar.replaceChildren();
    return;
  }
  const cancel = h('button', { class: 'ph-action', 'aria-label': 'Cancel reply', html: icon.close });
  cancel.addEventListener('click', () => {
    state.replyTo = null;
    renderReplyBar();
  });
  replyBar.hidden = false;
  replyBar.replaceChildren(h('span', {}, ['Replying to: ', h('em', {}, [summary(state.replyTo)])]), cancel);
}

function showError(text: string | null): void {
  errorLine.hidden = text === null;
  errorLine.textContent = text ?? '';
}

// ---------------------------------------------------------------------------------------------------------------
// data

async function loadNumbers(): Promise<void> {
  const res = await fetch('/sandbox/kaleyra/numbers');
  const body = (await res.json()) as { numbers: BusinessNumber[] };
  state.numbers = body.numbers;
  if (!state.numbers.some((n) => n.number === state.business)) state.business = state.numbers[0]?.number ?? '';
  businessSelect.replaceChildren(
    ...state.numbers.map((n) =>
      h('option', { value: n.number, selected: n.number === state.business }, [`${n.display_name} · ${n.number} (${n.api_version})`]),
    ),
  );
  renderTitle();
}

async function poll(): Promise<void> {
  if (!state.business || !state.customer) return;
  const query = new URLSearchParams({ business: state.business, customer: state.customer });
  try {
    const res = await fetch(`/sandbox/phone/conversation?${query}`);
    if (!res.ok) return;
    state.conversation = (await res.json()) as Conversation;
    renderMessages();
  } catch {
    // The sandbox restarting: the next poll catches up.
  }
}

async function act(action: Record<string, unknown>): Promise<void> {
  if (!state.business || !state.customer) return;
  const replyTo = state.replyTo?.id;
  state.replyTo = null;
  renderReplyBar();
  const res = await fetch('/sandbox/phone/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      business: state.business,
      customer: state.customer,
      name: state.name || undefined,
      ...(replyTo ? { reply_to: replyTo } : {}),
      ...action,
    }),
  });
  await afterAction(res);
}

async function afterAction(res: Response): Promise<void> {
  if (res.ok) showError(null);
  else {
    const problem = (await res.json().catch(() => ({}))) as { detail?: string; reason?: string; status?: number };
    showError(problem.reason ?? problem.detail ?? `The app answered ${problem.status ?? res.status}`);
  }
  await poll();
}

async function sendFile(file: File): Promise<void> {
  const form = new FormData();
  form.set('business', state.business);
  form.set('customer', state.customer);
  if (state.name) form.set('name', state.name);
  const caption = captionFromInput();
  if (caption) form.set('caption', caption);
  if (state.replyTo) form.set('reply_to', state.replyTo.id);
  state.replyTo = null;
  renderReplyBar();
  form.set('file', file);
  await afterAction(await fetch('/sandbox/phone/media', { method: 'POST', body: form }));
}

// ---------------------------------------------------------------------------------------------------------------
// interactions

function sendText(): void {
  const text = textInput.value.trim();
  if (!text) return;
  textInput.value = '';
  void act({ kind: 'text', text });
}

sendButton.addEventListener('click', sendText);
textInput.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') {
    event.preventDefault();
    sendText();
  }
});
attachButton.addEventListener('click', () => {
  attachMenu.hidden = !attachMenu.hidden;
  attachButton.setAttribute('aria-expanded', String(!attachMenu.hidden));
});
fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  fileInput.value = '';
  if (file) void sendFile(file);
});

function conversationChanged(): void {
  state.conversation = null;
  state.lastRendered = '';
  state.replyTo = null;
  renderReplyBar();
  renderTitle();
  const url = new URL(location.href);
  url.searchParams.set('business', state.business);
  url.searchParams.set('customer', state.customer);
  url.searchParams.set('name', state.name);
  history.replaceState(null, '', url);
  void poll();
}

businessSelect.addEventListener('change', () => {
  state.business = businessSelect.value;
  conversationChanged();
});
customerInput.addEventListener('change', () => {
  state.customer = customerInput.value.trim();
  conversationChanged();
});
nameInput.addEventListener('change', () => {
  state.name = nameInput.value.trim();
  conversationChanged();
});

void loadNumbers().then(() => {
  conversationChanged();
  setInterval(() => void poll(), 1000);
});
