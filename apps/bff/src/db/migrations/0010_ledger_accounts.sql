CREATE UNLOGGED TABLE "api_rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"points" integer DEFAULT 0 NOT NULL,
	"expire" bigint
);
--> statement-breakpoint
CREATE TABLE "ledger_accounts" (
	"organization_id" text PRIMARY KEY NOT NULL,
	"remaining" bigint DEFAULT 0 NOT NULL,
	"reserved" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
-- Every statement that inserts ledger entries adds their deltas to the organizations' account rows, in the same
-- statement (so in the same transaction). Statement level with a transition table: a batch of entries costs one
-- update per organization, not one per entry; rows skipped by ON CONFLICT DO NOTHING are not in `appended`.
CREATE FUNCTION "ledger_accounts_add"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "ledger_accounts" AS a ("organization_id", "remaining", "reserved")
    SELECT "organization_id",
           sum("delta"),
           sum(CASE WHEN "reason" IN ('reservation', 'reservation_released') THEN -"delta" ELSE 0 END)
      FROM appended
     GROUP BY "organization_id"
     ORDER BY "organization_id"
  ON CONFLICT ("organization_id") DO UPDATE
    SET "remaining" = a."remaining" + excluded."remaining",
        "reserved" = a."reserved" + excluded."reserved";
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- Created before the backfill: it locks ledger_entries against inserts until this migration commits, so no entry
-- is counted twice or missed.
CREATE TRIGGER "ledger_entries_to_accounts" AFTER INSERT ON "ledger_entries"
  REFERENCING NEW TABLE AS appended FOR EACH STATEMENT EXECUTE FUNCTION "ledger_accounts_add"();
--> statement-breakpoint
INSERT INTO "ledger_accounts" ("organization_id", "remaining", "reserved")
  SELECT "organization_id",
         sum("delta"),
         sum(CASE WHEN "reason" IN ('reservation', 'reservation_released') THEN -"delta" ELSE 0 END)
    FROM "ledger_entries"
   GROUP BY "organization_id";
