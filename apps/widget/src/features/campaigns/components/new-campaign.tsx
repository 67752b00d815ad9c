import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Button, Checkbox, FormField, Input, Text, Textarea } from '@livechat/design-system-react-components';
import { CAMPAIGN_LIMITS, templateSlotsOf, type Template } from '@wa/contracts';
import { getCountries, parsePhoneNumberFromString } from 'libphonenumber-js';
import { Card } from '../../../components/card.tsx';
import { ChoiceControl } from '../../../components/choice-control.tsx';
import { Select } from '../../../components/select.tsx';
import { TextField } from '../../../components/text-field.tsx';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { ApiError, errorMessage } from '../../../lib/api-client.ts';
import { useCreateCampaign } from '../api/campaigns.ts';
import { guessPhoneColumn, guessTimeZoneColumn, pastedNumbersToCsv, previewFile, type FilePreview } from '../utils/recipient-file.ts';
import type { TemplateChoice } from './campaigns-screen.tsx';
import { QuietHoursNote } from './quiet-hours-note.tsx';

const regionNames = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(['en'], { type: 'region' }) : null;
const COUNTRIES = getCountries()
  .map((code) => ({ value: code, label: regionNames?.of(code) ?? code }))
  .sort((a, b) => a.label.localeCompare(b.label));
const COUNTRY_OPTIONS = [{ value: '', label: 'None: every number has its country code' }, ...COUNTRIES];

const SOURCES = [
  { id: 'file', label: 'Upload a CSV file' },
  { id: 'paste', label: 'Paste numbers' },
] as const;

const NO_COLUMN = '';
const kb = (bytes: number) =>
  bytes > 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;

interface NewCampaignProps {
  renderSource: (props: { value: TemplateChoice | null; onChange: (value: TemplateChoice | null) => void }) => ReactNode;
  renderPreview: (template: Template, variables: string[]) => ReactNode;
  onCancel: () => void;
  onCreated: (id: string) => void;
}

