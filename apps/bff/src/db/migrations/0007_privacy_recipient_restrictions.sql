CREATE TABLE "recipient_restrictions" (
	"organization_id" text NOT NULL,
	"recipient" text NOT NULL,
	"reason" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recipient_restrictions_organization_id_recipient_pk" PRIMARY KEY("organization_id","recipient")
);
--> statement-breakpoint
ALTER TABLE "recipient_restrictions" ADD CONSTRAINT "recipient_restrictions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;