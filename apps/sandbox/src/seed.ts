/**
 * Fixed seed data. Pure data (no Node imports) so the host page bundle could import it too.
 * Ids are fixed so tests and other apps can hard-code them.
 */

export type AccountRole = 'owner' | 'agent';
export type LivechatRole = 'owner' | 'viceowner' | 'administrator' | 'normal';
export type KaleyraApiVersion = 'v1' | 'v2';

export interface SeedAccount {
  account_id: string;
  email: string;
  name: string;
  role: AccountRole;
  livechat_role: LivechatRole;
}

export interface SeedWhatsAppNumber {
  /** E.164 with a leading `+`. */
  number: string;
  display_name: string;
  api_version: KaleyraApiVersion;
  waba_id: string;
  /** Meta's phone_number_id, echoed in v2 callbacks' `metadata`. */
  phone_number_id: string;
}

export interface SeedOrganization {
  id: string;
  name: string;
  license_id: number;
  timezone: string;
  accounts: SeedAccount[];
  whatsapp_numbers: SeedWhatsAppNumber[];
}

export const ACME_ORG_ID = '8c1f2a4e-6b0d-4c1e-9a57-00000000ac01';
export const BISTRO_ORG_ID = '3d7e9b10-2f4a-4b8c-8e21-00000000b157';
/** A brand-new customer: the BFF's dev seed does not accept the terms for it, to show the first-use flow. */
export const CEDAR_ORG_ID = '6a2c4e8d-1f3b-4c5d-9e70-00000000ced1';

export const organizations: readonly SeedOrganization[] = [
  {
    id: ACME_ORG_ID,
    name: 'Acme Shoes',
    license_id: 10001,
    timezone: 'Europe/Warsaw',
    accounts: [
      {
        account_id: 'a1c0ffee-0001-4a11-8a01-0000000a0001',
        email: 'olivia@acme.test',
        name: 'Olivia Owner',
        role: 'owner',
        livechat_role: 'owner',
      },
      {
        account_id: 'a1c0ffee-0002-4a11-8a01-0000000a0002',
        email: 'adam@acme.test',
        name: 'Adam Agent',
        role: 'agent',
        livechat_role: 'normal',
      },
    ],
    whatsapp_numbers: [
      {
        number: '+48221234567',
        display_name: 'Acme Shoes',
        api_version: 'v2',
        waba_id: 'waba-acme-001',
        phone_number_id: '110000000000001',
      },
    ],
  },
  {
    id: BISTRO_ORG_ID,
    name: 'Bistro Verde',
    license_id: 10002,
    timezone: 'Europe/Rome',
    accounts: [
      {
        account_id: 'b15a0000-0001-4b22-9b02-0000000b0001',
        email: 'bruno@bistro.test',
        name: 'Bruno Owner',
        role: 'owner',
        livechat_role: 'owner',
      },
      {
        account_id: 'b15a0000-0002-4b22-9b02-0000000b0002',
        email: 'bea@bistro.test',
        name: 'Bea Agent',
        role: 'agent',
        livechat_role: 'normal',
      },
    ],
    whatsapp_numbers: [
      {
        number: '+390212345678',
        display_name: 'Bistro Verde',
        api_version: 'v1',
        waba_id: 'waba-bistro-001',
        phone_number_id: '110000000000002',
      },
    ],
  },
  {
    id: CEDAR_ORG_ID,
    name: 'Cedar Dental',
    license_id: 10003,
    timezone: 'America/New_York',
    accounts: [
      {
        account_id: 'ced0a000-0001-4c33-8c03-0000000c0001',
        email: 'carla@cedar.test',
        name: 'Carla Owner',
        role: 'owner',
        livechat_role: 'owner',
      },
      {
        account_id: 'ced0a000-0002-4c33-8c03-0000000c0002',
        email: 'cody@cedar.test',
        name: 'Cody Agent',
        role: 'agent',
        livechat_role: 'normal',
      },
    ],
    whatsapp_numbers: [
      {
        number: '+12126647665',
        display_name: 'Cedar Dental',
        api_version: 'v2',
        waba_id: 'waba-cedar-001',
        phone_number_id: '110000000000003',
      },
    ],
  },
];

