import { useState } from 'react';
import { Button, SegmentedControl, SkeletonText, Text } from '@livechat/design-system-react-components';
import { InlineAlert } from '../../components/inline-alert.tsx';
import type { Template, WhatsAppNumber } from '@wa/contracts';
import { errorMessage, NetworkError } from '../../lib/api-client.ts';
import { useCustomerProfile, useLiveChatWidget, useToast } from '../../lib/livechat/hooks.tsx';
import type { CustomerProfile } from '../../lib/livechat/types.ts';
import { BalanceSummary } from '../../features/balance/components/balance-summary.tsx';
import { useConversationStatus } from '../../features/conversation/api/get-conversation-status.ts';
import { CustomerWindow } from '../../features/conversation/components/customer-window.tsx';
import { OptOutStatus, RestrictionStatus } from '../../features/conversation/components/opt-out-status.tsx';
import { useCountdown } from '../../features/conversation/hooks/use-countdown.ts';
import { useNumbers } from '../../features/numbers/api/get-numbers.ts';
import { SendingNumberField } from '../../features/numbers/components/sending-number-field.tsx';
import { useOptOutInstruction } from '../../features/opt-outs/api/get-opt-out-instruction.ts';
import { useRecipient } from '../../features/recipient/hooks/use-recipient.ts';
import { RecipientField } from '../../features/recipient/components/recipient-field.tsx';
import { formatPhone } from '../../lib/format-phone.ts';
import { useTemplates } from '../../features/templates/api/get-templates.ts';
import { TemplateField } from '../../features/templates/components/template-field.tsx';
import { TemplatePreview } from '../../features/templates/components/template-preview.tsx';
import { TemplateVariables } from '../../features/templates/components/template-variables.tsx';
import {
  emptyExtras,
  missingExtras,
  TemplateExtras,
  type TemplateExtrasValue,
} from '../../features/templates/components/template-extras.tsx';
import { templateKey } from '../../features/templates/utils/template-key.ts';
import { templateAvailability } from '../../features/templates/utils/template-status.ts';
import { CostPreview } from '../../features/messages/components/cost-preview.tsx';
import { FreeTextComposer } from '../../features/messages/components/free-text-composer.tsx';
import { MessageHistory } from '../../features/messages/components/message-history.tsx';
import { useSendMessage } from '../../features/messages/hooks/use-send-message.ts';
import { describeSendError, splitFieldErrors } from './send-errors.ts';
import { templateRules } from './template-rules.ts';

function defaultNumber(numbers: WhatsAppNumber[]): WhatsAppNumber | null {
  return numbers.find((n) => n.canSend) ?? numbers[0] ?? null;
}

function customerKey(profile: CustomerProfile | null): string {
  return profile ? `${profile.id}|${profile.chat?.id ?? ''}` : 'none';
}

/** The sidebar's main screen: everything needed to send one template to the customer of the open chat. */
export default function DetailsScreen() {
  const profile = useCustomerProfile();
  const { status } = useLiveChatWidget();
  const numbers = useNumbers();
  // The sending number and template survive a switch to another chat; the customer's details do not.
  const [numberId, setNumberId] = useState<string | null>(null);
  const [templateChoice, setTemplateChoice] = useState<string | null>(null);

  const numberList = numbers.data ?? [];
  const number = numberList.find((n) => n.id === numberId) ?? defaultNumber(numberList);

  return (
    <div className="wa-stack">
      {!profile && status !== 'ready' && (
        <Text size="sm" className="wa-muted" data-testid="livechat-status">
          {status === 'failed' ? "Couldn't connect to LiveChat. Reload the app to see this chat's customer." : 'Connecting to LiveChat…'}
        </Text>
      )}
      <SendForm
        key={customerKey(profile)}
        profile={profile}
        numbersState={numbers.isPending ? 'loading' : numbers.isError ? 'error' : 'ready'}
        numbersError={numbers.isError ? errorMessage(numbers.error) : null}
        onRetryNumbers={() => void numbers.refetch()}
        numbers={numberList}
        number={number}
        onNumberChange={setNumberId}
        templateChoice={templateChoice}
        onTemplateChange={setTemplateChoice}
      />
    </div>
  );
}

