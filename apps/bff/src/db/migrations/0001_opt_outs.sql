CREATE TABLE "opt_outs" (
	"organization_id" text NOT NULL,
	"recipient" text NOT NULL,
	"source" text NOT NULL,
	"reason" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "opt_outs_organization_id_recipient_pk" PRIMARY KEY("organization_id","recipient")
);
--> statement-breakpoint
ALTER TABLE "opt_outs" ADD CONSTRAINT "opt_outs_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;