CREATE TABLE "number_opt_out_settings" (
	"number_id" uuid PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"append_instruction" boolean DEFAULT false NOT NULL,
	"instruction" text NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "number_opt_out_settings" ADD CONSTRAINT "number_opt_out_settings_number_id_numbers_id_fk" FOREIGN KEY ("number_id") REFERENCES "public"."numbers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "number_opt_out_settings" ADD CONSTRAINT "number_opt_out_settings_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;