import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { mockFetch, problem } from '../../../test/fetch-mock.ts';
import { signedInForEachTest } from '../../../test/render.tsx';
import { TemplateForm } from './template-form.tsx';

function renderForm() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <TemplateForm
        numbers={[{ id: 'n1', number: '+48221234567', displayName: 'Acme', wabaId: 'w1' }]}
        renderPreview={({ content, bodySamples }) => (
          <div data-testid="preview">{content.body.replace('{{1}}', bodySamples[0] ?? '{{1}}')}</div>
        )}
        onDone={() => {}}
        onCancel={() => {}}
      />
    </QueryClientProvider>,
  );
}

const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });

describe("the template form checks Meta's rules as the owner types (the contracts' validation)", () => {
  signedInForEachTest();

  it('shows each field its own problem once touched, and the preview follows the samples', () => {
    mockFetch({});
    renderForm();
    expect(screen.queryByText(/Use only lowercase letters/)).toBeNull();
    type('tpl-name', 'Spring Sale');
    expect(screen.getByText(/Use only lowercase letters/)).toBeTruthy();
    type('tpl-name', 'spring_sale');
    expect(screen.queryByText(/Use only lowercase letters/)).toBeNull();
    type('tpl-body', '{{1}}, the sale starts today.');
    expect(screen.getByText(/cannot start with a variable/)).toBeTruthy();
    type('tpl-body', 'Hi {{1}}, the sale starts today.');
    type('tpl-sample-1', 'Ann');
    expect(screen.getByTestId('preview').textContent).toBe('Hi Ann, the sale starts today.');
  });

  it('submits nothing while a rule is broken, and shows the BFF’s field errors when it refuses', async () => {
    const { calls } = mockFetch({
      'POST /api/templates': () =>
        problem(409, {
          code: 'conflict',
          detail: 'A template named spring_sale already exists in en_US.',
          errors: [{ path: 'name', message: 'spring_sale already exists in en_US.' }],
        }),
    });
    renderForm();
    type('tpl-name', 'spring_sale');
    type('tpl-body', 'Hi {{1}}, the sale starts today.');
    fireEvent.click(screen.getByTestId('tpl-submit'));
    expect(screen.getByTestId('tpl-problems').textContent).toMatch(/Fix the marked field/);
    expect(screen.getByText(/Give a sample value for \{\{1\}\}/)).toBeTruthy();
    expect(calls).toHaveLength(0);
    type('tpl-sample-1', 'Ann');
    fireEvent.click(screen.getByTestId('tpl-submit'));
    await waitFor(() => expect(screen.getByText('spring_sale already exists in en_US.')).toBeTruthy());
    expect(calls[0]!.body).toMatchObject({ name: 'spring_sale', bodySamples: ['Ann'], category: 'marketing', language: 'en_US' });
  });
});