interface SendFormProps {
  profile: CustomerProfile | null;
  numbersState: 'loading' | 'error' | 'ready';
  numbersError: string | null;
  onRetryNumbers: () => void;
  numbers: WhatsAppNumber[];
  number: WhatsAppNumber | null;
  onNumberChange: (id: string) => void;
  templateChoice: string | null;
  onTemplateChange: (key: string | null) => void;
}

type Mode = 'template' | 'text';

function SendForm(props: SendFormProps) {
  const { profile, numbers, number, templateChoice } = props;
  const recipient = useRecipient(profile);
  const templates = useTemplates(number?.id ?? null);
  const instruction = useOptOutInstruction(number?.id ?? null);
  const status = useConversationStatus({ numberId: number?.id, to: recipient.e164 ?? undefined });
  const remainingMs = useCountdown(status.data?.customerWindow.closesAt, status.data?.serverTime, status.dataUpdatedAt);
  const toast = useToast();
  // Confirm in the Agent App even when the agent has already switched to another chat.
  const send = useSendMessage({
    onSent: (data, input) =>
      data.message.status !== 'failed' &&
      data.message.status !== 'not_sent' &&
      toast({
        kind: 'success',
        content: `WhatsApp ${input.kind === 'text' ? 'message' : 'template'} sent to ${formatPhone(input.to)}.${data.openedConversation && data.message.conversationsSpent > 0 ? ' 1 conversation used.' : ''}`,
      }),
  });
  const [variables, setVariables] = useState<{ forTemplate: string | null; values: string[] }>({ forTemplate: null, values: [] });
  const [text, setText] = useState('');
  // A rich template's header link or value and button values, kept per template like the variables.
  const [extrasState, setExtrasState] = useState<{ forTemplate: string | null; value: TemplateExtrasValue }>({
    forTemplate: null,
    value: emptyExtras(),
  });
  const [modeChoice, setModeChoice] = useState<Mode | null>(null);

  const templateList = templates.data?.templates ?? [];
  const rules = templateRules(templateList, instruction.data);
  const template: Template | null =
    templateAvailability(templateList, rules.hidden, rules.blocked).find((a) => a.reason === null && a.key === templateChoice)?.template ??
    null;
  const currentKey = template ? templateKey(template) : null;
  const values = variables.forTemplate === currentKey ? variables.values : [];
  const extras = extrasState.forTemplate === currentKey ? extrasState.value : emptyExtras();
  const setVariable = (index: number, value: string) => {
    const next = Array.from({ length: template?.variableCount ?? 0 }, (_, i) => values[i] ?? '');
    next[index] = value;
    setVariables({ forTemplate: currentKey, values: next });
  };

  // WhatsApp's rules: free text only inside the customer's 24-hour window, nothing at all after an opt-out.
  const optOut = status.data?.optOut ?? null;
  // L.11c: the customer asked to restrict processing of their data.
  const restriction = status.data?.restriction ?? null;
  const stopped = Boolean(optOut || restriction);
  const windowOpen = Boolean(status.data?.customerWindow.open && remainingMs !== null && remainingMs > 0);
  const mode: Mode = windowOpen && !stopped ? (modeChoice ?? (template ? 'template' : 'text')) : 'template';

  const fieldErrors = splitFieldErrors(send.error);
  const missing = template ? Array.from({ length: template.variableCount }, (_, i) => i).filter((i) => !values[i]?.trim()) : [];

  let blocker: string | null = null;
  if (!recipient.e164) blocker = "Add the customer's WhatsApp number.";
  else if (number && !number.canSend) blocker = number.cannotSendReason ?? 'This number cannot send messages right now.';
  else if (optOut) blocker = 'This customer opted out, so nothing can be sent.';
  else if (restriction) blocker = 'This customer asked to restrict processing of their data, so nothing can be sent.';
  else if (mode === 'text' && !text.trim()) blocker = 'Write a message.';
  else if (mode === 'template' && !template) blocker = 'Choose a template.';
  else if (mode === 'template' && missing.length > 0) blocker = `Fill in ${missing.map((i) => `Variable ${i + 1}`).join(', ')}.`;
  else if (mode === 'template' && template && missingExtras(template, extras).length > 0)
    blocker = `Fill in ${missingExtras(template, extras).join(', ')}.`;
  const canSend = Boolean(number && recipient.e164) && blocker === null && !send.isPending;

  function onSend() {
    if (!canSend || !number || !recipient.e164) return;
    const chatId = profile?.chat?.id?.slice(0, 100);
    const base = { numberId: number.id, to: recipient.e164, ...(chatId ? { chatId } : {}) };
    if (mode === 'text') {
      send.mutate({ kind: 'text', ...base, text: text.trim() }, { onSuccess: () => setText('') });
      return;
    }
    if (!template) return;
    send.mutate({
      kind: 'template',
      ...base,
      templateName: template.name,
      language: template.language,
      variables: Array.from({ length: template.variableCount }, (_, i) => (values[i] ?? '').trim()),
      ...(extras.headerMediaUrl.trim() ? { headerMediaUrl: extras.headerMediaUrl.trim() } : {}),
      ...(extras.headerText.trim() ? { headerText: extras.headerText.trim() } : {}),
      ...(extras.buttonValues.some((v) => v.trim()) ? { buttonValues: extras.buttonValues.map((v) => v.trim()) } : {}),
    });
  }

  return (
    <form
      className="wa-stack"
      aria-label="Send a WhatsApp message"
      onSubmit={(e) => {
        e.preventDefault();
        onSend();
      }}
    >
      <section className="wa-section">
        <RecipientField recipient={recipient} serverError={fieldErrors.to} disabled={send.isPending} />
      </section>

      <section className="wa-section">
        <BalanceSummary />
      </section>

      {props.numbersState === 'loading' ? (
        <section className="wa-section">
          <SkeletonText width={220} height={16} />
        </section>
      ) : props.numbersState === 'error' ? (
        <InlineAlert kind="error" role="alert" onRetry={props.onRetryNumbers}>
          Couldn't load your WhatsApp numbers. {props.numbersError}
        </InlineAlert>
      ) : numbers.length === 0 || !number ? (
        <InlineAlert kind="info" data-testid="no-numbers">
          No WhatsApp number is connected yet. Ask an owner to connect a WhatsApp number in the WhatsApp app.
        </InlineAlert>
      ) : (
        <>
          <section className="wa-section">
            <SendingNumberField numbers={numbers} value={number.id} onChange={props.onNumberChange} error={fieldErrors.numberId} />
          </section>

          {recipient.e164 && (
            <section className="wa-section wa-stack wa-stack--tight" aria-label="What WhatsApp allows now">
              {status.isPending ? (
                <SkeletonText width={220} height={16} />
              ) : status.isError ? (
                <InlineAlert kind="error" role="alert" onRetry={() => void status.refetch()}>
                  Couldn't check the customer's window. {errorMessage(status.error)}
                </InlineAlert>
              ) : (
                <>
                  {optOut && <OptOutStatus optOut={optOut} />}
                  {restriction && <RestrictionStatus restriction={restriction} />}
                  <CustomerWindow status={status.data} remainingMs={remainingMs} />
                </>
              )}
            </section>
          )}

          <section className="wa-section wa-stack">
            <div className="wa-stack wa-stack--tight">
              <SegmentedControl
                fullWidth
                size="compact"
                data-testid="compose-mode"
                currentId={mode}
                onButtonClick={(id) => {
                  setModeChoice(id as Mode);
                  send.reset();
                }}
                buttons={[
                  { id: 'template', label: 'Template' },
                  { id: 'text', label: 'Free text', disabled: !windowOpen || stopped },
                ]}
              />
              {!windowOpen && !stopped && recipient.e164 && status.data && (
                <Text size="sm" className="wa-muted" data-testid="free-text-blocked">
                  Free text is off until the customer writes to you: outside the 24-hour window WhatsApp only delivers approved templates.
                </Text>
              )}
            </div>

            {mode === 'text' ? (
              <FreeTextComposer
                value={text}
                onChange={(value) => {
                  setText(value);
                  if (!send.isPending && (send.isSuccess || send.isError)) send.reset();
                }}
                disabled={send.isPending}
                error={fieldErrors.other.find((e) => e.path === 'text')?.message}
              />
            ) : templates.isPending ? (
              <SkeletonText width={220} height={16} />
            ) : templates.isError ? (
              <InlineAlert kind="error" role="alert" onRetry={() => void templates.refetch()}>
                Couldn't load the templates. {errorMessage(templates.error)}
              </InlineAlert>
            ) : (
              <>
                <TemplateField
                  numberId={number.id}
                  templates={templates.data.templates}
                  syncedAt={templates.data.syncedAt}
                  hidden={rules.hidden}
                  blocked={rules.blocked}
                  value={currentKey}
                  onChange={(key) => {
                    props.onTemplateChange(key);
                    send.reset();
                  }}
                  disabled={send.isPending || stopped}
                  error={fieldErrors.template}
                />
                {template && (
                  <>
                    <TemplateVariables
                      count={template.variableCount}
                      values={values}
                      onChange={setVariable}
                      errors={fieldErrors.variables}
                      disabled={send.isPending}
                    />
                    <TemplateExtras
                      template={template}
                      value={extras}
                      onChange={(value) => setExtrasState({ forTemplate: currentKey, value })}
                      errors={Object.fromEntries(fieldErrors.other.map((e) => [e.path, e.message]))}
                      disabled={send.isPending}
                    />
                    <TemplatePreview
                      template={rules.sentAs(template)}
                      variables={values}
                      headerValue={extras.headerText}
                      mediaSrc={extras.headerMediaUrl || undefined}
                    />
                  </>
                )}
              </>
            )}
          </section>

          <section className="wa-section wa-stack wa-stack--tight">
            {!stopped && (
              <CostPreview
                numberId={number.id}
                to={recipient.e164}
                category={mode === 'text' ? (windowOpen ? 'service' : null) : (template?.category ?? null)}
              />
            )}
            <Button
              type="submit"
              kind="primary"
              fullWidth
              data-testid="send-button"
              disabled={!canSend}
              loading={send.isPending}
              loaderLabel="Sending…"
            >
              {mode === 'text' ? 'Send message' : 'Send WhatsApp template'}
            </Button>
            {blocker && !send.isPending && number.canSend && (
              <Text size="sm" className="wa-muted" data-testid="send-hint">
                {blocker}
              </Text>
            )}
            {send.isError && (
              <InlineAlert kind="error" role="alert" data-testid="send-error">
                {describeSendError(send.error)}
                {fieldErrors.other.filter((e) => e.path !== 'text').length > 0 && (
                  <ul className="wa-plain-list">
                    {fieldErrors.other
                      .filter((e) => e.path !== 'text')
                      .map((e) => (
                        <li key={`${e.path}:${e.message}`}>{e.message}</li>
                      ))}
                  </ul>
                )}
                {send.error instanceof NetworkError && ' Sending again is safe: it will not be sent twice.'}
              </InlineAlert>
            )}
            {send.isSuccess &&
              (send.data.message.status === 'failed' || send.data.message.status === 'not_sent' ? (
                // A retried request whose first attempt the provider had already refused.
                <InlineAlert kind="error" role="alert" data-testid="send-error">
                  {send.data.message.errorMessage ?? 'WhatsApp refused the message.'}
                </InlineAlert>
              ) : (
                <Text size="sm" className="wa-success-text" data-testid="send-success" role="status">
                  Sent. Delivery status shows below.
                </Text>
              ))}
          </section>

          {recipient.e164 && (
            <section className="wa-section">
              <MessageHistory to={recipient.e164} numberId={number.id} />
            </section>
          )}
        </>
      )}
    </form>
  );
}
