CREATE TABLE "campaign_recipients" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"campaign_id" uuid NOT NULL,
	"organization_id" text NOT NULL,
	"seq" integer NOT NULL,
	"line" integer NOT NULL,
	"recipient" text NOT NULL,
	"country" text,
	"policy_key" text,
	"variables" jsonb,
	"status" text DEFAULT 'pending' NOT NULL,
	"reason" text,
	"round" integer DEFAULT 0 NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"message_id" uuid,
	"not_before" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_at" timestamp with time zone,
	"dispatched_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "campaign_rejections" (
	"campaign_id" uuid NOT NULL,
	"line" integer NOT NULL,
	"phone" text NOT NULL,
	"kind" text NOT NULL,
	"reason" text NOT NULL,
	CONSTRAINT "campaign_rejections_campaign_id_line_pk" PRIMARY KEY("campaign_id","line")
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" text NOT NULL,
	"number_id" uuid NOT NULL,
	"name" text NOT NULL,
	"template_name" text NOT NULL,
	"language" text NOT NULL,
	"category" text NOT NULL,
	"variable_count" integer NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"mapping" jsonb NOT NULL,
	"report" jsonb NOT NULL,
	"quiet_hours" boolean NOT NULL,
	"rate_per_second" double precision,
	"send_limit" integer,
	"reserved_held" integer DEFAULT 0 NOT NULL,
	"reservation_round" integer DEFAULT 0 NOT NULL,
	"paused_reason" text,
	"scheduled_at" timestamp with time zone,
	"launched_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"heartbeat_at" timestamp with time zone,
	"wake_at" timestamp with time zone,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dispatch_rate_slots" (
	"key" text PRIMARY KEY NOT NULL,
	"next_at" double precision NOT NULL
);
--> statement-breakpoint
ALTER TABLE "campaign_recipients" ADD CONSTRAINT "campaign_recipients_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_rejections" ADD CONSTRAINT "campaign_rejections_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_number_id_numbers_id_fk" FOREIGN KEY ("number_id") REFERENCES "public"."numbers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "campaign_recipients_unique" ON "campaign_recipients" USING btree ("campaign_id","recipient");--> statement-breakpoint
CREATE INDEX "campaign_recipients_dispatch" ON "campaign_recipients" USING btree ("campaign_id","status","seq");--> statement-breakpoint
CREATE INDEX "campaign_recipients_message" ON "campaign_recipients" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "campaigns_org" ON "campaigns" USING btree ("organization_id","created_at");--> statement-breakpoint
CREATE INDEX "campaigns_status" ON "campaigns" USING btree ("status");