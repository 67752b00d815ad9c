import { useState } from 'react';
import { Button, FormField, Input, Text } from '@livechat/design-system-react-components';
import { Form } from '../../../components/form.tsx';
import { ApiError, errorMessage } from '../../../lib/api-client.ts';
import { useBalance } from '../api/get-balance.ts';
import { useSetLowBalanceThreshold } from '../api/set-threshold.ts';

/** The owner's low-balance warning: below it both widgets warn and the app's icon shows a badge. */
export function ThresholdForm({ canManage }: { canManage: boolean }) {
  const balance = useBalance();
  const save = useSetLowBalanceThreshold();
  const current = balance.data?.lowBalanceThreshold ?? null;
  const [value, setValue] = useState<string | null>(null);
  const shown = value ?? (current === null ? '' : String(current));
  const fieldError = save.error instanceof ApiError ? save.error.fieldError('threshold') : undefined;

  function submit() {
    const n = shown.trim() === '' ? null : Number(shown);
    save.mutate(n, { onSuccess: () => setValue(null) });
  }

  if (!canManage) {
    return (
      <Text size="sm" className="wa-muted" data-testid="threshold-readonly">
        {current === null ? 'No low-balance warning is set.' : `Low-balance warning below ${current} conversations.`}
      </Text>
    );
  }
  return (
    <Form className="wa-stack wa-stack--tight" onSubmit={submit} aria-label="Low-balance warning">
      <FormField
        labelText="Warn me below"
        labelFor="wa-threshold"
        error={fieldError ?? (save.isError && !fieldError ? errorMessage(save.error) : undefined)}
        description="Conversations. Leave empty for no warning."
      >
        <div className="wa-row">
          <Input
            id="wa-threshold"
            type="number"
            inputMode="numeric"
            min={1}
            step={1}
            data-testid="threshold-input"
            value={shown}
            onChange={(e) => setValue(e.target.value)}
            error={Boolean(fieldError)}
          />
          <Button kind="secondary" type="submit" loading={save.isPending} data-testid="threshold-save">
            Save
          </Button>
        </div>
      </FormField>
      {save.isSuccess && value === null && (
        <Text size="sm" className="wa-success-text" role="status">
          Saved.
        </Text>
      )}
    </Form>
  );
}
