import { describe, expect, it } from 'vitest';
import { toMetaTemplate, blankDraft } from '@wa/contracts';
import { campaignMessageParts, campaignSendValues, campaignSlots, storedSlots } from './rich-send.ts';

// Body {{1}}, an image header, two quick replies, then a website button with a dynamic ending.
const components = toMetaTemplate({
  ...blankDraft('n-1'),
  name: 'autumn_drop',
  header: { type: 'image', sampleHandle: 'h' },
  body: 'Hi {{1}}, it is here.',
  bodySamples: ['Ann'],
  buttons: [
    { type: 'quick_reply', text: 'Interested' },
    { type: 'quick_reply', text: 'Stop' },
    { type: 'url', text: 'Shop', url: 'https://s.test/{{1}}', sample: 'x' },
  ],
}).components;
const template = { components, body: 'Hi {{1}}, it is here.' };

describe('campaign slots with and without quick-reply payloads', () => {
  it('payloads are optional: without them the count is what it was, with them one more per quick reply, in button order', () => {
    expect(campaignSlots(template, 'v2').map((s) => s.kind)).toEqual(['body', 'header_media', 'button_url']);
    expect(campaignSlots(template, 'v2', { payloads: true }).map((s) => `${s.kind}:${s.index}:${s.defaultValue}`)).toEqual([
      'body:1:',
      'header_media:0:',
      'button_payload:0:Interested',
      'button_payload:1:Stop',
      'button_url:2:',
    ]);
    // Kaleyra v1 carries no payloads: nothing to fill.
    expect(campaignSlots(template, 'v1', { payloads: true })).toHaveLength(3);
  });

  it('stored values are read back with the slots their count says the campaign had', () => {
    expect(storedSlots(template, 'v2', 3)).toHaveLength(3);
    expect(storedSlots(template, 'v2', 5)).toHaveLength(5);
    const without = campaignMessageParts(components, 'v2', ['Ann', 'https://cdn.test/a.png', 'autumn']);
    expect(without.params).toEqual(['Ann']);
    expect(without.components?.filter((c) => c.sub_type === 'quick_reply')).toEqual([]);
    const withPayloads = campaignMessageParts(components, 'v2', ['Ann', 'https://cdn.test/a.png', 'lead', 'Stop', 'autumn']);
    expect(withPayloads.components).toEqual([
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.test/a.png' } }] },
      { type: 'body', parameters: [{ type: 'text', text: 'Ann' }] },
      { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'lead' }] },
      { type: 'button', sub_type: 'quick_reply', index: '1', parameters: [{ type: 'payload', payload: 'Stop' }] },
      { type: 'button', sub_type: 'url', index: '2', parameters: [{ type: 'text', text: 'autumn' }] },
    ]);
    // The test send takes the same values as a one-on-one send.
    expect(campaignSendValues(template, 'v2', ['Ann', 'https://cdn.test/a.png', 'lead', 'Stop', 'autumn'])).toEqual({
      variables: ['Ann'],
      headerMediaUrl: 'https://cdn.test/a.png',
      buttonValues: ['lead', 'Stop', 'autumn'],
    });
  });
});
