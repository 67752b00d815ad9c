import { Loader, Text } from '@livechat/design-system-react-components';
import { Card } from '../../components/card.tsx';
import { InlineAlert } from '../../components/inline-alert.tsx';
import { formatPhone } from '../../lib/format-phone.ts';
import { QueryState } from '../../lib/query-state.tsx';
import { useMe } from '../../features/auth/api/get-me.ts';
import { useNumbers } from '../../features/numbers/api/get-numbers.ts';
import { useOptOuts } from '../../features/opt-outs/api/opt-outs.ts';
import { AddOptOutForm } from '../../features/opt-outs/components/add-opt-out-form.tsx';
import { ImportExport } from '../../features/opt-outs/components/import-export.tsx';
import { InstructionSettings } from '../../features/opt-outs/components/instruction-settings.tsx';
import { KeywordsCard } from '../../features/opt-outs/components/keywords-card.tsx';
import { OptOutList } from '../../features/opt-outs/components/opt-out-list.tsx';

function NumbersInstruction() {
  const numbers = useNumbers();
  return (
    <QueryState query={numbers} failed="Couldn't load the numbers." size="sm">
      {(list) =>
        list.length === 0 ? (
          <Text className="wa-muted">No WhatsApp number is connected yet.</Text>
        ) : (
          <div className="wa-stack">
            {list.map((n) => (
              <section key={n.id} className="wa-stack wa-stack--tight">
                <Text as="h3" bold className="wa-section-title">
                  {n.displayName} <span className="wa-muted">· {formatPhone(n.number)}</span>
                </Text>
                <InstructionSettings numberId={n.id} />
              </section>
            ))}
          </div>
        )
      }
    </QueryState>
  );
}

/** F.4: the organization's suppression list, the keywords, and each number's opt-out instruction. Owners and admins only. */
export default function OptOutsPage() {
  const me = useMe();
  // The keywords come with the list.
  const keywords = useOptOuts({ q: '', limit: 25 }).data?.pages[0]?.keywords;
  if (me.isPending) return <Loader size="small" />;
  if (me.data && !me.data.canManage) {
    return (
      <InlineAlert kind="info" data-testid="opt-outs-managers-only">
        Only the owner or an administrator of your LiveChat organization can see and change who has opted out. Agents see a customer's
        opt-out in the chat sidebar.
      </InlineAlert>
    );
  }
  return (
    <div className="wa-optouts" data-testid="opt-outs-page">
      <Text className="wa-muted">
        Customers on this list never receive WhatsApp messages from your organization, one-on-one or in campaigns (terms F.4). Customers
        join it by replying STOP; you can also add, import and remove numbers.
      </Text>
      <div className="wa-grid wa-grid--wide">
        <Card title="Suppression list">
          <div className="wa-stack">
            <AddOptOutForm />
            <ImportExport />
            <OptOutList />
          </div>
        </Card>
        <div className="wa-stack">
          <KeywordsCard keywords={keywords} />
          <Card title="Opt-out instruction in marketing templates">
            <NumbersInstruction />
          </Card>
        </div>
      </div>
    </div>
  );
}
