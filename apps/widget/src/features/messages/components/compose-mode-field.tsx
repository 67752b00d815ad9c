import { SegmentedControl, Text } from '@livechat/design-system-react-components';
import type { ComposeMode } from '../utils/send-rules.ts';

/** Template or free text; free text is off, with the reason, while the customer's window is closed. */
export function ComposeModeField({
  mode,
  onChange,
  freeTextAllowed,
  showClosedNote,
}: {
  mode: ComposeMode;
  onChange: (mode: ComposeMode) => void;
  freeTextAllowed: boolean;
  showClosedNote: boolean;
}) {
  return (
    <div className="wa-stack wa-stack--tight">
      <SegmentedControl
        fullWidth
        size="compact"
        data-testid="compose-mode"
        currentId={mode}
        onButtonClick={(id) => onChange(id as ComposeMode)}
        buttons={[
          { id: 'template', label: 'Template' },
          { id: 'text', label: 'Free text', disabled: !freeTextAllowed },
        ]}
      />
      {showClosedNote && (
        <Text size="sm" className="wa-muted" data-testid="free-text-blocked">
          Free text is off until the customer writes to you: outside the 24-hour window WhatsApp only delivers approved templates.
        </Text>
      )}
    </div>
  );
}