// ---------------------------------------------------------------------------------------------------------------
// WhatsApp templates (Meta's message_templates shape)

export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
export type TemplateStatus = 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED';

export type TemplateComponent =
  | { type: 'HEADER'; format: 'TEXT'; text: string }
  | { type: 'BODY'; text: string }
  | { type: 'FOOTER'; text: string }
  | { type: 'BUTTONS'; buttons: { type: 'QUICK_REPLY'; text: string }[] };

export interface SeedTemplate {
  name: string;
  language: string;
  category: TemplateCategory;
  status: TemplateStatus;
  rejected_reason?: string;
  components: TemplateComponent[];
}

const commonTemplates: readonly SeedTemplate[] = [
  {
    name: 'order_shipped',
    language: 'en_US',
    category: 'UTILITY',
    status: 'APPROVED',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Order update' },
      { type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped and will arrive on {{3}}.' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Track' },
          { type: 'QUICK_REPLY', text: 'Stop' },
        ],
      },
    ],
  },
  {
    name: 'spring_sale',
    language: 'en_US',
    category: 'MARKETING',
    status: 'APPROVED',
    components: [
      { type: 'BODY', text: 'Hello {{1}}! Our spring sale starts today: {{2}} off everything.' },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop' }] },
    ],
  },
  {
    name: 'login_code',
    language: 'en_US',
    category: 'AUTHENTICATION',
    status: 'APPROVED',
    components: [{ type: 'BODY', text: '{{1}} is your verification code.' }],
  },
  {
    name: 'appointment_reminder',
    language: 'en_US',
    category: 'UTILITY',
    status: 'APPROVED',
    components: [{ type: 'BODY', text: 'Hi {{1}}, this is a reminder of your appointment on {{2}}.' }],
  },
  {
    name: 'crypto_promo',
    language: 'en_US',
    category: 'MARKETING',
    status: 'REJECTED',
    rejected_reason: 'PROMOTIONAL content not allowed',
    components: [{ type: 'BODY', text: 'Hi {{1}}, double your money with our new coin!' }],
  },
  {
    name: 'winter_clearance',
    language: 'en_US',
    category: 'MARKETING',
    status: 'PAUSED',
    components: [{ type: 'BODY', text: 'Hi {{1}}, winter clearance: up to {{2}} off.' }],
  },
];

const bistroTemplates: readonly SeedTemplate[] = [
  {
    name: 'table_booking',
    language: 'en_US',
    category: 'UTILITY',
    status: 'APPROVED',
    components: [{ type: 'BODY', text: 'Hi {{1}}, your table for {{2}} is booked at {{3}}.' }],
  },
];

/** Templates a WABA starts with. Unknown WABAs (numbers registered via control) get the common set. */
export function seedTemplatesFor(wabaId: string): SeedTemplate[] {
  const list = wabaId === 'waba-bistro-001' ? [...commonTemplates, ...bistroTemplates] : [...commonTemplates];
  return structuredClone(list);
}

// ---------------------------------------------------------------------------------------------------------------
// Chats shown by the agent-app host page (ICustomerProfile of @livechat/agent-app-sdk)

export interface CustomerProfile {
  id: string;
  name: string;
  email?: string;
  geolocation: {
    country: string;
    country_code: string;
    region: string;
    city: string;
    timezone: string;
  };
  chat: {
    id: string;
    groupID: string;
    preChatSurvey?: { question: string; answer: string }[];
  };
  source: 'chats' | 'archives' | 'customers';
}

export interface TranscriptLine {
  author: 'customer' | 'agent' | 'system';
  text: string;
  /** "HH:MM", display only. */
  time: string;
}

export interface HostChat {
  id: string;
  customer_profile: CustomerProfile;
  transcript: TranscriptLine[];
}

