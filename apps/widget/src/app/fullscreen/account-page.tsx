import { Heading } from '@livechat/design-system-react-components';
import { useMe } from '../../features/auth/api/get-me.ts';
import { TermsCard } from '../../features/account/components/terms-card.tsx';
import { UninstallCard } from '../../features/account/components/uninstall-card.tsx';
import { AuditLogCard } from '../../features/audit/components/audit-log-card.tsx';
import { RefundsCard } from '../../features/refunds/components/refunds-card.tsx';
import { DataExportCard } from '../../features/privacy/components/data-export-card.tsx';
import { BusinessContactCard } from '../../features/business/components/business-contact-card.tsx';
import { DataDeletionCard } from '../../features/business/components/data-deletion-card.tsx';
import './account.css';

/**
 * The account's standing and terms, refunds (H), what uninstalling loses (C.5, E) and the audit log.
 * Privacy: the business's contact data, its data export and the deletion of its data after uninstalling (L.11).
 */
export default function AccountPage() {
  const me = useMe().data;
  const canManage = me?.canManage ?? false;
  return (
    <div className="wa-stack wa-page">
      <Heading size="sm" as="h2">
        Account
      </Heading>
      <div className="wa-grid">
        <TermsCard />
        {canManage && <UninstallCard />}
      </div>
      {canManage && <RefundsCard />}
      {canManage && <AuditLogCard selfAccountId={me?.accountId} />}
      <BusinessContactCard canManage={canManage} />
      {canManage && <DataExportCard />}
      {canManage && <DataDeletionCard />}
    </div>
  );
}
