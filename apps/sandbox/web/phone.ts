/**
 * The sandbox's WhatsApp phone: one customer's phone talking to one business number. It shows what Kaleyra
 * delivered to the phone, and every action (text, file, quick-reply tap, reaction, reply, location) goes through
 * `/sandbox/phone/*`, which makes the Kaleyra stand-in deliver its real incoming webhook (v1 or v2 by the number).
 */
import { h } from './dom.ts';
import { bubble, summary, type BubbleHandlers } from './phone-bubble.ts';
import { icon } from './phone-icons.ts';
import type { BusinessNumber, Conversation, PhoneMessage } from './phone-types.ts';
import './phone.css';

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

const bubbleHandlers: BubbleHandlers = {
  find: (id) => state.conversation?.messages.find((m) => m.id === id),
  act: (action) => void act(action),
  reply: (message) => {
    state.replyTo = message;
    renderReplyBar();
    textInput.focus();
  },
};

function renderMessages(): void {
  const conversation = state.conversation;
  const key = JSON.stringify(conversation?.messages ?? []);
  if (key === state.lastRendered) return;
  state.lastRendered = key;
  if (!conversation || conversation.messages.length === 0) {
    messagesBox.replaceChildren(h('div', { class: 'ph-empty' }, ['No messages yet. Say hello.']));
    return;
  }
  messagesBox.replaceChildren(...conversation.messages.map((m) => bubble(m, bubbleHandlers)));
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