/** Steps 1–2: the message (number, template) and the recipients (a CSV or pasted numbers, mapped to its variables). */
export function NewCampaign({ renderSource, renderPreview, onCancel, onCreated }: NewCampaignProps) {
  const [name, setName] = useState(() => `Campaign ${new Date().toLocaleDateString('en-US', { month: 'short', day: 'numeric' })}`);
  const [choice, setChoice] = useState<TemplateChoice | null>(null);
  const [source, setSource] = useState<'file' | 'paste'>('file');
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<FilePreview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [pasted, setPasted] = useState('');
  const [phoneColumn, setPhoneColumn] = useState<string>(NO_COLUMN);
  const [variableColumns, setVariableColumns] = useState<string[]>([]);
  const [timeZoneColumn, setTimeZoneColumn] = useState<string>(NO_COLUMN);
  const [country, setCountry] = useState<string>('');
  const [fallbacks, setFallbacks] = useState<string[]>([]);
  const [payloads, setPayloads] = useState(false);
  const create = useCreateCampaign();

  const template = choice?.template ?? null;
  const quickReplies = template?.richButtons?.some((b) => b.type === 'quick_reply') ?? false;
  const withPayloads = payloads && quickReplies;
  // Body variables, then a media header's link and button values (rich templates): one column or value each.
  const slots = template ? templateSlotsOf(template, 'v2', { payloads: withPayloads }) : [];
  const variableCount = slots.length;

  /** Payload slots sit between the other button slots: keep each slot's column and value across the switch. */
  const switchPayloads = (on: boolean) => {
    if (!template) return;
    const after = templateSlotsOf(template, 'v2', { payloads: on });
    const remap = (list: string[]) =>
      after.map((a) => {
        const j = slots.findIndex((b) => b.kind === a.kind && b.index === a.index);
        return j >= 0 ? (list[j] ?? NO_COLUMN) : NO_COLUMN;
      });
    setVariableColumns(remap);
    setFallbacks(remap);
    setPayloads(on);
  };

  // National numbers are read in the sending number's country unless the owner says otherwise.
  useEffect(() => {
    if (!choice || country) return;
    const c = parsePhoneNumberFromString(choice.number)?.country;
    if (c) setCountry(c);
  }, [choice, country]);

  const chooseFile = async (f: File | null) => {
    setFile(f);
    setPreview(null);
    setPreviewError(null);
    create.reset();
    if (!f) return;
    if (f.size > CAMPAIGN_LIMITS.maxFileBytes) {
      setPreviewError(`The file is ${kb(f.size)}; the limit is ${kb(CAMPAIGN_LIMITS.maxFileBytes)}. Split it into smaller files.`);
      return;
    }
    try {
      const p = await previewFile(f);
      setPreview(p);
      setPhoneColumn(guessPhoneColumn(p) ?? NO_COLUMN);
      setTimeZoneColumn(guessTimeZoneColumn(p) ?? NO_COLUMN);
      // Map {{n}} to the n-th column that is neither the phone nor the time zone, as a first guess.
      const others = p.columns.filter((c) => c !== guessPhoneColumn(p) && c !== guessTimeZoneColumn(p));
      setVariableColumns(Array.from({ length: CAMPAIGN_LIMITS.maxVariables }, (_, i) => others[i] ?? NO_COLUMN));
    } catch (err) {
      setPreviewError(`This file cannot be read as CSV: ${(err as Error).message}`);
    }
  };

  const pastedCsv = useMemo(() => pastedNumbersToCsv(pasted), [pasted]);
  const previewValues = useMemo(() => {
    const row = source === 'file' && preview ? preview.rows[0] : undefined;
    return Array.from({ length: variableCount }, (_, i) => {
      const col = source === 'file' ? variableColumns[i] : NO_COLUMN;
      const idx = col ? (preview?.columns.indexOf(col) ?? -1) : -1;
      const v = idx >= 0 ? (row?.[idx] ?? '').trim() : '';
      return v || (fallbacks[i] ?? '').trim();
    });
  }, [source, preview, variableColumns, fallbacks, variableCount]);

  const ready =
    !!choice &&
    choice.canSend &&
    name.trim().length > 0 &&
    (source === 'file' ? !!file && !!preview && phoneColumn !== NO_COLUMN : pastedCsv.count > 0) &&
    (source === 'file' ||
      Array.from({ length: variableCount }, (_, i) => (fallbacks[i] ?? '').trim() || slots[i]?.defaultValue).every(Boolean));

  const submit = () => {
    if (!choice || !ready) return;
    const body = source === 'file' ? file! : new Blob([pastedCsv.csv], { type: 'text/csv' });
    create.mutate(
      {
        file: body,
        settings: {
          name: name.trim(),
          numberId: choice.numberId,
          templateName: choice.template.name,
          language: choice.template.language,
          phoneColumn: source === 'file' ? phoneColumn : 'phone',
          variableColumns: Array.from({ length: variableCount }, (_, i) =>
            source === 'file' && variableColumns[i] ? variableColumns[i]! : null,
          ),
          timeZoneColumn: source === 'file' && timeZoneColumn ? timeZoneColumn : null,
          defaultCountry: country || null,
          fallbacks: Array.from({ length: variableCount }, (_, i) => fallbacks[i] ?? ''),
          ...(withPayloads ? { quickReplyPayloads: true } : {}),
        },
      },
      { onSuccess: (data) => onCreated(data.campaign.id) },
    );
  };

  const columnSelect = (id: string, value: string, onChange: (v: string) => void, empty: string, testId: string) => (
    <Select
      id={id}
      data-testid={testId}
      options={[{ value: NO_COLUMN, label: empty }, ...(preview?.columns.map((c) => ({ value: c, label: c })) ?? [])]}
      value={value}
      onValueChange={onChange}
    />
  );

  const error = create.error;
  return (
    <div className="wa-stack wa-campaign-new">
      <div className="wa-row wa-row--between">
        <Button kind="link" onClick={onCancel} data-testid="campaign-back">
          ← All campaigns
        </Button>
      </div>
      <Card title="1. Message">
        <div className="wa-stack">
          <TextField
            id="wa-campaign-name"
            label="Campaign name"
            fieldClassName="wa-fill"
            className="wa-input-full"
            data-testid="campaign-name"
            value={name}
            maxLength={100}
            onChange={(e) => setName(e.target.value)}
          />
          {renderSource({ value: choice, onChange: setChoice })}
          {template?.category === 'marketing' && <QuietHoursNote />}
        </div>
      </Card>

      <Card title="2. Recipients">
        <div className="wa-stack">
          <ChoiceControl value={source} choices={SOURCES} onChange={setSource} />
          {source === 'file' ? (
            <div className="wa-stack">
              <label className="wa-file-pick" data-testid="campaign-file-label">
                <input
                  type="file"
                  accept=".csv,text/csv,text/plain"
                  data-testid="campaign-file"
                  onChange={(e) => void chooseFile(e.target.files?.[0] ?? null)}
                />
                <Text as="span" bold>
                  {file ? file.name : 'Choose a CSV file…'}
                </Text>
                <Text as="span" size="sm" className="wa-muted">
                  {file
                    ? `${kb(file.size)}${preview ? ` · columns: ${preview.columns.join(', ')}` : ''}`
                    : 'UTF-8, up to 100,000 rows, with a header row.'}
                </Text>
              </label>
              {previewError && (
                <InlineAlert kind="error" role="alert">
                  {previewError}
                </InlineAlert>
              )}
              {preview && (
                <div className="wa-campaign-mapping" data-testid="campaign-mapping">
                  <FormField labelText="Phone number column" labelFor="wa-map-phone">
                    {columnSelect('wa-map-phone', phoneColumn, setPhoneColumn, 'Choose the column…', 'map-phone')}
                  </FormField>
                  {template?.category === 'marketing' && (
                    <FormField labelText="Time zone column (optional)" labelFor="wa-map-tz">
                      {columnSelect('wa-map-tz', timeZoneColumn, setTimeZoneColumn, "None: use the number's country", 'map-tz')}
                    </FormField>
                  )}
                </div>
              )}
            </div>
          ) : (
            <FormField className="wa-fill" labelText="Phone numbers, one per line" labelFor="wa-campaign-paste">
              <Textarea
                id="wa-campaign-paste"
                data-testid="campaign-paste"
                rows={6}
                value={pasted}
                placeholder={'+48 601 234 567\n+48 602 345 678'}
                onChange={(e) => setPasted(e.target.value)}
              />
            </FormField>
          )}
          <FormField labelText="Country of numbers written without a country code" labelFor="wa-campaign-country">
            <Select
              id="wa-campaign-country"
              data-testid="campaign-country"
              options={COUNTRY_OPTIONS}
              value={country}
              onValueChange={setCountry}
            />
          </FormField>
          {quickReplies && (
            <div className="wa-stack wa-stack--tight" data-testid="campaign-payloads">
              <Checkbox data-testid="campaign-payloads-toggle" checked={payloads} onChange={() => switchPayloads(!payloads)}>
                Set what each quick reply sends back (its payload)
              </Checkbox>
              <Text size="sm" className="wa-muted">
                {payloads
                  ? 'A column or one value per button, below; empty, a tap sends back the button’s label. Numbers on Kaleyra’s v1 API cannot carry payloads.'
                  : 'Off: a tap on a quick reply comes back with the button’s label.'}
              </Text>
            </div>
          )}
          {template && variableCount > 0 && (
            <div
              className={`wa-stack wa-stack--tight${slots.some((x) => x.kind !== 'body') ? ' wa-campaign-variables--rich' : ''}`}
              data-testid="campaign-variables"
            >
              <Text bold>Template variables</Text>
              <Text size="sm" className="wa-muted">
                {source === 'file'
                  ? 'Pick the column for each variable. The fallback is used where a cell is empty; a row with an empty variable and no fallback is left out.'
                  : 'Pasted numbers have no columns: every customer gets these values.'}
              </Text>
              {Array.from({ length: variableCount }, (_, i) => (
                <div className="wa-campaign-variable" key={i}>
                  <Text
                    as="span"
                    className={`wa-campaign-variable__name${slots[i]?.kind === 'body' ? '' : ' wa-campaign-variable__name--words'}`}
                  >
                    {slots[i]?.kind === 'body' ? `{{${i + 1}}}` : slots[i]?.label}
                  </Text>
                  {source === 'file' &&
                    preview &&
                    columnSelect(
                      `wa-map-var-${i + 1}`,
                      variableColumns[i] ?? NO_COLUMN,
                      (v) => setVariableColumns((cols) => cols.map((c, j) => (j === i ? v : c))),
                      'No column: fallback only',
                      `map-var-${i + 1}`,
                    )}
                  <Input
                    className="wa-input-full"
                    inputSize="compact"
                    aria-label={slots[i]?.kind === 'body' || !slots[i] ? `Fallback for {{${i + 1}}}` : `Fallback for ${slots[i]!.label}`}
                    data-testid={`fallback-${i + 1}`}
                    placeholder={
                      slots[i]?.defaultValue
                        ? `Default: ${slots[i]!.defaultValue}`
                        : source === 'file'
                          ? 'Fallback value (optional)'
                          : 'Value for everyone'
                    }
                    value={fallbacks[i] ?? ''}
                    maxLength={1024}
                    onChange={(e) => setFallbacks((f) => Object.assign([...f], { [i]: e.target.value }))}
                  />
                </div>
              ))}
            </div>
          )}
        </div>
      </Card>

      {template && (
        <Card title="Preview">
          <div className="wa-stack wa-stack--tight">
            <Text size="sm" className="wa-muted">
              {source === 'file' && preview?.rows[0] ? 'With the values of the first row.' : 'With the values given so far.'}
            </Text>
            <div className="wa-campaign-preview">{renderPreview(template, previewValues)}</div>
          </div>
        </Card>
      )}

      {error && (
        <InlineAlert kind="error" role="alert" data-testid="campaign-upload-error">
          {errorMessage(error)}
          {error instanceof ApiError && error.fieldErrors.length > 1 && (
            <ul className="wa-plain-list">
              {error.fieldErrors.slice(0, 5).map((f) => (
                <li key={f.path}>
                  {f.path.startsWith('line.') ? `Line ${f.path.slice(5)}: ` : ''}
                  {f.message}
                </li>
              ))}
            </ul>
          )}
        </InlineAlert>
      )}
      <div className="wa-row wa-campaign-actions">
        <Button
          kind="primary"
          data-testid="campaign-check"
          disabled={!ready || create.isPending}
          loading={create.isPending}
          onClick={submit}
        >
          Check recipients
        </Button>
        <Button kind="secondary" onClick={onCancel}>
          Cancel
        </Button>
        {create.isPending && (
          <Text size="sm" className="wa-muted">
            Reading and checking every row…
          </Text>
        )}
      </div>
    </div>
  );
}
