import type { TemplateView } from '../src/phone/phone.routes.ts';

export interface BusinessNumber {
  number: string;
  display_name: string;
  api_version: 'v1' | 'v2';
}

export interface PhoneMessage {
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

export interface Conversation {
  business: BusinessNumber;
  customer: string;
  messages: PhoneMessage[];
}
