import { useState } from 'react';
import { Button, Switch, Tag, Text } from '@livechat/design-system-react-components';
import { DEFAULT_OPT_OUT_INSTRUCTION, type OptOutInstruction, type OptOutInstructionState } from '@wa/contracts';
import { TextField } from '../../../components/text-field.tsx';
import { Form } from '../../../components/form.tsx';
import { MutationError } from '../../../components/mutation-error.tsx';
import { QueryState } from '../../../lib/query-state.tsx';
import { useOptOutInstruction, useUpdateOptOutInstruction } from '../api/get-opt-out-instruction.ts';

const STATE: Record<OptOutInstructionState, { label: string; kind: 'success' | 'warning' | 'error' | 'default' }> = {
  own: { label: 'Has its own', kind: 'success' },
  added: { label: 'Instruction added', kind: 'success' },
  waiting: { label: 'In review', kind: 'warning' },
  refused: { label: 'Copy refused', kind: 'error' },
  missing: { label: 'No instruction', kind: 'default' },
};

function InstructionForm({ current, update }: { current: OptOutInstruction; update: ReturnType<typeof useUpdateOptOutInstruction> }) {
  const numberId = current.numberId;
  const [enabled, setEnabled] = useState(current.enabled);
  const [instruction, setInstruction] = useState(current.instruction);
  const dirty = enabled !== current.enabled || instruction.trim() !== current.instruction;
  const tooLong = instruction.trim().length > 60;

  return (
    <Form
      className="wa-stack"
      onSubmit={() => {
        if (!dirty || tooLong || !instruction.trim()) return;
        update.mutate({ enabled, instruction: instruction.trim() });
      }}
    >
      <label className="wa-row">
        <Switch
          size="compact"
          on={enabled}
          onChange={(_e, on) => setEnabled(on)}
          ariaLabel="Add an opt-out instruction to marketing templates"
        />
        <Text as="span">Add an opt-out instruction to marketing templates</Text>
      </label>
      <TextField
        id={`wa-instruction-${numberId}`}
        label="Instruction"
        description={`${instruction.trim().length}/60 · shown as the footer line of the message`}
        error={tooLong ? 'WhatsApp allows at most 60 characters in a footer' : undefined}
        fieldClassName="wa-fill"
        inputSize="compact"
        className="wa-input-full"
        data-testid="opt-out-instruction-text"
        value={instruction}
        placeholder={DEFAULT_OPT_OUT_INSTRUCTION}
        cropOnBlur={false}
        onChange={(e) => setInstruction(e.target.value)}
      />
      <div className="wa-row">
        <Button
          type="submit"
          kind="primary"
          size="compact"
          disabled={!dirty || tooLong || !instruction.trim()}
          loading={update.isPending}
          data-testid="opt-out-instruction-save"
        >
          Save
        </Button>
        <MutationError mutation={update} inline />
        {update.isSuccess && !dirty && (
          <Text as="span" size="sm" className="wa-success-text" role="status">
            Saved.
          </Text>
        )}
      </div>
    </Form>
  );
}

/**
 * Per number: add "Reply STOP to unsubscribe" to marketing templates. WhatsApp sends a template exactly as
 * approved, so the app submits a copy of each marketing template with the instruction as its footer and sends
 * that copy once WhatsApp approves it; until then those templates cannot be sent from this number.
 */
export function InstructionSettings({ numberId }: { numberId: string }) {
  const instruction = useOptOutInstruction(numberId);
  // Lives here, not in the form: the form starts over from the saved values, the "Saved." stays.
  const update = useUpdateOptOutInstruction(numberId);
  return (
    <QueryState query={instruction} failed="Couldn't load the setting." size="sm">
      {(data) => <Instruction numberId={numberId} data={data} update={update} />}
    </QueryState>
  );
}

function Instruction({
  numberId,
  data,
  update,
}: {
  numberId: string;
  data: OptOutInstruction;
  update: ReturnType<typeof useUpdateOptOutInstruction>;
}) {
  return (
    <div className="wa-stack" data-testid={`opt-out-instruction-${numberId}`}>
      <InstructionForm key={`${data.enabled}:${data.instruction}`} current={data} update={update} />
      <Text size="sm" className="wa-muted">
        WhatsApp sends a template exactly as it approved it, so a line cannot be added while sending. Instead, each marketing template
        without an opt-out instruction gets a copy with the instruction as its footer, submitted for WhatsApp's review; once approved, the
        copy is sent in its place. Until then, that template cannot be sent from this number.
      </Text>
      {data.templates.length > 0 && (
        <ul className="wa-unavailable">
          {data.templates.map((t) => (
            <li key={`${t.name}:${t.language}`} className="wa-stack wa-stack--tight" data-testid={`instruction-template-${t.name}`}>
              <div className="wa-row wa-row--between">
                <Text as="span" size="sm" bold>
                  {t.name}
                </Text>
                <Tag size="small" kind={STATE[t.state].kind}>
                  {data.enabled || t.state === 'own' ? STATE[t.state].label : 'Sent as it is'}
                </Tag>
              </div>
              {t.blockedReason && (
                <Text as="span" size="sm" className="wa-muted">
                  {t.blockedReason}
                </Text>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
