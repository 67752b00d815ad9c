import { describe, expect, it } from 'vitest';
import type { Template } from '@wa/contracts';
import { composeMode, missingVariables, sendBlocker, templateSendFields, type SendBlockerInput } from './send-rules.ts';

const template = { name: 'order_update', language: 'en', variableCount: 2, category: 'utility' } as Template;

const ready: SendBlockerInput = {
  recipient: '+14155550101',
  number: { canSend: true },
  optedOut: false,
  restricted: false,
  mode: 'template',
  text: '',
  template,
  missingVariables: [],
  missingExtras: [],
};

describe('composeMode', () => {
  it('offers only templates while the window is closed or the customer stopped messages', () => {
    expect(composeMode({ windowOpen: false, stopped: false, choice: 'text', hasTemplate: false })).toBe('template');
    expect(composeMode({ windowOpen: true, stopped: true, choice: 'text', hasTemplate: false })).toBe('template');
  });

  it("inside the window keeps the agent's choice, else free text until a template is chosen", () => {
    expect(composeMode({ windowOpen: true, stopped: false, choice: 'template', hasTemplate: false })).toBe('template');
    expect(composeMode({ windowOpen: true, stopped: false, choice: null, hasTemplate: false })).toBe('text');
    expect(composeMode({ windowOpen: true, stopped: false, choice: null, hasTemplate: true })).toBe('template');
  });
});

describe('sendBlocker', () => {
  it('lets a complete template go', () => {
    expect(sendBlocker(ready)).toBeNull();
  });

  it('names the first thing to fix, in order', () => {
    expect(sendBlocker({ ...ready, recipient: null, optedOut: true })).toBe("Add the customer's WhatsApp number.");
    expect(sendBlocker({ ...ready, number: { canSend: false, cannotSendReason: 'Plan expired.' }, optedOut: true })).toBe('Plan expired.');
    expect(sendBlocker({ ...ready, number: { canSend: false } })).toBe('This number cannot send messages right now.');
    expect(sendBlocker({ ...ready, optedOut: true, restricted: true })).toMatch(/opted out/);
    expect(sendBlocker({ ...ready, restricted: true })).toMatch(/restrict processing/);
    expect(sendBlocker({ ...ready, template: null })).toBe('Choose a template.');
    expect(sendBlocker({ ...ready, missingVariables: [0, 1], missingExtras: ['Header link'] })).toBe('Fill in Variable 1, Variable 2.');
    expect(sendBlocker({ ...ready, missingExtras: ['Header link', 'Button 1'] })).toBe('Fill in Header link, Button 1.');
  });

  it('asks free text for a message, and ignores the template then', () => {
    expect(sendBlocker({ ...ready, mode: 'text', text: '   ', template: null })).toBe('Write a message.');
    expect(sendBlocker({ ...ready, mode: 'text', text: 'Hello', template: null, missingVariables: [0] })).toBeNull();
  });
});

describe('template send fields', () => {
  it('lists the empty variables by index', () => {
    expect(missingVariables(template, ['Ann', ' '])).toEqual([1]);
    expect(missingVariables(null, [])).toEqual([]);
  });

  it('trims the values and leaves out the optional parts left empty', () => {
    expect(templateSendFields(template, [' Ann ', 'A1'], { headerMediaUrl: ' ', headerText: '', buttonValues: ['', ' '] })).toEqual({
      templateName: 'order_update',
      language: 'en',
      variables: ['Ann', 'A1'],
    });
    expect(
      templateSendFields(template, ['Ann'], { headerMediaUrl: ' https://x.test/a.jpg ', headerText: ' Hi ', buttonValues: [' a ', ''] }),
    ).toEqual({
      templateName: 'order_update',
      language: 'en',
      variables: ['Ann', ''],
      headerMediaUrl: 'https://x.test/a.jpg',
      headerText: 'Hi',
      buttonValues: ['a', ''],
    });
  });
});
