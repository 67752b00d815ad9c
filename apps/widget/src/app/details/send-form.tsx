import { useState } from 'react';
import { SkeletonText } from '@livechat/design-system-react-components';
import type { Template, WhatsAppNumber } from '@wa/contracts';
import { InlineAlert } from '../../components/inline-alert.tsx';
import { Form } from '../../components/form.tsx';
import { formatPhone } from '../../lib/format-phone.ts';
import { useToast } from '../../lib/livechat/hooks.tsx';
import type { CustomerProfile } from '../../lib/livechat/types.ts';
import { BalanceSummary } from '../../features/balance/components/balance-summary.tsx';
import { useConversationStatus } from '../../features/conversation/api/get-conversation-status.ts';
import { SendWindowStatus } from '../../features/conversation/components/send-window-status.tsx';
import { useCountdown } from '../../features/conversation/hooks/use-countdown.ts';
import { ComposeModeField } from '../../features/messages/components/compose-mode-field.tsx';
import { CostPreview } from '../../features/messages/components/cost-preview.tsx';
import { FreeTextComposer } from '../../features/messages/components/free-text-composer.tsx';
import { MessageHistory } from '../../features/messages/components/message-history.tsx';
import { SendOutcome } from '../../features/messages/components/send-outcome.tsx';
import { useSendMessage } from '../../features/messages/hooks/use-send-message.ts';
import { splitFieldErrors } from '../../features/messages/utils/send-errors.ts';
import {
  composeMode,
  missingVariables,
  sendBlocker,
  templateSendFields,
  type ComposeMode,
} from '../../features/messages/utils/send-rules.ts';
import { SendingNumberField } from '../../features/numbers/components/sending-number-field.tsx';
import { useOptOutInstruction } from '../../features/opt-outs/api/get-opt-out-instruction.ts';
import { RecipientField } from '../../features/recipient/components/recipient-field.tsx';
import { useRecipient } from '../../features/recipient/hooks/use-recipient.ts';
import { useTemplates } from '../../features/templates/api/get-templates.ts';
import { TemplateComposer } from '../../features/templates/components/template-composer.tsx';
import { emptyExtras, missingExtras, type TemplateExtrasValue } from '../../features/templates/components/template-extras.tsx';
import { templateKey } from '../../features/templates/utils/template-key.ts';
import { templateAvailability } from '../../features/templates/utils/template-status.ts';
import { templateRules } from './template-rules.ts';

export interface SendFormProps {
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

/** The sidebar's send form: it composes the recipient, number, template and message features into one send. */
export function SendForm(props: SendFormProps) {
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
  const [modeChoice, setModeChoice] = useState<ComposeMode | null>(null);

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
  const mode = composeMode({ windowOpen, stopped, choice: modeChoice, hasTemplate: template !== null });

  const fieldErrors = splitFieldErrors(send.error);
  const blocker = sendBlocker({
    recipient: recipient.e164,
    number,
    optedOut: Boolean(optOut),
    restricted: Boolean(restriction),
    mode,
    text,
    template,
    missingVariables: missingVariables(template, values),
    missingExtras: template ? missingExtras(template, extras) : [],
  });
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
    send.mutate({ kind: 'template', ...base, ...templateSendFields(template, values, extras) });
  }

  return (
    <Form className="wa-stack" aria-label="Send a WhatsApp message" onSubmit={onSend}>
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

          {recipient.e164 && <SendWindowStatus status={status} remainingMs={remainingMs} />}

          <section className="wa-section wa-stack">
            <ComposeModeField
              mode={mode}
              onChange={(next) => {
                setModeChoice(next);
                send.reset();
              }}
              freeTextAllowed={windowOpen && !stopped}
              showClosedNote={!windowOpen && !stopped && Boolean(recipient.e164 && status.data)}
            />

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
            ) : (
              <TemplateComposer
                numberId={number.id}
                templates={templates}
                hidden={rules.hidden}
                blocked={rules.blocked}
                sentAs={rules.sentAs}
                choice={currentKey}
                onChoose={(key) => {
                  props.onTemplateChange(key);
                  send.reset();
                }}
                template={template}
                values={values}
                onVariableChange={setVariable}
                extras={extras}
                onExtrasChange={(value) => setExtrasState({ forTemplate: currentKey, value })}
                errors={{
                  template: fieldErrors.template,
                  variables: fieldErrors.variables,
                  other: Object.fromEntries(fieldErrors.other.map((e) => [e.path, e.message])),
                }}
                disabled={send.isPending}
                locked={stopped}
              />
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
            <SendOutcome
              mode={mode}
              canSend={canSend}
              blocker={blocker}
              showBlocker={number.canSend}
              send={send}
              otherErrors={fieldErrors.other.filter((e) => e.path !== 'text')}
            />
          </section>

          {recipient.e164 && (
            <section className="wa-section">
              <MessageHistory to={recipient.e164} numberId={number.id} />
            </section>
          )}
        </>
      )}
    </Form>
  );
}
