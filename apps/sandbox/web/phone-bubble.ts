import type { TemplateView } from '../src/phone/phone.routes.ts';
import { clock, h } from './dom.ts';
import { icon } from './phone-icons.ts';
import type { PhoneMessage } from './phone-types.ts';

/** What a bubble needs from the page: the message a reply quotes, and what its buttons do. */
export interface BubbleHandlers {
  find: (id: string) => PhoneMessage | undefined;
  act: (action: Record<string, unknown>) => void;
  reply: (message: PhoneMessage) => void;
}

function quoted(id: string, on: BubbleHandlers): HTMLElement | null {
  const target = on.find(id);
  if (!target) return null;
  return h('div', { class: 'ph-quote', 'data-testid': 'phone-quote' }, [summary(target)]);
}

export function summary(message: PhoneMessage): string {
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

function templateView(message: PhoneMessage, template: TemplateView, on: BubbleHandlers): HTMLElement[] {
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
            button.addEventListener('click', () => on.act({ kind: 'button', text: b.text, message_id: message.id }));
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

/** One message as the phone shows it, with its reply and reaction buttons. */
export function bubble(message: PhoneMessage, on: BubbleHandlers): HTMLElement {
  const mine = message.direction === 'out';
  const content: HTMLElement[] = [];
  if (message.reply_to) {
    const quote = quoted(message.reply_to, on);
    if (quote) content.push(quote);
  }
  if (message.template) content.push(...templateView(message, message.template, on));
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
  reply.addEventListener('click', () => on.reply(message));
  actions.append(reply);
  if (!mine) {
    for (const emoji of ['👍', '❤️', '😂']) {
      const react = h('button', { class: 'ph-action', 'data-testid': `phone-react-${emoji}`, 'aria-label': `React ${emoji}` }, [emoji]);
      react.addEventListener('click', () => on.act({ kind: 'reaction', emoji, message_id: message.id }));
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