export const hostChats: readonly HostChat[] = [
  {
    id: 'chat-maria',
    customer_profile: {
      id: '6f1d2c3b-8a4e-4d5f-9a6b-1c2d3e4f5a01',
      name: 'Maria Lopez',
      email: 'maria.lopez@example.com',
      geolocation: {
        country: 'Spain',
        country_code: 'ES',
        region: 'Madrid',
        city: 'Madrid',
        timezone: 'Europe/Madrid',
      },
      chat: {
        id: 'chat-maria',
        groupID: '0',
        preChatSurvey: [{ question: 'Phone number', answer: '+34 612 345 678' }],
      },
      source: 'chats',
    },
    transcript: [
      { author: 'system', text: 'Chat started', time: '10:02' },
      { author: 'customer', text: 'Hi! I ordered running shoes last week. Any news on the delivery?', time: '10:02' },
      { author: 'agent', text: 'Hello Maria, let me check that for you.', time: '10:03' },
      { author: 'customer', text: 'Could you message me on WhatsApp when it ships?', time: '10:04' },
    ],
  },
  {
    id: 'chat-john',
    customer_profile: {
      id: '6f1d2c3b-8a4e-4d5f-9a6b-1c2d3e4f5a02',
      name: 'John Smith',
      email: 'john.smith@example.com',
      geolocation: {
        country: 'United States',
        country_code: 'US',
        region: 'California',
        city: 'San Francisco',
        timezone: 'America/Los_Angeles',
      },
      chat: {
        id: 'chat-john',
        groupID: '0',
        preChatSurvey: [{ question: 'WhatsApp number', answer: '+1 415 555 0132' }],
      },
      source: 'chats',
    },
    transcript: [
      { author: 'system', text: 'Chat started', time: '09:41' },
      { author: 'customer', text: 'Do you have the Trail 2 in size 44?', time: '09:41' },
      { author: 'agent', text: 'We do! Would you like a reminder when the sale starts?', time: '09:43' },
    ],
  },
  {
    id: 'chat-piotr',
    customer_profile: {
      id: '6f1d2c3b-8a4e-4d5f-9a6b-1c2d3e4f5a03',
      name: 'Piotr Nowak',
      email: 'piotr.nowak@example.pl',
      geolocation: {
        country: 'Poland',
        country_code: 'PL',
        region: 'Mazowieckie',
        city: 'Warsaw',
        timezone: 'Europe/Warsaw',
      },
      chat: {
        id: 'chat-piotr',
        groupID: '0',
        preChatSurvey: [{ question: 'Phone number', answer: '601 234 567' }],
      },
      source: 'chats',
    },
    transcript: [
      { author: 'system', text: 'Chat started', time: '08:15' },
      { author: 'customer', text: 'Dzień dobry, I need to change my appointment.', time: '08:15' },
    ],
  },
  {
    id: 'chat-anonymous',
    customer_profile: {
      id: '6f1d2c3b-8a4e-4d5f-9a6b-1c2d3e4f5a04',
      name: 'Anonymous visitor',
      geolocation: {
        country: 'Germany',
        country_code: 'DE',
        region: 'Berlin',
        city: 'Berlin',
        timezone: 'Europe/Berlin',
      },
      chat: { id: 'chat-anonymous', groupID: '0' },
      source: 'chats',
    },
    transcript: [
      { author: 'system', text: 'Chat started', time: '11:20' },
      { author: 'customer', text: 'Hello? Is anyone there?', time: '11:20' },
    ],
  },
];

/** The GET /sandbox/orgs view (drops internal fields). */
export function publicOrganizations() {
  return organizations.map((org) => ({
    id: org.id,
    name: org.name,
    license_id: org.license_id,
    timezone: org.timezone,
    accounts: org.accounts.map((a) => ({ ...a })),
    whatsapp_numbers: org.whatsapp_numbers.map((n) => ({
      number: n.number,
      display_name: n.display_name,
      api_version: n.api_version,
      waba_id: n.waba_id,
      phone_number_id: n.phone_number_id,
    })),
  }));
}
