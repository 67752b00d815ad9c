import { useEffect, useState } from 'react';
import { Button, FormField, Input, Loader, Text } from '@livechat/design-system-react-components';
import { checkPhone, type BusinessContact, type BusinessContactResponse } from '@wa/contracts';
import { Card } from '../../../components/card.tsx';
import { Form } from '../../../components/form.tsx';
import { MutationError } from '../../../components/mutation-error.tsx';
import { ApiError, errorMessage } from '../../../lib/api-client.ts';
import { formatPhone } from '../../../lib/format-phone.ts';
import { useBusinessContact, useSaveBusinessContact } from '../api/business.ts';

type ContactDraft = Record<keyof BusinessContact, string>;

const FIELDS: {
  key: keyof BusinessContact;
  label: string;
  placeholder: string;
  type?: string;
  required?: boolean;
  description?: string;
}[] = [
  { key: 'companyName', label: 'Company name', placeholder: 'Acme Ltd', required: true },
  { key: 'contactName', label: 'Contact person', placeholder: 'Ann Smith', required: true },
  {
    key: 'email',
    label: 'E-mail',
    placeholder: 'billing@example.com',
    type: 'email',
    required: true,
    description: 'Where we write about your account and bills',
  },
  { key: 'phone', label: 'Phone (optional)', placeholder: '+44 20 7946 0958', type: 'tel' },
  { key: 'address', label: 'Address (optional)', placeholder: 'Street, city, country' },
  { key: 'taxId', label: 'Tax id (optional)', placeholder: 'e.g. GB123456789' },
];

/** The form's starting values: what is saved, else what LiveChat knows about the signed-in owner. */
export function initialForm(data: BusinessContactResponse): ContactDraft {
  const c = data.contact;
  return {
    companyName: c?.companyName ?? '',
    contactName: c?.contactName ?? data.suggested.contactName ?? '',
    email: c?.email ?? data.suggested.email ?? '',
    phone: c?.phone ?? '',
    address: c?.address ?? '',
    taxId: c?.taxId ?? '',
  };
}

/** Checks the form as the BFF will; returns field messages, or the request body when all is well. */
export function validateForm(f: ContactDraft): { errors: Partial<Record<keyof BusinessContact, string>>; body?: BusinessContact } {
  const errors: Partial<Record<keyof BusinessContact, string>> = {};
  if (!f.companyName.trim()) errors.companyName = 'Enter the company name';
  if (!f.contactName.trim()) errors.contactName = 'Enter a contact person';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(f.email.trim())) errors.email = 'Enter a valid e-mail address';
  let phone: string | null = null;
  if (f.phone.trim()) {
    const checked = checkPhone(f.phone);
    if (checked.ok) phone = checked.e164;
    else errors.phone = checked.reason;
  }
  if (Object.keys(errors).length) return { errors };
  const opt = (s: string) => (s.trim() ? s.trim() : null);
  return {
    errors,
    body: {
      companyName: f.companyName.trim(),
      contactName: f.contactName.trim(),
      email: f.email.trim(),
      phone,
      address: opt(f.address),
      taxId: opt(f.taxId),
    },
  };
}

/**
 * L.11a–b: the business's contact data. Everyone sees it; owners and admins correct it. Prefilled from the
 * LiveChat account until it is first saved.
 */
export function BusinessContactCard({ canManage }: { canManage: boolean }) {
  const query = useBusinessContact();
  const save = useSaveBusinessContact();
  const [form, setForm] = useState<ContactDraft | null>(null);
  const [touched, setTouched] = useState(false);

  useEffect(() => {
    if (query.data && form === null) setForm(initialForm(query.data));
  }, [query.data, form]);

  if (query.isPending || (query.isSuccess && form === null)) {
    return (
      <Card title="Business contact">
        <Loader size="small" />
      </Card>
    );
  }
  if (query.isError || !form) {
    return (
      <Card title="Business contact">
        <Text className="wa-error-text" role="alert">
          Couldn't load it. {errorMessage(query.error)}
        </Text>
      </Card>
    );
  }

  const { errors, body } = validateForm(form);
  const shown = (k: keyof BusinessContact) =>
    (touched ? errors[k] : undefined) ?? (save.error instanceof ApiError ? save.error.fieldError(k) : undefined);
  const saved = query.data?.contact;

  if (!canManage) {
    return (
      <Card title="Business contact">
        {saved ? (
          <dl className="wa-facts" data-testid="business-contact">
            {FIELDS.map((f) => (
              <div key={f.key} style={{ display: 'contents' }}>
                <dt>{f.label.replace(' (optional)', '')}</dt>
                <dd>{(f.key === 'phone' && saved.phone ? formatPhone(saved.phone) : saved[f.key]) || '—'}</dd>
              </div>
            ))}
          </dl>
        ) : (
          <Text size="sm" className="wa-muted">
            The owner has not given the business's contact data yet.
          </Text>
        )}
      </Card>
    );
  }

  return (
    <Card title="Business contact">
      <Form
        className="wa-stack wa-stack--tight"
        aria-label="Business contact"
        data-testid="business-contact-form"
        onSubmit={() => {
          setTouched(true);
          if (body) save.mutate(body, { onSuccess: () => setTouched(false) });
        }}
      >
        <Text size="sm" className="wa-muted">
          {saved
            ? 'Keep it up to date: correct anything that changed.'
            : 'Not saved yet: check what we filled in from your LiveChat account, then save.'}
        </Text>
        <div className="wa-contact-grid">
          {FIELDS.map((f) => (
            <FormField key={f.key} labelText={f.label} labelFor={`wa-contact-${f.key}`} error={shown(f.key)} description={f.description}>
              <Input
                id={`wa-contact-${f.key}`}
                data-testid={`contact-${f.key}`}
                type={f.type ?? 'text'}
                inputSize="compact"
                className="wa-input-full"
                placeholder={f.placeholder}
                value={form[f.key]}
                cropOnBlur={false}
                error={Boolean(shown(f.key))}
                onChange={(e) => {
                  save.reset();
                  setForm({ ...form, [f.key]: e.target.value });
                }}
              />
            </FormField>
          ))}
        </div>
        <div className="wa-row">
          <Button type="submit" kind="primary" size="compact" loading={save.isPending} data-testid="contact-save">
            Save contact data
          </Button>
          {save.isSuccess && (
            <Text as="span" size="sm" className="wa-success-text" role="status" data-testid="contact-saved">
              Saved.
            </Text>
          )}
          {!(save.error instanceof ApiError && save.error.fieldErrors.length) && <MutationError mutation={save} inline />}
        </div>
      </Form>
    </Card>
  );
}
