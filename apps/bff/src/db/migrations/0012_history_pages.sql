DROP INDEX "audit_events_org";--> statement-breakpoint
DROP INDEX "audit_events_at";--> statement-breakpoint
DROP INDEX "charges_org";--> statement-breakpoint
DROP INDEX "ledger_org";--> statement-breakpoint
DROP INDEX "messages_recipient";--> statement-breakpoint
CREATE INDEX "audit_events_org_page" ON "audit_events" USING btree ("organization_id","at","id");--> statement-breakpoint
CREATE INDEX "audit_events_at_page" ON "audit_events" USING btree ("at","id");--> statement-breakpoint
CREATE INDEX "campaign_recipients_seq" ON "campaign_recipients" USING btree ("campaign_id","seq");--> statement-breakpoint
CREATE INDEX "charges_org_page" ON "charges" USING btree ("organization_id","created_at","id");--> statement-breakpoint
CREATE INDEX "ledger_org_page" ON "ledger_entries" USING btree ("organization_id","created_at","id");--> statement-breakpoint
CREATE INDEX "ledger_purchase_reference" ON "ledger_entries" USING btree ("organization_id","reference") WHERE "ledger_entries"."reason" = 'purchase';--> statement-breakpoint
CREATE INDEX "messages_recipient_page" ON "messages" USING btree ("organization_id","recipient","created_at","id");--> statement-breakpoint
CREATE INDEX "opt_outs_page" ON "opt_outs" USING btree ("organization_id","created_at","recipient");